package io.gyro.engine.store;

import java.util.Arrays;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * Fixed-size blocks of memory in off-heap slabs, by size class (256 bytes to 8 KiB, doubling): where
 * {@link SessionTable} keeps each session's bytes. A block is named by a {@code long} location (its class, slab and
 * index); a freed block goes to its class's free list and is reused, so a steady load allocates nothing. Slabs are
 * native memory of {@value #SLAB_BYTES} bytes each: outside the Java heap (a million sessions take hundreds of
 * megabytes, which must not count against {@code -Xmx} or be traced by the collector), with no file behind them to be
 * written back. {@link #release()} gives them back.
 *
 * <p>One writer thread allocates, frees and writes (through {@link #writer}/{@link #reader}, reused views that
 * belong to it). Another thread may copy a block's bytes ({@link #slab}, {@link #offset}) under the owner's
 * sequence lock ({@link SessionTable}): a slab, once published, never moves.
 */
final class BlockArena {
    static final int MIN_BLOCK_BYTES = 256;
    static final int CLASSES = 6;
    static final int MAX_BLOCK_BYTES = MIN_BLOCK_BYTES << (CLASSES - 1);
    static final int SLAB_BYTES = 1 << 20;
    /** No block: a location that names nothing. */
    static final long NONE = -1;

    private final SizeClass[] classes = new SizeClass[CLASSES];

    BlockArena() {
        for (int c = 0; c < CLASSES; c++) {
            classes[c] = new SizeClass(MIN_BLOCK_BYTES << c);
        }
    }

    /** The class whose blocks hold {@code bytes}, or -1 when none does. */
    static int classFor(int bytes) {
        if (bytes > MAX_BLOCK_BYTES) {
            return -1;
        }
        int c = 0;
        while ((MIN_BLOCK_BYTES << c) < bytes) {
            c++;
        }
        return c;
    }

    static int sizeClass(long location) {
        return (int) (location >>> 56);
    }

    static int blockBytes(long location) {
        return MIN_BLOCK_BYTES << sizeClass(location);
    }

    /** A block of at least {@code bytes} (at most {@link #MAX_BLOCK_BYTES}); its content is whatever was there. */
    long allocate(int bytes) {
        int c = classFor(bytes);
        if (c < 0) {
            throw new IllegalArgumentException(bytes + " bytes do not fit a block of " + MAX_BLOCK_BYTES);
        }
        return classes[c].allocate(c);
    }

    void free(long location) {
        classes[sizeClass(location)].free((int) location);
    }

    /** The slab a block lies in (any thread; see the class doc). */
    BytesStore<?, Void> slab(long location) {
        return classes[sizeClass(location)].slabs[slabIndex(location)];
    }

    /** Where a block starts in its {@link #slab}. */
    int offset(long location) {
        SizeClass c = classes[sizeClass(location)];
        return ((int) location % c.blocksPerSlab) * c.blockBytes;
    }

    /** The writer thread's view of a block's slab, for absolute writes at {@link #offset}. */
    Bytes<Void> writer(long location) {
        return classes[sizeClass(location)].writers[slabIndex(location)];
    }

    /** The writer thread's view of a block's slab, for reads positioned at {@link #offset}. */
    Bytes<Void> reader(long location) {
        return classes[sizeClass(location)].readers[slabIndex(location)];
    }

    /** Bytes of slabs allocated so far (used blocks and free ones). */
    long slabBytes() {
        long total = 0;
        for (SizeClass c : classes) {
            total += (long) c.slabCount * SLAB_BYTES;
        }
        return total;
    }

    /** Frees every slab; nothing may use the arena after. */
    void release() {
        for (SizeClass c : classes) {
            c.release();
        }
    }

    private int slabIndex(long location) {
        SizeClass c = classes[sizeClass(location)];
        return (int) location / c.blocksPerSlab;
    }

    /** One size class: slabs cut into blocks, numbered across slabs; a free list of returned block numbers. */
    private static final class SizeClass {
        final int blockBytes;
        final int blocksPerSlab;
        /** Replaced (grown) by the writer; read by a copying thread, which sees a slab before any block in it. */
        @SuppressWarnings("unchecked")
        volatile BytesStore<?, Void>[] slabs = new BytesStore[0];
        @SuppressWarnings("unchecked")
        Bytes<Void>[] writers = new Bytes[0];
        @SuppressWarnings("unchecked")
        Bytes<Void>[] readers = new Bytes[0];
        int slabCount;
        int nextFresh;
        int[] freeBlocks = new int[64];
        int freeCount;

        SizeClass(int blockBytes) {
            this.blockBytes = blockBytes;
            this.blocksPerSlab = SLAB_BYTES / blockBytes;
        }

        long allocate(int sizeClass) {
            int block;
            if (freeCount > 0) {
                block = freeBlocks[--freeCount];
            } else {
                if (nextFresh == slabCount * blocksPerSlab) {
                    addSlab();
                }
                block = nextFresh++;
            }
            return ((long) sizeClass << 56) | block;
        }

        void free(int block) {
            if (freeCount == freeBlocks.length) {
                freeBlocks = Arrays.copyOf(freeBlocks, freeCount * 2);
            }
            freeBlocks[freeCount++] = block;
        }

        private void addSlab() {
            BytesStore<?, Void> slab = BytesStore.nativeStoreWithFixedCapacity(SLAB_BYTES);
            Bytes<Void> w = slab.bytesForWrite();
            Bytes<Void> r = slab.bytesForRead();
            // used by the charging thread after recovery filled them on the lifecycle thread
            w.singleThreadedCheckDisabled(true);
            r.singleThreadedCheckDisabled(true);
            writers = Arrays.copyOf(writers, slabCount + 1);
            readers = Arrays.copyOf(readers, slabCount + 1);
            writers[slabCount] = w;
            readers[slabCount] = r;
            BytesStore<?, Void>[] grown = Arrays.copyOf(slabs, slabCount + 1);
            grown[slabCount] = slab;
            slabs = grown;
            slabCount++;
        }

        void release() {
            for (int i = 0; i < slabCount; i++) {
                writers[i].releaseLast();
                readers[i].releaseLast();
                slabs[i].releaseLast();
            }
            slabCount = 0;
            nextFresh = 0;
            freeCount = 0;
        }
    }
}
