package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renewal sweep reads a segment of the subscriber map only when its bound (the earliest renewal date of its
 * last whole scan, lowered by every write since) is not after now, and still finds every due subscriber.
 */
class RenewalBoundTest {
    private static final StoreConfig SMALL = new StoreConfig(10_000, 1_000);

    @TempDir
    Path dir;

    /** One whole pass of the sweep at {@code nowMs}: every due MSISDN, each once. */
    private static Set<Long> pass(SubscriberStore store, long nowMs) {
        Set<Long> due = new HashSet<>();
        long[] out = new long[4];
        for (int segment = 0; segment < store.segments(); segment++) {
            int skip = 0;
            int got;
            do {
                got = store.findDueRenewals(segment, nowMs, skip, out);
                for (int i = 0; i < got; i++) {
                    assertTrue(due.add(out[i]), "found twice: " + out[i]);
                }
                skip += got;
            } while (got == out.length);
        }
        return due;
    }

    private static Subscriber subscriber(long n, long nextRenewalMs) {
        return new Subscriber().msisdn(8617000000000L + n).imsi(460990000000000L + n).accountId(8617000000000L + n)
                .packageId("basic").state(SubscriberState.ACTIVE).nextRenewalMs(nextRenewalMs);
    }

    @Test
    void segmentsWithNobodyDueAreNotReadAgainUntilAWriteOrTheirDateComes() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            SubscriberStore store = stores.subscribers();
            for (long n = 1; n <= 1000; n++) {
                assertEquals(SubscriberStore.Result.OK, store.create(subscriber(n, n == 7 ? 0 : 9_000)));
            }
            // a fresh store knows no bound: the first pass reads every segment
            long before = store.segmentsScanned;
            assertEquals(Set.of(), pass(store, 5_000));
            assertEquals(store.segments(), store.segmentsScanned - before);

            before = store.segmentsScanned;
            assertEquals(Set.of(), pass(store, 5_000));
            assertEquals(0, store.segmentsScanned - before, "nobody due before 9,000: no segment read");

            // a write makes its subscriber due: found at the next pass, with only its segment read
            assertEquals(SubscriberStore.Result.OK, store.update(subscriber(500, 1_000)));
            before = store.segmentsScanned;
            assertEquals(Set.of(8617000000500L), pass(store, 5_000));
            assertEquals(1, store.segmentsScanned - before);

            // renewed (moved on): its segment is read once more, then skipped again
            assertEquals(SubscriberStore.Result.OK, store.update(subscriber(500, 20_000)));
            assertEquals(Set.of(), pass(store, 5_000));
            before = store.segmentsScanned;
            assertEquals(Set.of(), pass(store, 5_000));
            assertEquals(0, store.segmentsScanned - before);

            // a new subscriber already due
            assertEquals(SubscriberStore.Result.OK, store.create(subscriber(2000, 4_000)));
            assertEquals(Set.of(8617000002000L), pass(store, 5_000));

            // when the date comes, every subscriber due then is found (not number 7: no renewal date)
            Set<Long> due = pass(store, 9_000);
            assertEquals(999, due.size());
            assertTrue(!due.contains(8617000000007L) && !due.contains(8617000000500L));
        }
    }

    @Test
    void segmentOfNamesTheSegmentTheSweepFindsTheSubscriberIn() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            SubscriberStore store = stores.subscribers();
            for (long n = 1; n <= 200; n++) {
                store.create(subscriber(n, 1_000));
            }
            long[] out = new long[256];
            int checked = 0;
            for (int segment = 0; segment < store.segments(); segment++) {
                int got = store.findDueRenewals(segment, 5_000, 0, out);
                for (int i = 0; i < got; i++) {
                    assertEquals(segment, store.segmentOf(out[i]));
                    checked++;
                }
            }
            assertEquals(200, checked);
        }
    }
}
