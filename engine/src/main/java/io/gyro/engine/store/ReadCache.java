package io.gyro.engine.store;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A direct-mapped, write-through copy of recently read or written store values, keyed by a long id: a session's next
 * request finds its subscriber and account without a map lookup. The store that owns it is the maps' only writer in
 * the process (the data directory lock keeps other processes out) and drops a slot before each map write and fills
 * it after, so a cached value never disagrees with the map, and a write that throws leaves no slot. It starts empty
 * with each process. Id 0 (never a valid MSISDN or account id) marks an empty slot.
 *
 * <p>Values are copied in and out ({@code copy.accept(from, to)}); the slot objects are made on first use and then
 * reused, so a warm cache allocates nothing. Not thread-safe: the store's writer thread only.
 */
final class ReadCache<V> {
    private final long[] ids;
    private final Object[] values;
    private final int mask;
    private final Supplier<V> factory;
    private final BiConsumer<V, V> copy;

    ReadCache(int slots, Supplier<V> factory, BiConsumer<V, V> copy) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.ids = new long[slots];
        this.values = new Object[slots];
        this.mask = slots - 1;
        this.factory = factory;
        this.copy = copy;
    }

    private int slot(long id) {
        return (int) (id ^ (id >>> 20)) & mask;
    }

    boolean contains(long id) {
        return id != 0 && ids[slot(id)] == id;
    }

    /** Copies the cached value of {@code id} into {@code into}; false (and {@code into} untouched) when not cached. */
    @SuppressWarnings("unchecked")
    boolean read(long id, V into) {
        int i = slot(id);
        if (id == 0 || ids[i] != id) {
            return false;
        }
        copy.accept((V) values[i], into);
        return true;
    }

    /** Caches a copy of {@code value} as {@code id}'s, replacing whatever shared its slot. */
    @SuppressWarnings("unchecked")
    void put(long id, V value) {
        if (id == 0) {
            return;
        }
        int i = slot(id);
        V slotValue = (V) values[i];
        if (slotValue == null) {
            values[i] = slotValue = factory.get();
        }
        copy.accept(value, slotValue);
        ids[i] = id;
    }

    /** Forgets {@code id}'s value, if cached. */
    void drop(long id) {
        int i = slot(id);
        if (ids[i] == id) {
            ids[i] = 0;
        }
    }

    /** Forgets every cached value. */
    void clear() {
        java.util.Arrays.fill(ids, 0L);
    }
}
