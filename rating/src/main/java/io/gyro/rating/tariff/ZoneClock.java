package io.gyro.rating.tariff;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Arrays;

/**
 * Converts epoch millis into the catalogue zone's local "time of week" without allocating:
 * the zone's UTC offsets are precomputed as a sorted table of transitions (1970-2100), so the
 * hot path does a binary search (or nothing, for fixed-offset zones such as Asia/Shanghai today).
 * Immutable; any thread.
 */
public final class ZoneClock {

    public static final long DAY_MS = 86_400_000L;
    public static final long WEEK_MS = 7 * DAY_MS;

    private final ZoneId zone;
    private final long[] transitionMs;
    private final long[] offsetAfterMs;
    private final long initialOffsetMs;

    public ZoneClock(ZoneId zone) {
        this.zone = zone;
        ZoneRules rules = zone.getRules();
        Instant from = Instant.parse("1970-01-01T00:00:00Z");
        Instant to = Instant.parse("2100-01-01T00:00:00Z");
        this.initialOffsetMs = rules.getOffset(from).getTotalSeconds() * 1000L;
        long[] t = new long[16];
        long[] o = new long[16];
        int n = 0;
        if (!rules.isFixedOffset()) {
            ZoneOffsetTransition tr = rules.nextTransition(from);
            while (tr != null && tr.getInstant().isBefore(to)) {
                if (n == t.length) {
                    t = Arrays.copyOf(t, n * 2);
                    o = Arrays.copyOf(o, n * 2);
                }
                t[n] = tr.getInstant().toEpochMilli();
                o[n] = tr.getOffsetAfter().getTotalSeconds() * 1000L;
                n++;
                tr = rules.nextTransition(tr.getInstant());
            }
        }
        this.transitionMs = Arrays.copyOf(t, n);
        this.offsetAfterMs = Arrays.copyOf(o, n);
    }

    public ZoneId zone() {
        return zone;
    }

    /** UTC offset of the zone at {@code epochMs}, in ms. */
    public long offsetMs(long epochMs) {
        int n = transitionMs.length;
        if (n == 0 || epochMs < transitionMs[0]) {
            return initialOffsetMs;
        }
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (transitionMs[mid] <= epochMs) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return offsetAfterMs[lo];
    }

    /** Local time since Monday 00:00 in ms, in [0, WEEK_MS). 1970-01-01 was a Thursday. */
    public long weekMs(long epochMs) {
        long local = epochMs + offsetMs(epochMs);
        long day = Math.floorDiv(local, DAY_MS);
        long dow = Math.floorMod(day + 3, 7);
        return dow * DAY_MS + Math.floorMod(local, DAY_MS);
    }
}
