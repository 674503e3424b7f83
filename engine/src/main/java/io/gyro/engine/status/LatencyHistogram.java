package io.gyro.engine.status;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of nanosecond durations in log-linear buckets: values under 8 ns exactly, above that
 * eight buckets per power of two, so a bucket is at most 12.5 % of its values wide. One thread
 * records (no allocation, no lock, a release store per value); any thread may take a
 * {@link #snapshot()} while it does. Percentiles read from a snapshot are the upper bound of
 * their bucket: never below the true value, at most 12.5 % above it.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 3;
    private static final int SUB = 1 << SUB_BITS;
    /** Values are capped here so that every bucket's upper bound is a positive long. */
    private static final long CAP = Long.MAX_VALUE >>> 1;
    static final int BUCKETS = index(CAP) + 1;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** Records one duration; negative ones (a clock that stepped back) count as 0. Single writer only. */
    public void record(long nanos) {
        int i = index(nanos);
        counts.setRelease(i, counts.getPlain(i) + 1);
    }

    /** The counts as they are now, bucket by bucket. */
    public long[] snapshot() {
        long[] out = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            out[i] = counts.getAcquire(i);
        }
        return out;
    }

    static int index(long nanos) {
        long v = Math.min(Math.max(nanos, 0), CAP);
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
        return (exp - SUB_BITS + 1) * SUB + sub;
    }

    /** The largest value that falls in bucket {@code index}. */
    static long upperBound(int index) {
        if (index < SUB) {
            return index;
        }
        int exp = index / SUB + SUB_BITS - 1;
        long width = 1L << (exp - SUB_BITS);
        return (1L << exp) + (index % SUB) * width + width - 1;
    }

    /** {@code later - earlier}, bucket by bucket: what was recorded between two snapshots. */
    public static long[] minus(long[] later, long[] earlier) {
        long[] out = new long[later.length];
        for (int i = 0; i < later.length; i++) {
            out[i] = later[i] - earlier[i];
        }
        return out;
    }

    public static long count(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /**
     * The value at quantile {@code q} (0 < q <= 1) of a snapshot: the upper bound of the bucket
     * holding the ceil(q × count)-th smallest value; -1 when the snapshot is empty.
     */
    public static long valueAt(long[] counts, double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1]: " + q);
        }
        long n = count(counts);
        if (n == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        throw new IllegalStateException("counts changed while read");
    }

    /**
     * count, p50, p90, p99, p99.9 and max of a snapshot, in microseconds (one decimal), for
     * GET /status and reports; only count when it is empty.
     */
    public static Map<String, Object> summaryMicros(long[] counts) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", count(counts));
        if (count(counts) > 0) {
            out.put("p50", micros(valueAt(counts, 0.50)));
            out.put("p90", micros(valueAt(counts, 0.90)));
            out.put("p99", micros(valueAt(counts, 0.99)));
            out.put("p99.9", micros(valueAt(counts, 0.999)));
            out.put("max", micros(valueAt(counts, 1.0)));
        }
        return out;
    }

    private static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }
}
