package io.gyro.engine.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import net.openhft.chronicle.algo.locks.VanillaReadWriteUpdateWithWaitsLockingStrategy;
import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Chronicle Map file to open (its builder and file) and what opening it found; {@link #openAll} opens several,
 * after an unclean stop probing each one's segment locks and recovering only those a dead process held. Used by
 * {@link Stores} for the subscriber maps and a legacy directory's account files, and by {@link AccountImage} for an
 * image's maps.
 */
final class MapOpening<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(MapOpening.class);

    final ChronicleMapBuilder<K, V> builder;
    final File file;
    final String name;
    ChronicleMap<K, V> map;
    int heldLocks;
    boolean recovered;
    long openMs;
    long probeMs;
    long recoverMs;
    final AtomicInteger locksReset = new AtomicInteger();

    MapOpening(ChronicleMapBuilder<K, V> builder, Path dir, String name) {
        this.builder = builder;
        this.file = dir.resolve(name).toFile();
        this.name = name;
        // Stores closes the maps itself, before writing the marker; Chronicle's own exit hook would
        // close them without the marker, which is harmless but hides an unclean stop.
        builder.skipCloseOnExitHook(true);
    }

    /**
     * Opens every map; after an unclean stop, opens each as it is, looks at its segment locks
     * ({@link #segmentsToRecover}: read locks left behind are reset) and runs Chronicle's full recovery
     * only on the maps where the dead process held a segment's write or update lock, one thread per such
     * map (each is an independent file).
     *
     * <p>Why a map without a held lock needs no recovery: Chronicle changes a segment (entries, hash
     * lookup, free list, tier chain, entry count) only under that segment's update or write lock, and
     * allocates extra tiers (the only global mutable state) while holding a segment lock too. A kill -9
     * does not lose a finished write (the file is memory-mapped: the page cache outlives the process);
     * it can only leave a write half done, and then the writing segment's lock word still says write or
     * update locked, which the check sees. A read lock left by a dead reader, or a dead writer's registered
     * wait, would block us later (60 s, then an exception) but guarded no change, so it is reset. What full recovery does
     * beyond resetting locks (re-checking every entry, rebuilding each segment's lookup) is only needed
     * for a segment that was being changed, so a map whose every segment is free is exactly as a clean
     * close would have left it. Power loss is another matter (pages not yet written back are lost in any
     * order), and neither the maps nor this check claim to survive it; see AccountStore.
     */
    static void openAll(List<MapOpening<?, ?>> openings, boolean unclean, ChronicleHashCorruption.Listener listener,
                                List<ChronicleMap<?, ?>> opened) throws IOException {
        List<MapOpening<?, ?>> toRecover = new ArrayList<>();
        for (MapOpening<?, ?> o : openings) {
            long t0 = System.nanoTime();
            openPlain(o);
            opened.add(o.map);
            long t1 = System.nanoTime();
            o.openMs = (t1 - t0) / 1_000_000;
            if (unclean) {
                o.heldLocks = segmentsToRecover(o.map, o.locksReset);
                o.probeMs = (System.nanoTime() - t1) / 1_000_000;
                if (o.heldLocks > 0) {
                    LOG.warn("{}: {} segment write/update lock(s) left by the dead process: recovering the whole map", o.name,
                            o.heldLocks);
                    opened.remove(o.map);
                    o.map.close();
                    o.map = null;
                    toRecover.add(o);
                }
            }
        }
        if (toRecover.isEmpty()) {
            return;
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (MapOpening<?, ?> o : toRecover) {
            Thread t = new Thread(() -> {
                try {
                    recover(o, listener);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "gyro-recover-" + o.name);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while recovering the maps", e);
            }
        }
        for (MapOpening<?, ?> o : toRecover) {
            if (o.map != null) {
                opened.add(o.map);
            }
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.get(0);
            if (first instanceof IOException io) {
                throw io;
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("map recovery failed", first);
        }
    }

    private static <K, V> void openPlain(MapOpening<K, V> o) throws IOException {
        o.map = o.builder.createPersistedTo(o.file);
    }

    private static <K, V> void recover(MapOpening<K, V> o, ChronicleHashCorruption.Listener listener) throws IOException {
        long t0 = System.nanoTime();
        o.map = o.builder.recoverPersistedTo(o.file, true, listener);
        o.recovered = true;
        o.recoverMs = (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Looks at every segment's lock word of {@code map} as the dead process left it. A segment whose write
     * or update lock was held may be half changed: the count of those is returned, and the caller recovers
     * the whole map. (An update lock is not enough to call a segment clean: a kill -9 measured at 10M accounts
     * left a sessions segment with only its update lock held whose tier counters disagreed with its
     * entries, so a holder of the update lock can be in the middle of a change.) A segment with only read locks or
     * a registered writer's wait was not being changed (readers share the segment with other processes'
     * readers, so they write nothing; a waiter holds nothing): its lock word is reset here, the repair
     * Chronicle's own recovery makes for such a segment, without re-checking every entry of the map. This
     * reads Chronicle's segment headers through its implementation classes ({@code
     * net.openhft.chronicle.hash.impl}); when the map is not of that kind, every segment counts as locked,
     * and the map is recovered as before.
     *
     * @param resetOut incremented once per segment whose lock word was reset
     * @return segments whose write or update lock the dead process held
     */
    static int segmentsToRecover(ChronicleMap<?, ?> map, AtomicInteger resetOut) {
        if (!(map instanceof VanillaChronicleHash<?, ?, ?, ?> hash)
                || !(VanillaReadWriteUpdateWithWaitsLockingStrategy.instance()
                instanceof VanillaReadWriteUpdateWithWaitsLockingStrategy strategy)) {
            return Math.max(1, map.segments());
        }
        BigSegmentHeader header = BigSegmentHeader.INSTANCE;
        int writeLocked = 0;
        List<Long> toReset = new ArrayList<>();
        for (int i = 0; i < hash.segments(); i++) {
            long address = hash.segmentHeaderAddress(i);
            long state = header.getLockState(address);
            if (!strategy.isLocked(state) && strategy.waitCount(state) == 0) {
                continue;
            }
            LOG.warn("{}: segment {} lock left by the dead process: {}", hash.name(), i, header.lockStateToString(state));
            if (strategy.isWriteLocked(state) || strategy.isUpdateLocked(state)) {
                writeLocked++;
            } else {
                toReset.add(address);
            }
        }
        if (writeLocked == 0) {
            for (long address : toReset) {
                header.resetLock(address);
                resetOut.incrementAndGet();
            }
        }
        return writeLocked;
    }
}
