package io.gyro.engine.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the pages of the subscriber and account map files into this process's page tables on a background
 * thread after the engine is up, so that the charging thread does not take those page faults itself.
 *
 * <p>Why: a fresh process has none of a map file's pages mapped, even when they are all in the page cache. With
 * random subscribers out of 10 million, the charging thread's first read of a subscriber or account page is a
 * read fault (0.17 per request measured, each mapping 16 pages through the hypervisor on this VM: 20 % of the
 * thread's time, bench/RESULTS.md, 2026-12-06). Here {@code madvise(MADV_POPULATE_READ)} (Linux 5.14) maps the
 * files a few MiB at a time, from a thread of its own. It only reads: the pages are mapped read-only, as a read
 * fault would map them, so the first write to each page is still the write-protect fault the kernel needs for its
 * dirty tracking, and nothing in the files changes. When the pages are not in the page cache (a cold start) this
 * reads them from disk, sequentially, which is also cheaper than the random faults it saves.
 *
 * <p>Safety: the thread only passes address ranges to the kernel. A range unmapped meanwhile makes {@code madvise}
 * fail with ENOMEM, nothing worse; {@link Stores#close} still stops and joins this thread before it unmaps the
 * maps. The ranges are this process's mappings of the named files, read from {@code /proc/self/maps}; without
 * that file, or on a kernel without MADV_POPULATE_READ, the warm-up logs why and does nothing.
 *
 * <p>Started by {@link Stores#startWarmUp} (from the lifecycle thread once the engine serves, never before: a
 * restart after a kill -9 must not wait for it); runs on its own thread {@value #THREAD_NAME}.
 */
final class MapWarmUp implements AutoCloseable {
    static final String THREAD_NAME = "gyro-map-warm-up";
    private static final Logger LOG = LoggerFactory.getLogger(MapWarmUp.class);
    /** {@code MADV_POPULATE_READ} of linux/mman.h. */
    static final int MADV_POPULATE_READ = 22;
    /** Bytes per madvise call: small enough that a stop request is seen within milliseconds. */
    static final long CHUNK_BYTES = 4L << 20;

    private final List<Path> files;
    private final Thread thread;
    private volatile boolean stop;
    private volatile long bytesDone;
    private volatile boolean finished;

    MapWarmUp(List<Path> files) {
        this.files = List.copyOf(files);
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Bytes mapped so far. */
    long bytesDone() {
        return bytesDone;
    }

    /** True once every file was gone through (or the warm-up gave up). */
    boolean finished() {
        return finished;
    }

    /** A mapped address range of one file. */
    record Range(long start, long end) {
    }

    /** The ranges of {@code /proc/self/maps}-format {@code lines} that map {@code file} (matched by absolute path). */
    static List<Range> rangesOf(List<String> lines, Path file) {
        String name = file.toAbsolutePath().normalize().toString();
        List<Range> out = new ArrayList<>();
        for (String line : lines) {
            // 7f12a0000000-7f12b0000000 rw-s 00000000 fe:00 1234   /data/subscribers.cm3
            int slash = line.indexOf('/');
            if (slash < 0 || !line.substring(slash).equals(name)) {
                continue;
            }
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash <= 0 || space <= dash) {
                continue;
            }
            try {
                out.add(new Range(Long.parseUnsignedLong(line.substring(0, dash), 16),
                        Long.parseUnsignedLong(line.substring(dash + 1, space), 16)));
            } catch (NumberFormatException e) {
                // not a mapping line
            }
        }
        return out;
    }

    private void run() {
        long t0 = System.nanoTime();
        int calls = 0;
        int failures = 0;
        try {
            List<String> maps;
            try {
                maps = Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.ISO_8859_1);
            } catch (IOException | RuntimeException e) {
                LOG.info("map warm-up skipped: /proc/self/maps not readable ({})", e.toString());
                return;
            }
            PosixAPI posix = PosixAPI.posix();
            for (Path file : files) {
                for (Range r : rangesOf(maps, file)) {
                    for (long a = r.start(); a < r.end() && !stop; a += CHUNK_BYTES) {
                        long len = Math.min(CHUNK_BYTES, r.end() - a);
                        calls++;
                        if (posix.madvise(a, len, MADV_POPULATE_READ) != 0) {
                            failures++;
                            if (calls == 1) {
                                LOG.info("map warm-up skipped: madvise(MADV_POPULATE_READ) failed on {} (a kernel before "
                                        + "5.14?)", file);
                                return;
                            }
                        } else {
                            bytesDone += len;
                        }
                    }
                }
            }
            LOG.info("map warm-up {}: {} MiB of {} files mapped in {} ms ({} calls, {} failed)",
                    stop ? "stopped" : "done", bytesDone >> 20, files.size(), (System.nanoTime() - t0) / 1_000_000,
                    calls, failures);
        } catch (RuntimeException | LinkageError e) {
            LOG.info("map warm-up skipped: {}", e.toString());
        } finally {
            finished = true;
        }
    }

    /** Stops the thread and waits for it (at most one madvise call of {@link #CHUNK_BYTES}). */
    @Override
    public void close() {
        stop = true;
        if (thread.isAlive()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
