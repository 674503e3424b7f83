package io.gyro.engine.audit;

import java.util.Arrays;

/**
 * Open-addressing map from a {@code long} key (an account id) to a dense index 0, 1, 2, ... in the order the
 * keys were first seen, so that the caller keeps per-key data in its own primitive arrays. Two arrays, no
 * object per key: the audit holds one entry per account named in the journal, which can be millions.
 * Linear probing, grown at a load of one half. Single-threaded.
 */
final class LongIndex {
    private static final int EMPTY = -1;

    private long[] keys;
    private int[] slots;
    private int mask;
    private int size;

    LongIndex(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
        allocate(capacity);
    }

    /** Keys held. */
    int size() {
        return size;
    }

    /** The index of {@code key}, or -1 when it was never added. */
    int get(long key) {
        for (int at = hash(key) & mask; ; at = (at + 1) & mask) {
            int slot = slots[at];
            if (slot == EMPTY) {
                return -1;
            }
            if (keys[at] == key) {
                return slot;
            }
        }
    }

    /** The index of {@code key}, adding it with the next index ({@link #size()} before the call) when new. */
    int getOrAdd(long key) {
        for (int at = hash(key) & mask; ; at = (at + 1) & mask) {
            int slot = slots[at];
            if (slot == EMPTY) {
                keys[at] = key;
                slots[at] = size;
                if (++size * 2 > slots.length) {
                    grow();
                }
                return size - 1;
            }
            if (keys[at] == key) {
                return slot;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSlots = slots;
        if (oldSlots.length >= 1 << 30) {
            throw new IllegalStateException("more than 2^29 accounts in the journal");
        }
        allocate(oldSlots.length * 2);
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != EMPTY) {
                int at = hash(oldKeys[i]) & mask;
                while (slots[at] != EMPTY) {
                    at = (at + 1) & mask;
                }
                keys[at] = oldKeys[i];
                slots[at] = oldSlots[i];
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        slots = new int[capacity];
        Arrays.fill(slots, EMPTY);
        mask = capacity - 1;
    }

    /** MurmurHash3's 64-bit finalizer: consecutive ids (MSISDNs) spread over the table. */
    private static int hash(long key) {
        long z = key;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (int) (z ^ (z >>> 33));
    }
}
