package io.gyro.bench;

import java.util.List;

/**
 * The production JVM flags, as constants a JMH {@code @Fork(jvmArgsAppend = ...)} can name
 * (annotation values must be compile-time constants, so the root POM property
 * {@code gyro.jvm.flags} cannot be read there). {@code JvmFlagsTest} fails the build when these
 * drift from the POM property, which stays the one place they are defined.
 *
 * <p>Every benchmark forks with {@link #GYRO} flags plus the heap settings below: the JVM the
 * engine runs in, with a fixed, pre-touched heap so that GC sizing does not move the figures.
 */
public final class JvmFlags {
    private JvmFlags() {
    }

    // gyro.jvm.flags, in POM order: what Chronicle Map needs on Java 17.
    public static final String EXPORT_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String EXPORT_JAVAC_FILE = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    public static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    public static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    public static final String EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    public static final String EXPORT_MISC = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    public static final String OPEN_JAVAC = "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";
    public static final String OPEN_IO = "--add-opens=java.base/java.io=ALL-UNNAMED";
    public static final String OPEN_UTIL = "--add-opens=java.base/java.util=ALL-UNNAMED";
    public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";

    // Benchmark heap: fixed and pre-touched.
    public static final String HEAP_MIN = "-Xms1g";
    public static final String HEAP_MAX = "-Xmx1g";
    public static final String GC = "-XX:+UseG1GC";
    public static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

    /** The flags of {@code gyro.jvm.flags}, in order. */
    public static final List<String> GYRO = List.of(EXPORT_NIO, EXPORT_JAVAC_FILE, OPEN_LANG, OPEN_REFLECT, EXPORT_REF,
            EXPORT_MISC, OPEN_JAVAC, OPEN_IO, OPEN_UTIL, NO_ANALYTICS);
}
