package io.gyro.diameter.dictionary;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broken row stops AvpDictionary's class initialisation, with a message naming the line: the
 * dictionary classes are loaded afresh, in a class loader whose {@code avps.tsv} is the real table
 * with one broken row appended.
 */
class BrokenTableInitialisationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown type       | 9000\t10415\tNew-Avp\tUnsigned31\tmust\tmust\tTS 32.299 §7.2\t | unknown type 'Unsigned31'",
            "duplicate code     | 874\t10415\tPS-Information-Again\tGrouped\tmust\tmust\tTS 32.299 §7.2\t | duplicate AVP code 874 of vendor 10415",
            "bad number         | 87x\t10415\tNew-Avp\tGrouped\tmust\tmust\tTS 32.299 §7.2\t | code '87x' is not a decimal number",
            "beyond the arrays  | 9000\t10415\tNew-Avp\tUnsigned32\tmust\tmust\tTS 32.299 §7.2\t | enlarge TGPP_SIZE",
    })
    void aBrokenRowFailsClassInitialisationNamingItsLine(String what, String row, String because) throws IOException {
        byte[] table;
        try (InputStream in = AvpDictionary.class.getResourceAsStream(AvpDictionary.TABLE)) {
            table = in.readAllBytes();
        }
        long lines = new String(table, StandardCharsets.UTF_8).lines().count();
        byte[] broken = (new String(table, StandardCharsets.UTF_8) + row.replace("\\t", "\t") + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ClassLoader loader = new FreshDictionaryLoader(broken);
        ExceptionInInitializerError e = assertThrows(ExceptionInInitializerError.class,
                () -> Class.forName(AvpDictionary.class.getName(), true, loader));
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(cause.getMessage().startsWith(AvpDictionary.TABLE + " line " + (lines + 1) + ": "), cause.getMessage());
        assertTrue(cause.getMessage().contains(because), cause.getMessage());
    }

    @ParameterizedTest(name = "the real table initialises a fresh copy: {0}")
    @CsvSource("PS-Information")
    void theRealTableInitialisesAFreshCopy(String name) throws Exception {
        byte[] table;
        try (InputStream in = AvpDictionary.class.getResourceAsStream(AvpDictionary.TABLE)) {
            table = in.readAllBytes();
        }
        Class<?> fresh = Class.forName(AvpDictionary.class.getName(), true, new FreshDictionaryLoader(table));
        assertEquals(name, fresh.getMethod("name", long.class, long.class).invoke(null, 10415L, 874L));
    }

    /** Defines the classes of this package itself (so their static state is new) and serves {@code table} as avps.tsv. */
    private static final class FreshDictionaryLoader extends ClassLoader {
        private final byte[] table;

        FreshDictionaryLoader(byte[] table) {
            super(BrokenTableInitialisationTest.class.getClassLoader());
            this.table = table;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(AvpDictionary.class.getPackageName() + ".") || name.contains("Test")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return loaded;
            }
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            if (name.endsWith("/" + AvpDictionary.TABLE)) {
                return new ByteArrayInputStream(table);
            }
            return super.getResourceAsStream(name);
        }
    }
}
