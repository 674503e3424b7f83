package io.gyro.engine.cdr;

import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a {@link MappedByteBuffer} at once instead of when the garbage collector gets to it, so a
 * rotated journal file can be cut to its content and its address space given back. Uses
 * {@code sun.misc.Unsafe#invokeCleaner} (module jdk.unsupported, open to the class path). The buffer
 * must not be touched afterwards.
 */
public final class MappedFiles {
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private MappedFiles() {
    }

    public static void unmap(MappedByteBuffer buffer) {
        UNSAFE.invokeCleaner(buffer);
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
