import java.io.File;
import java.lang.reflect.Method;

import net.openhft.chronicle.values.ValueModel;
import net.openhft.compiler.CachedCompiler;

/**
 * Build step (engine/pom.xml, exec-maven-plugin at process-classes; run as a single-file program): compiles the
 * native implementation of Chronicle Map's own value interface {@code VanillaGlobalMutableState} (the header of
 * every map file) into the engine's classes. Chronicle Values looks for {@code <interface>$$Native} on the class
 * path first and only otherwise generates the source and compiles it with javac inside the process, which took
 * about 1.8 s of every engine start here (1,096 javac classes loaded at the first map opened). The source is
 * Chronicle's own generator's, for the Chronicle version the build resolves, so the class always matches it.
 *
 * <p>Usage: {@code java <chronicle flags> -cp <compile classpath> PrecompileChronicleValues.java <classes dir>}
 */
public final class PrecompileChronicleValues {
    private static final String[] VALUE_INTERFACES = {"net.openhft.chronicle.hash.VanillaGlobalMutableState"};

    private PrecompileChronicleValues() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: PrecompileChronicleValues <classes dir>");
        }
        File classes = new File(args[0]);
        Method generate = Class.forName("net.openhft.chronicle.values.Generators")
                .getDeclaredMethod("generateNativeClass", ValueModel.class, String.class);
        generate.setAccessible(true);
        Method simpleName = ValueModel.class.getDeclaredMethod("simpleName");
        simpleName.setAccessible(true);
        try (CachedCompiler compiler = new CachedCompiler(null, classes)) {
            for (String name : VALUE_INTERFACES) {
                Class<?> valueType = Class.forName(name);
                ValueModel model = ValueModel.acquire(valueType);
                String simple = simpleName.invoke(model) + ValueModel.$$NATIVE;
                String source = (String) generate.invoke(null, model, simple);
                String className = valueType.getPackageName() + "." + simple;
                compiler.loadFromJava(className, source);
                File written = new File(classes, className.replace('.', File.separatorChar) + ".class");
                if (!written.isFile()) {
                    throw new IllegalStateException("compiled " + className + " but found no " + written);
                }
                System.out.println("precompiled " + className + " into " + classes);
            }
        }
    }
}
