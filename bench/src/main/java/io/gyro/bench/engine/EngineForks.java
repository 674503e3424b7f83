package io.gyro.bench.engine;

import io.gyro.bench.JvmFlags;
import org.openjdk.jmh.annotations.Fork;

/**
 * The forks of the engine benchmarks, in one place: two forks, each a JVM with the engine's production
 * flags ({@link JvmFlags}) and a fixed, pre-touched 1 GiB heap. JMH reads {@code @Fork} from a benchmark's
 * superclass, so {@link PipelineBenchmark}, {@link RingPipelineBenchmark} and {@link JournalBenchmark} extend
 * this instead of repeating the flag list (annotation values must be compile-time constants).
 */
@Fork(value = 2, jvmArgsAppend = {
        JvmFlags.EXPORT_NIO, JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.OPEN_LANG, JvmFlags.OPEN_REFLECT, JvmFlags.EXPORT_REF,
        JvmFlags.EXPORT_MISC, JvmFlags.OPEN_JAVAC, JvmFlags.OPEN_IO, JvmFlags.OPEN_UTIL, JvmFlags.NO_ANALYTICS,
        JvmFlags.HEAP_MIN, JvmFlags.HEAP_MAX, JvmFlags.GC, JvmFlags.PRE_TOUCH})
public abstract class EngineForks {
}
