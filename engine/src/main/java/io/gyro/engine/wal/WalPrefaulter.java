package io.gyro.engine.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes the page faults of a new segment's pages a little ahead of the {@link Wal}'s writer, on its own thread
 * ({@code gyro-wal-prefault}), so the charging thread only copies bytes: the first write to each page of a
 * mapping is a fault (on a virtual machine one can cost tens of microseconds). A page is made writable with an
 * atomic compare-and-set of a zero long with zero, which leaves any byte the writer already put there as it is
 * (the idea the JSON journal used while it was a mapped file).
 *
 * <p>Threads: {@link #writing} on the writer's thread (at each segment start and batch end); the rest on this
 * thread; {@link #close} on the writer's thread at the end. The writer never unmaps a segment this thread may touch:
 * with a prefaulter a full segment's mapping is dropped, not unmapped, and the garbage collector unmaps it once
 * neither thread refers to it.
 */
final class WalPrefaulter implements AutoCloseable {
    private static final int PAGE = 4096;
    /** Pages faulted in per step, between which the writer's position is read again. */
    private static final int PAGES_PER_STEP = 64;
    /** With 4 MiB of look-ahead, a look every millisecond keeps ahead of 1 GB/s of records. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long LOOKAHEAD_BYTES = 4L * 1024 * 1024;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final Thread thread;
    private volatile MappedByteBuffer target;
    private volatile int writerPosition;
    private volatile boolean stopping;
    /** Written by this thread only; volatile so tests can watch it. */
    private volatile long pagesTouched;

    // this thread only
    private MappedByteBuffer touching;
    private long touchedUpTo;

    WalPrefaulter() {
        thread = new Thread(this::run, "gyro-wal-prefault");
        thread.setDaemon(true);
        thread.start();
    }

    /** The writer is at {@code position} of {@code segment} (writer's thread). */
    void writing(MappedByteBuffer segment, int position) {
        if (target != segment) {
            target = segment;
        }
        writerPosition = position;
    }

    long pagesTouched() {
        return pagesTouched;
    }

    private void run() {
        while (!stopping) {
            MappedByteBuffer t = target;
            if (t == null || !step(t, writerPosition)) {
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
        }
    }

    /** Touches up to {@link #PAGES_PER_STEP} pages past the writer's; false when none was due. */
    private boolean step(MappedByteBuffer t, int position) {
        if (t != touching) {
            touching = t;
            touchedUpTo = 0;
        }
        long from = Math.max(touchedUpTo, ((long) position / PAGE + 1) * PAGE);
        long to = Math.min(t.capacity() / PAGE * (long) PAGE, Math.min(position + LOOKAHEAD_BYTES, from + (long) PAGES_PER_STEP * PAGE));
        if (from >= to) {
            return false;
        }
        long n = 0;
        for (long p = from; p < to; p += PAGE) {
            LONGS.compareAndSet(t, (int) p, 0L, 0L);
            n++;
        }
        touchedUpTo = to;
        pagesTouched += n;
        return true;
    }

    /** Stops the thread and waits for it (so the writer may unmap its segment after). */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        touching = null;
        target = null;
    }

    boolean stopped() {
        return !thread.isAlive();
    }
}
