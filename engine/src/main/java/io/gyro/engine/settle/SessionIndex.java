package io.gyro.engine.settle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gyro's sessions of one partition by (subscriber, service, session-id hash), open addressing over two long arrays
 * and an int array: no key object and no map node per session, of which a month holds millions. Linear probing,
 * grown at a load of one half. One thread.
 */
final class SessionIndex {
    private long[] subscriberAndService;
    private long[] hashes;
    private int[] slots;
    private int mask;
    private final List<Item> items = new ArrayList<>();

    SessionIndex(int expected) {
        allocate(Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1);
    }

    /** The session's item, made when new. */
    Item get(long subscriber, int service, long hash) {
        long key = subscriber * 4 + service;
        for (int at = mix(key, hash) & mask; ; at = (at + 1) & mask) {
            int slot = slots[at];
            if (slot < 0) {
                Item i = new Item();
                slots[at] = items.size();
                subscriberAndService[at] = key;
                hashes[at] = hash;
                items.add(i);
                if (items.size() * 2 > slots.length) {
                    grow();
                }
                return i;
            }
            if (subscriberAndService[at] == key && hashes[at] == hash) {
                return items.get(slot);
            }
        }
    }

    /** Every session, in the order first seen. */
    List<Item> items() {
        return items;
    }

    private void grow() {
        long[] oldKeys = subscriberAndService;
        long[] oldHashes = hashes;
        int[] oldSlots = slots;
        allocate(oldSlots.length * 2);
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] >= 0) {
                int at = mix(oldKeys[i], oldHashes[i]) & mask;
                while (slots[at] >= 0) {
                    at = (at + 1) & mask;
                }
                subscriberAndService[at] = oldKeys[i];
                hashes[at] = oldHashes[i];
                slots[at] = oldSlots[i];
            }
        }
    }

    private void allocate(int capacity) {
        subscriberAndService = new long[capacity];
        hashes = new long[capacity];
        slots = new int[capacity];
        Arrays.fill(slots, -1);
        mask = capacity - 1;
    }

    private static int mix(long key, long hash) {
        long z = key * 0x9e3779b97f4a7c15L ^ hash;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        return (int) (z ^ (z >>> 33));
    }
}
