package io.gyro.engine.cdr;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's file work, done on its own thread so the charging thread only copies bytes:
 * <ul>
 *   <li><b>Pre-faulting.</b> The first write to each page of a new mapping is a page fault (on a
 *       virtual machine, one that can cost tens of microseconds). This thread takes those faults a
 *       little ahead of the writer: it makes each page writable with an atomic compare-and-set of a
 *       zero long with zero, which leaves any byte the writer already put there as it is.</li>
 *   <li><b>A spare file.</b> The next file is created, mapped and its first pages faulted in before
 *       the current one fills, under a temporary name that readers ignore; rotation renames it.</li>
 *   <li><b>Retiring.</b> A full file is unmapped, cut to its content and closed here, not on the
 *       charging thread.</li>
 * </ul>
 * Only this thread unmaps a mapping it may touch, so it never touches an unmapped one. If it is not
 * ready (no spare yet) the journal does that work itself, as it would without a housekeeper.
 *
 * <p>A kill can leave a retired file with its zero tail and a spare file behind: {@link Journal#open}
 * cuts the first and deletes the second.
 */
final class JournalHousekeeper implements AutoCloseable {
    /** Name of the spare file; not a journal file name, so listings and readers skip it. */
    static final String SPARE_NAME = "cdr-spare.tmp";
    private static final int PAGE = 4096;
    /** Pages faulted in per step, between which retirements and a new spare are seen to. */
    private static final int PAGES_PER_STEP = 64;
    /** With 4 MiB of look-ahead, 10 ms between looks is plenty even at 100 MB/s of records. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final Logger LOG = LoggerFactory.getLogger(JournalHousekeeper.class);

    /** A file ready to be written: renamed into place and mapped from offset 0. */
    record Spare(Path path, FileChannel channel, MappedByteBuffer mapped) {
    }

    private record Retired(Path file, FileChannel channel, MappedByteBuffer mapped, long size, boolean force) {
    }

    private final Path dir;
    private final long fileBytes;
    private final long lookaheadBytes;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Retired> retired = new ConcurrentLinkedQueue<>();

    // written by the charging thread, read here
    private volatile MappedByteBuffer target;
    private volatile long writerPosition;
    // written here when null, taken (set to null) by the charging thread
    private volatile Spare spare;
    private volatile boolean stopping;

    // this thread only
    private MappedByteBuffer touching;
    private long touchedUpTo;
    private boolean spareFailureLogged;
    /** Written by this thread only; volatile so tests can watch them. */
    private volatile long pagesTouched;
    private volatile long failures;

    JournalHousekeeper(Path dir, long fileBytes, long lookaheadBytes) throws IOException {
        this.dir = dir;
        this.fileBytes = fileBytes;
        this.lookaheadBytes = Math.min(lookaheadBytes, fileBytes);
        Files.deleteIfExists(dir.resolve(SPARE_NAME));
        this.thread = new Thread(this::run, "gyro-journal");
        thread.setDaemon(true);
        thread.start();
    }

    /** Charging thread: the mapping now written, and how far (a hint: pages past it get faulted in). */
    void writing(MappedByteBuffer mapped, long position) {
        if (target != mapped) {
            target = mapped;
        }
        writerPosition = position;
    }

    /**
     * Charging thread: the spare file renamed to {@code name}, or null if none is ready (the caller
     * then creates the file itself).
     */
    Spare takeSpare(Path name) throws IOException {
        Spare s = spare;
        if (s == null) {
            return null;
        }
        Files.move(s.path(), name, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        spare = null;
        LockSupport.unpark(thread);
        return new Spare(name, s.channel(), s.mapped());
    }

    /**
     * Charging thread: {@code mapped} (of {@code file}) is full; unmap it, cut the file to {@code size},
     * force it to the device if asked, and close it. Call after {@link #writing} names the new mapping.
     */
    void retire(Path file, FileChannel channel, MappedByteBuffer mapped, long size, boolean force) {
        retired.add(new Retired(file, channel, mapped, size, force));
        LockSupport.unpark(thread);
    }

    /** Pages faulted in so far, for tests. */
    long pagesTouched() {
        return pagesTouched;
    }

    /** Unexpected exceptions caught by the thread's loop, for tests. */
    long failures() {
        return failures;
    }

    boolean spareReady() {
        return spare != null;
    }

    /**
     * Stops the thread, then retires what is still queued (a failure is logged: the next open cuts
     * the file) and deletes an unused spare. The current mapping stays with the journal, which closes
     * it.
     *
     * @throws IOException if the thread did not stop; it may still touch the current mapping then
     */
    @Override
    public void close() throws IOException {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IOException("journal housekeeper thread did not stop");
        }
        IOException e = retireQueued();
        if (e != null) {
            LOG.error("journal: retiring a full file at close failed; the next start cuts it to its content", e);
        }
        Spare s = spare;
        spare = null;
        if (s != null) {
            MappedFiles.unmap(s.mapped());
            s.channel().close();
            Files.deleteIfExists(s.path());
        }
    }

    private void run() {
        boolean failureLogged = false;
        while (!stopping) {
            try {
                IOException e = retireQueued();
                if (e != null) {
                    LOG.error("journal: retiring a full file failed; the next start cuts it to its content", e);
                }
                if (spare == null) {
                    makeSpare();
                }
                if (!prefaultStep()) {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                }
            } catch (RuntimeException e) {
                // a bug here must not stop the retiring of full files: log it once and go on
                failures++;
                if (!failureLogged) {
                    LOG.error("journal housekeeper: unexpected failure; pre-faulting goes on", e);
                    failureLogged = true;
                }
                touching = null;
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    private IOException retireQueued() {
        IOException first = null;
        Retired r;
        while ((r = retired.poll()) != null) {
            try {
                if (r.force()) {
                    r.mapped().force(0, (int) r.size());
                }
                if (touching == r.mapped()) {
                    touching = null;
                }
                MappedFiles.unmap(r.mapped());
                r.channel().truncate(r.size());
                if (r.force()) {
                    r.channel().force(true);
                }
                r.channel().close();
            } catch (IOException | RuntimeException e) {
                IOException io = e instanceof IOException x ? x : new IOException("retiring " + r.file(), e);
                if (first == null) {
                    first = io;
                }
                try {
                    r.channel().close();
                } catch (IOException ignored) {
                    // already reporting the first failure
                }
            }
        }
        return first;
    }

    private void makeSpare() {
        Path p = dir.resolve(SPARE_NAME);
        FileChannel ch = null;
        try {
            Files.deleteIfExists(p);
            ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, fileBytes);
            touch(m, 0, lookaheadBytes);
            spare = new Spare(p, ch, m);
            spareFailureLogged = false;
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the failure below is what matters
                }
            }
            if (!spareFailureLogged) {
                LOG.warn("journal: could not prepare the next file ({}); the charging thread will create it", e.toString());
                spareFailureLogged = true;
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Faults in up to {@link #PAGES_PER_STEP} pages ahead of the writer; false when there were none. */
    private boolean prefaultStep() {
        MappedByteBuffer t = target;
        if (t == null) {
            return false;
        }
        long position = writerPosition;
        if (t != touching) {
            touching = t;
            touchedUpTo = 0;
        }
        // the writer's own page is left alone: it is writable already; page-aligned, as the access must be
        long from = Math.max(touchedUpTo, (position / PAGE + 1) * PAGE);
        long to = Math.min(Math.min(t.capacity(), position + lookaheadBytes), from + (long) PAGES_PER_STEP * PAGE)
                / PAGE * PAGE;
        if (from >= to) {
            return false;
        }
        touch(t, from, to);
        touchedUpTo = to;
        return true;
    }

    private void touch(MappedByteBuffer m, long from, long to) {
        long end = Math.min(to, m.capacity());
        long n = 0;
        for (long p = from; p + Long.BYTES <= end; p += PAGE) {
            // a write access, so the page is mapped writable; a byte already written stays as it is
            LONGS.compareAndSet(m, (int) p, 0L, 0L);
            n++;
        }
        pagesTouched += n;
    }
}
