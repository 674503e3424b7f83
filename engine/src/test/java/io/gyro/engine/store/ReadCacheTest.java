package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReadCacheTest {
    /** A value to copy: one mutable field. */
    static final class Box {
        long value;
    }

    private final ReadCache<Box> cache = new ReadCache<>(16, Box::new, (from, to) -> to.value = from.value);

    private static Box box(long value) {
        Box b = new Box();
        b.value = value;
        return b;
    }

    @Test
    void readsBackACopyOfWhatWasPut() {
        Box source = box(42);
        cache.put(7, source);
        source.value = 43; // the cache holds a copy, not the caller's object
        Box into = box(-1);
        assertTrue(cache.read(7, into));
        assertEquals(42, into.value);
        into.value = 44;
        Box again = new Box();
        assertTrue(cache.read(7, again));
        assertEquals(42, again.value, "reading hands out a copy too");
        assertTrue(cache.contains(7));
    }

    @Test
    void aMissLeavesTheTargetUntouched() {
        Box into = box(-1);
        assertFalse(cache.read(7, into));
        assertEquals(-1, into.value);
        assertFalse(cache.contains(7));
    }

    @Test
    void idsSharingASlotReplaceEachOther() {
        cache.put(3, box(30));
        cache.put(3 + 16, box(190)); // same slot of 16
        Box into = new Box();
        assertFalse(cache.read(3, into));
        assertTrue(cache.read(19, into));
        assertEquals(190, into.value);
    }

    @Test
    void dropForgetsOnlyItsOwnId() {
        cache.put(19, box(190));
        cache.drop(3); // shares the slot, is not the cached id
        assertTrue(cache.contains(19));
        cache.drop(19);
        assertFalse(cache.contains(19));
        assertFalse(cache.read(19, new Box()));
    }

    @Test
    void idZeroIsNeverCached() {
        cache.put(0, box(5));
        assertFalse(cache.contains(0));
        assertFalse(cache.read(0, new Box()));
    }

    @Test
    void slotsMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new ReadCache<>(1000, Box::new, (a, b) -> { }));
    }
}
