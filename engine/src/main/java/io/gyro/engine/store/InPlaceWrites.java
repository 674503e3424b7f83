package io.gyro.engine.store;

import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.ChecksumEntry;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * A Chronicle Map write with one lookup that, when the stored value has the size of the new one (the usual case on
 * the request path: the same buckets or reservation slots, new amounts), writes the new bytes over the old ones in
 * place and updates the entry checksum, as Chronicle's {@link ChecksumEntry} contract asks of in-place changes. That
 * skips what {@code put} does besides: marshalling into a temporary buffer and copying it into the entry. A new key or
 * a value of another size goes through Chronicle's own insert and replace.
 *
 * <p>Everything happens under the entry's segment write lock, as in {@code put}: a kill -9 inside the write leaves the
 * lock held, and the file goes through Chronicle's recovery at the next start (checksums tell a torn entry), exactly
 * as for a killed {@code put}. Called by the stores' single writer thread.
 */
final class InPlaceWrites {
    /** Writes a value's stored form at an offset, byte for byte what its {@code SizedWriter} would write. */
    interface Layout<V> {
        long size(V value);

        void writeInPlace(RandomDataOutput out, long offset, V value);
    }

    private InPlaceWrites() {
    }

    /** @return true when {@code key} was new (an insert), false when its value was replaced */
    static <K, V> boolean write(ChronicleMap<K, V> map, K key, V value, Layout<V> layout) {
        return write(map, key, value, layout, true);
    }

    /**
     * @param checksums whether the map stores entry checksums (a persisted map does; an in-memory one does not)
     * @return true when {@code key} was new (an insert), false when its value was replaced
     */
    static <K, V> boolean write(ChronicleMap<K, V> map, K key, V value, Layout<V> layout, boolean checksums) {
        try (ExternalMapQueryContext<K, V, ?> c = map.queryContext(key)) {
            c.writeLock().lock();
            MapEntry<K, V> entry = c.entry();
            if (entry == null) {
                c.insert(c.absentEntry(), c.wrapValueAsData(value));
                return true;
            }
            Data<V> stored = entry.value();
            if (stored.size() != layout.size(value)) {
                c.replaceValue(entry, c.wrapValueAsData(value));
                return false;
            }
            layout.writeInPlace((RandomDataOutput) stored.bytes(), stored.offset(), value);
            if (checksums && entry instanceof ChecksumEntry) {
                ((ChecksumEntry) entry).updateChecksum();
            }
            return false;
        }
    }

    /**
     * Removes {@code key} with one lookup, under the segment's lock as {@code remove} does.
     *
     * @return whether it was there
     */
    static <K, V> boolean remove(ChronicleMap<K, V> map, K key) {
        try (ExternalMapQueryContext<K, V, ?> c = map.queryContext(key)) {
            c.updateLock().lock();
            MapEntry<K, V> entry = c.entry();
            if (entry == null) {
                return false;
            }
            c.remove(entry);
            return true;
        }
    }
}
