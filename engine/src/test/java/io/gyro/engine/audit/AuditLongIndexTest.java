package io.gyro.engine.audit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The audit's account index: dense indexes in first-seen order, through many growths, for MSISDN-like keys. */
class AuditLongIndexTest {
    @Test
    void denseIndexesInFirstSeenOrderThroughGrowth() {
        LongIndex index = new LongIndex(16);
        long first = 8617000000001L;
        int n = 300_000;
        for (int i = 0; i < n; i++) {
            assertEquals(i, index.getOrAdd(first + 7L * i));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i, index.getOrAdd(first + 7L * i), "added again: the same index");
            assertEquals(i, index.get(first + 7L * i));
            assertEquals(-1, index.get(first + 7L * i + 1), "never added");
        }
        assertEquals(n, index.size());
    }

    @Test
    void zeroAndNegativeKeysAreKeysLikeAnyOther() {
        LongIndex index = new LongIndex(1);
        assertEquals(-1, index.get(0));
        assertEquals(0, index.getOrAdd(0));
        assertEquals(1, index.getOrAdd(-1));
        assertEquals(2, index.getOrAdd(Long.MIN_VALUE));
        assertEquals(0, index.get(0));
        assertEquals(2, index.get(Long.MIN_VALUE));
    }
}
