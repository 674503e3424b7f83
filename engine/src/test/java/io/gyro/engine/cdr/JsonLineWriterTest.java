package io.gyro.engine.cdr;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The journal's JSON writer against the JDK's own number, text and time formatting. */
class JsonLineWriterTest {
    private static final byte[] K = JsonLineWriter.key("k");
    private final byte[] buf = new byte[4096];
    private final JsonLineWriter w = new JsonLineWriter().wrap(buf);

    private String written() {
        return new String(buf, 0, w.position(), StandardCharsets.UTF_8);
    }

    @Test
    void numbersAreWhatLongToStringWrites() {
        long[] edges = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 9_999_999_999L, 10_000_000_000L,
                999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, -9, -10, -100, -101,
                Long.MIN_VALUE + 1, Long.MIN_VALUE};
        Random rnd = new Random(7);
        for (int i = 0; i < edges.length + 20_000; i++) {
            long v = i < edges.length ? edges[i] : rnd.nextLong() >> rnd.nextInt(64);
            w.reset();
            w.putLong(v);
            assertEquals(Long.toString(v), written(), "value " + v);
        }
    }

    @Test
    void digitCountIsTheLengthOfTheDecimal() {
        for (long v = 1, p = 0; p < 19; p++, v *= 10) {
            assertEquals(Long.toString(v).length(), JsonLineWriter.digitCount(v));
            assertEquals(Long.toString(v - 1).length(), JsonLineWriter.digitCount(v - 1));
        }
        assertEquals(19, JsonLineWriter.digitCount(Long.MAX_VALUE));
    }

    @Test
    void stringsAreEscapedAsRfc8259AndEncodedAsUtf8() {
        Random rnd = new Random(11);
        char[] pool = {'a', 'Z', '0', ' ', '~', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', 0, 1, 0x1f, 0x7f, 'é',
                0x7ff, 0x800, '中', 0xfffd, 0xd83d, 0xde00, 0xdbff, 0xdc00};
        for (int i = 0; i < 5_000; i++) {
            StringBuilder s = new StringBuilder();
            int n = rnd.nextInt(40);
            for (int j = 0; j < n; j++) {
                s.append(pool[rnd.nextInt(pool.length)]);
            }
            w.reset();
            w.beginObject();
            w.fieldString(K, s);
            assertEquals("{\"k\":\"" + reference(s) + "\"", written(), "string " + s.chars().boxed().toList());
        }
    }

    /** The escaping the writer promises, done the plain way: an unpaired surrogate becomes U+FFFD. */
    private static String reference(CharSequence s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\ufffd');
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '\b') {
                out.append("\\b");
            } else if (c == '\f') {
                out.append("\\f");
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Test
    void timestampsOfTheSameAndOtherDaysMatchJavaTime() {
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        Random rnd = new Random(3);
        long ms = 1_790_000_000_000L;
        for (int i = 0; i < 20_000; i++) {
            // mostly small steps (the same day again, as records come), sometimes a jump to another day or back
            ms += rnd.nextInt(10) == 0 ? rnd.nextLong(-400L * 86_400_000L, 400L * 86_400_000L) : rnd.nextInt(60_000);
            w.reset();
            w.beginObject();
            w.fieldIsoUtc(K, ms);
            assertEquals("{\"k\":\"" + iso.format(Instant.ofEpochMilli(ms)) + "\"", written());
        }
    }

    @Test
    void namesAreWrittenWithCommasBetweenMembers() {
        w.reset();
        w.beginObject();
        w.field(JsonLineWriter.key("a"), 1);
        w.fieldNull(JsonLineWriter.key("b"));
        w.beginArray(JsonLineWriter.key("c"));
        w.beginRow();
        w.value(-2);
        w.value(30);
        w.endRow();
        w.endArray();
        w.fieldMicrosDecimal(JsonLineWriter.key("d"), -1_230_000);
        w.endObject();
        assertEquals("{\"a\":1,\"b\":null,\"c\":[[-2,30]],\"d\":\"-1.230000\"}", written());
    }

    @Test
    void memberNamesMustBePlainAscii() {
        assertThrows(IllegalArgumentException.class, () -> JsonLineWriter.key("a\"b"));
        assertThrows(IllegalArgumentException.class, () -> JsonLineWriter.key("a\\b"));
        assertThrows(IllegalArgumentException.class, () -> JsonLineWriter.key("é"));
        assertThrows(IllegalArgumentException.class, () -> JsonLineWriter.key("a\nb"));
    }
}
