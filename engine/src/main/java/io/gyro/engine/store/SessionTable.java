package io.gyro.engine.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.serialization.SizedReader;

/**
 * Sessions by Session-Id for one writer thread (the charging thread): a chained hash index over a fixed number of
 * entries, each entry's bytes in a block of a {@link BlockArena} (off-heap). It replaces a Chronicle Map for sessions, which
 * need no file and no sharing between processes: a lookup is a hash of the id, a walk of a short chain and a
 * comparison of bytes, a write is the layout's own serialisation into the block (in place when the size class still
 * fits). Nothing is allocated once the arena has grown to the peak.
 *
 * <p>Block of an entry: {@code keyLength:int, valueSize:int, key bytes, value bytes} (value written by the table's
 * {@link InPlaceWrites.Layout}, read by its {@link SizedReader}).
 *
 * <p>Entries have stable numbers (an entry never moves while it exists), kept in insertion order (oldest first:
 * {@link #removeOldest()}). A second thread may read every entry while the writer goes on ({@link #forEachConcurrent},
 * the snapshot): each entry has a sequence lock, odd while the writer changes it; the reader copies the entry's
 * block and keeps the copy only if the sequence did not change meanwhile. An entry that exists for the whole of such a
 * walk is seen exactly once, in some state it had; one added, changed or removed meanwhile may be seen in either
 * state or not at all (the session log after the snapshot's start has it).
 */
final class SessionTable {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle BYTES_AS_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.nativeOrder());
    private static final VarHandle BYTES_AS_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.nativeOrder());
    private static final int BLOCK_HEAD = 8;
    private static final int NONE = -1;
    private static final int MIN_BUCKETS = 1024;

    private final String name;
    private final InPlaceWrites.Layout<Session> layout;
    private final SizedReader<Session> reader;
    private final BlockArena arena = new BlockArena();
    private final int capacity;
    /** Chain heads, grown (doubled, rehashed) as entries are added: a small table stays in cache. */
    private int[] buckets;
    private int mask;
    private final long[] hashes;
    private final long[] locations;
    private final int[] chain;
    /** Per entry: even when stable, odd while the writer changes it. */
    private final int[] sequences;
    private final int[] older;
    private final int[] newer;
    private final int[] freeEntries;
    private int freeCount;
    /** Entries ever used: numbers 0 .. highWater-1 (a concurrent reader walks these). */
    private volatile int highWater;
    private int oldest = NONE;
    private int newest = NONE;
    private int count;

    SessionTable(String name, int capacity, InPlaceWrites.Layout<Session> layout, SizedReader<Session> reader) {
        if (capacity < 1) {
            throw new IllegalArgumentException(name + ": capacity " + capacity + " must be at least 1");
        }
        this.name = name;
        this.layout = layout;
        this.reader = reader;
        this.capacity = capacity;
        this.buckets = new int[MIN_BUCKETS];
        Arrays.fill(buckets, NONE);
        this.mask = MIN_BUCKETS - 1;
        this.hashes = new long[capacity];
        this.locations = new long[capacity];
        Arrays.fill(locations, BlockArena.NONE);
        this.chain = new int[capacity];
        this.sequences = new int[capacity];
        this.older = new int[capacity];
        this.newer = new int[capacity];
        this.freeEntries = new int[capacity];
    }

    int count() {
        return count;
    }

    int capacity() {
        return capacity;
    }

    /** Bytes the table's blocks take (slabs allocated so far). */
    long slabBytes() {
        return arena.slabBytes();
    }

    boolean contains(SessionKey key) {
        return find(key, hash(key)) != NONE;
    }

    /** Reads the value stored under {@code key} into {@code into} (its id untouched); false when there is none. */
    boolean read(SessionKey key, Session into) {
        int e = find(key, hash(key));
        if (e == NONE) {
            return false;
        }
        readValue(locations[e], into);
        return true;
    }

    /**
     * Stores {@code value} under {@code key}, replacing what was there (in its block when the size class fits).
     *
     * @return true when the key was new
     * @throws IllegalStateException when the key is new and the table holds {@link #capacity()} entries
     */
    boolean write(SessionKey key, Session value) {
        long hash = hash(key);
        int e = find(key, hash);
        int valueSize = (int) layout.size(value);
        int blockBytes = BLOCK_HEAD + key.length + valueSize;
        if (e != NONE) {
            long at = locations[e];
            // to a smaller class only when two classes smaller: a size at a boundary does not move on every write
            boolean move = BlockArena.blockBytes(at) < blockBytes
                    || BlockArena.classFor(blockBytes) < BlockArena.sizeClass(at) - 1;
            long target = move ? arena.allocate(blockBytes) : at;   // may throw: nothing has changed yet
            int sequence = beginChange(e);
            try {
                fill(target, key, value, valueSize);
            } catch (RuntimeException | Error x) {
                endChange(e, sequence);
                if (move) {
                    arena.free(target);   // the entry keeps its old block, untouched
                }
                throw x;
            }
            if (move) {
                LONGS.setRelease(locations, e, target);
            }
            endChange(e, sequence);
            if (move) {
                arena.free(at);
            }
            return false;
        }
        if (count == capacity) {
            throw new IllegalStateException(name + " is full: " + capacity + " sessions");
        }
        long at = arena.allocate(blockBytes);   // may throw: nothing has changed yet
        boolean reused = freeCount > 0;
        e = reused ? freeEntries[freeCount - 1] : highWater;
        int sequence = beginChange(e);
        try {
            fill(at, key, value, valueSize);
        } catch (RuntimeException | Error x) {
            endChange(e, sequence);   // still free: its location is still NONE
            arena.free(at);
            throw x;
        }
        hashes[e] = hash;
        LONGS.setRelease(locations, e, at);
        endChange(e, sequence);
        if (reused) {
            freeCount--;
        }
        int bucket = (int) hash & mask;
        chain[e] = buckets[bucket];
        buckets[bucket] = e;
        linkNewest(e);
        count++;
        if (e == highWater) {
            highWater = e + 1;
        }
        if (count > buckets.length - (buckets.length >>> 2)) {
            growBuckets();   // may throw: the table stays whole, only more loaded
        }
        return true;
    }

    /** @return false when there was no such key */
    boolean remove(SessionKey key) {
        long hash = hash(key);
        int bucket = (int) hash & mask;
        int previous = NONE;
        for (int e = buckets[bucket]; e != NONE; previous = e, e = chain[e]) {
            if (hashes[e] == hash && keyEquals(e, key)) {
                if (previous == NONE) {
                    buckets[bucket] = chain[e];
                } else {
                    chain[previous] = chain[e];
                }
                release(e);
                return true;
            }
        }
        return false;
    }

    /**
     * Removes the entry written first among those still here (insertion order; a rewrite keeps the place).
     *
     * @return false when the table is empty
     */
    boolean removeOldest(SessionKey scratch) {
        if (oldest == NONE) {
            return false;
        }
        keyOf(oldest, scratch);
        return remove(scratch);
    }

    /** The expiry stored at {@code valueOffset} of the oldest entry's value, or Long.MAX_VALUE when empty. */
    long oldestLong(int valueOffset) {
        if (oldest == NONE) {
            return Long.MAX_VALUE;
        }
        long at = locations[oldest];
        BytesStore<?, Void> slab = arena.slab(at);
        int offset = arena.offset(at);
        return slab.readLong(offset + BLOCK_HEAD + slab.readInt(offset) + valueOffset);
    }

    void clear() {
        for (int e = oldest; e != NONE; e = newer[e]) {
            long at = locations[e];
            int sequence = beginChange(e);
            LONGS.setRelease(locations, e, BlockArena.NONE);
            endChange(e, sequence);
            arena.free(at);
        }
        Arrays.fill(buckets, NONE);
        freeCount = 0;
        for (int e = highWater - 1; e >= 0; e--) {
            freeEntries[freeCount++] = e;
        }
        oldest = NONE;
        newest = NONE;
        count = 0;
    }

    /** Visits every entry, oldest first, with {@code reused} (id and value set). The writer's thread only. */
    void forEach(Session reused, Consumer<Session> visitor) {
        for (int e = oldest; e != NONE; e = newer[e]) {
            keyOf(e, reused.id);
            readValue(locations[e], reused);
            visitor.accept(reused);
        }
    }

    /**
     * Visits every entry from another thread than the writer's, while it writes (see the class doc for what is
     * seen), by entry number, with {@code reused}; runs {@code between} after each {@code every} entries.
     */
    void forEachConcurrent(Session reused, Consumer<Session> visitor, int every, Runnable between) {
        byte[] copy = new byte[BlockArena.MAX_BLOCK_BYTES];
        Bytes<byte[]> in = Bytes.wrapForRead(copy);
        int end = highWater;
        for (int e = 0; e < end; e++) {
            if (copyEntry(e, copy)) {
                int keyLength = (int) BYTES_AS_INT.get(copy, 0);
                int valueSize = (int) BYTES_AS_INT.get(copy, 4);
                System.arraycopy(copy, BLOCK_HEAD, reused.id.bytes, 0, keyLength);
                reused.id.length = keyLength;
                in.readPositionRemaining(BLOCK_HEAD + keyLength, valueSize);
                reader.read(in, valueSize, reused);
                visitor.accept(reused);
            }
            if ((e + 1) % every == 0) {
                between.run();
            }
        }
    }

    /** Copies entry {@code e}'s block, consistently; false when the entry is free. */
    private boolean copyEntry(int e, byte[] copy) {
        while (true) {
            int before = (int) INTS.getAcquire(sequences, e);
            if ((before & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            long at = (long) LONGS.getAcquire(locations, e);
            if (at == BlockArena.NONE) {
                VarHandle.loadLoadFence();
                if ((int) INTS.getOpaque(sequences, e) == before) {
                    return false;
                }
                continue;
            }
            arena.slab(at).read(arena.offset(at), copy, 0, BlockArena.blockBytes(at));
            VarHandle.loadLoadFence();
            if ((int) INTS.getOpaque(sequences, e) == before) {
                int keyLength = (int) BYTES_AS_INT.get(copy, 0);
                int valueSize = (int) BYTES_AS_INT.get(copy, 4);
                if (keyLength > 0 && keyLength <= SessionKey.MAX_BYTES && valueSize >= 0
                        && BLOCK_HEAD + keyLength + valueSize <= BlockArena.blockBytes(at)) {
                    return true;
                }
                throw new IllegalStateException(name + ": entry " + e + " has a corrupt block head");
            }
        }
    }

    private int beginChange(int e) {
        int sequence = sequences[e];
        INTS.setOpaque(sequences, e, sequence + 1);
        VarHandle.storeStoreFence();
        return sequence;
    }

    private void endChange(int e, int sequence) {
        INTS.setRelease(sequences, e, sequence + 2);
    }

    private void fill(long at, SessionKey key, Session value, int valueSize) {
        Bytes<Void> out = arena.writer(at);
        int offset = arena.offset(at);
        out.writeInt(offset, key.length);
        out.writeInt(offset + 4, valueSize);
        out.write(offset + BLOCK_HEAD, key.bytes, 0, key.length);
        layout.writeInPlace(out, offset + BLOCK_HEAD + key.length, value);
    }

    private void readValue(long at, Session into) {
        BytesStore<?, Void> slab = arena.slab(at);
        int offset = arena.offset(at);
        int keyLength = slab.readInt(offset);
        int valueSize = slab.readInt(offset + 4);
        Bytes<Void> in = arena.reader(at);
        in.readPositionRemaining(offset + BLOCK_HEAD + keyLength, valueSize);
        reader.read(in, valueSize, into);
    }

    /** Frees an entry already unlinked from its bucket chain. */
    private void release(int e) {
        long at = locations[e];
        int sequence = beginChange(e);
        LONGS.setRelease(locations, e, BlockArena.NONE);
        endChange(e, sequence);
        arena.free(at);
        unlinkOrder(e);
        freeEntries[freeCount++] = e;
        count--;
    }

    /**
     * Doubles the chain heads and relinks every entry (their hashes are kept): a pause of a few milliseconds per
     * million sessions, once per doubling, while the table grows towards its peak.
     */
    private void growBuckets() {
        int[] grown = new int[buckets.length * 2];
        Arrays.fill(grown, NONE);
        int grownMask = grown.length - 1;
        for (int e = oldest; e != NONE; e = newer[e]) {
            int bucket = (int) hashes[e] & grownMask;
            chain[e] = grown[bucket];
            grown[bucket] = e;
        }
        buckets = grown;
        mask = grownMask;
    }

    private int find(SessionKey key, long hash) {
        for (int e = buckets[(int) hash & mask]; e != NONE; e = chain[e]) {
            if (hashes[e] == hash && keyEquals(e, key)) {
                return e;
            }
        }
        return NONE;
    }

    /** Compares the stored id with {@code key}, 8 bytes at a time. */
    private boolean keyEquals(int e, SessionKey key) {
        long at = locations[e];
        BytesStore<?, Void> slab = arena.slab(at);
        int offset = arena.offset(at);
        int length = key.length;
        if (slab.readInt(offset) != length) {
            return false;
        }
        long from = offset + BLOCK_HEAD;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (slab.readLong(from + i) != (long) BYTES_AS_LONG.get(key.bytes, i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (slab.readByte(from + i) != key.bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private void keyOf(int e, SessionKey into) {
        long at = locations[e];
        BytesStore<?, Void> slab = arena.slab(at);
        int offset = arena.offset(at);
        int keyLength = slab.readInt(offset);
        slab.read(offset + BLOCK_HEAD, into.bytes, 0, keyLength);
        into.length = keyLength;
    }

    /** Gives the blocks' memory back; nothing may use the table after. */
    void release() {
        arena.release();
    }

    private void linkNewest(int e) {
        older[e] = newest;
        newer[e] = NONE;
        if (newest == NONE) {
            oldest = e;
        } else {
            newer[newest] = e;
        }
        newest = e;
    }

    private void unlinkOrder(int e) {
        if (older[e] == NONE) {
            oldest = newer[e];
        } else {
            newer[older[e]] = newer[e];
        }
        if (newer[e] == NONE) {
            newest = older[e];
        } else {
            older[newer[e]] = older[e];
        }
    }

    /** A 64-bit hash of the id's bytes (8 at a time, then a final mix). */
    static long hash(SessionKey key) {
        byte[] b = key.bytes;
        int length = key.length;
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = Long.rotateLeft((h ^ (long) BYTES_AS_LONG.get(b, i)) * 0xC2B2AE3D27D4EB4FL, 31);
        }
        for (; i < length; i++) {
            h = (h ^ (b[i] & 0xFF)) * 0x9E3779B97F4A7C15L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}
