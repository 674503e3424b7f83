package io.gyro.engine.status;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHistogramTest {

    @Test
    void everyValueFallsInABucketAtMostAnEighthWiderThanItself() {
        Random random = new Random(7);
        int previous = -1;
        for (long v = 0; v < 5_000; v++) {
            int i = LatencyHistogram.index(v);
            assertTrue(i == previous || i == previous + 1, "buckets are contiguous at " + v);
            previous = i;
            assertBounded(v);
        }
        for (int n = 0; n < 100_000; n++) {
            assertBounded(random.nextLong() >>> (2 + random.nextInt(61))); // up to the cap, 2^62 - 1
        }
        assertBounded(Long.MAX_VALUE >>> 1);
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.index(Long.MAX_VALUE), "capped, not overflowed");
        assertEquals(0, LatencyHistogram.index(-5), "a clock that stepped back counts as 0");
    }

    private static void assertBounded(long v) {
        int i = LatencyHistogram.index(v);
        long upper = LatencyHistogram.upperBound(i);
        long lowerOfBucket = i == 0 ? 0 : LatencyHistogram.upperBound(i - 1) + 1;
        assertTrue(lowerOfBucket <= v && v <= upper, v + " in [" + lowerOfBucket + ", " + upper + "]");
        assertTrue(upper - v <= v / 8, v + " read as " + upper);
    }

    @Test
    void percentilesOfAKnownSpread() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 1_000; v++) {
            h.record(v * 1_000); // 1 .. 1,000 µs
        }
        long[] counts = h.snapshot();
        assertEquals(1_000, LatencyHistogram.count(counts));
        assertWithinAnEighth(500_000, LatencyHistogram.valueAt(counts, 0.5));
        assertWithinAnEighth(990_000, LatencyHistogram.valueAt(counts, 0.99));
        assertWithinAnEighth(999_000, LatencyHistogram.valueAt(counts, 0.999));
        assertWithinAnEighth(1_000_000, LatencyHistogram.valueAt(counts, 1.0));
        assertWithinAnEighth(1_000, LatencyHistogram.valueAt(counts, 0.0001));

        Map<String, Object> summary = LatencyHistogram.summaryMicros(counts);
        assertEquals(1_000L, summary.get("count"));
        double p99 = (Double) summary.get("p99");
        assertTrue(p99 >= 990 && p99 <= 990 * 1.125, summary.toString());
    }

    private static void assertWithinAnEighth(long expected, long read) {
        assertTrue(read >= expected && read <= expected + expected / 8, "expected about " + expected + ", read " + read);
    }

    @Test
    void theDifferenceOfTwoSnapshotsIsWhatWasRecordedBetweenThem() {
        LatencyHistogram h = new LatencyHistogram();
        for (int n = 0; n < 100; n++) {
            h.record(50_000_000); // 50 ms, before
        }
        long[] before = h.snapshot();
        for (int n = 0; n < 10; n++) {
            h.record(20_000);
        }
        long[] window = LatencyHistogram.minus(h.snapshot(), before);
        assertEquals(10, LatencyHistogram.count(window));
        assertWithinAnEighth(20_000, LatencyHistogram.valueAt(window, 1.0));
    }

    @Test
    void anEmptySnapshotHasNoPercentilesAndABadQuantileIsRefused() {
        long[] empty = new LatencyHistogram().snapshot();
        assertEquals(-1, LatencyHistogram.valueAt(empty, 0.99));
        assertEquals(Map.of("count", 0L), LatencyHistogram.summaryMicros(empty));
        long[] one = new long[LatencyHistogram.BUCKETS];
        Arrays.fill(one, 0);
        one[LatencyHistogram.index(1_000)] = 1;
        for (double q : new double[] {0, -0.5, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> LatencyHistogram.valueAt(one, q), "q = " + q);
        }
    }

    @Test
    void aReaderOnAnotherThreadSeesCountsThatOnlyGrow() throws Exception {
        LatencyHistogram h = new LatencyHistogram();
        Thread writer = new Thread(() -> {
            for (int n = 0; n < 200_000; n++) {
                h.record(n % 4_096);
            }
        });
        writer.start();
        long last = 0;
        for (int n = 0; n < 200 && writer.isAlive(); n++) {
            long now = LatencyHistogram.count(h.snapshot());
            assertTrue(now >= last, now + " after " + last);
            last = now;
        }
        writer.join(10_000);
        assertEquals(200_000, LatencyHistogram.count(h.snapshot()));
    }
}
