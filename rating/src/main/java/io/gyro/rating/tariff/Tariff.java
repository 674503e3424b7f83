package io.gyro.rating.tariff;

import io.gyro.rating.money.Money;

/**
 * How one service's usage is priced: rounding increments, connection fee, minimum charge, final
 * price rounding, and one {@link Rate} per time band (with tiers inside), laid out on a week
 * schedule in the catalogue zone. Immutable and pre-computed at load; any thread.
 *
 * <h2>Roundings, in the order they apply (CATALOGUE.md, "Rounding")</h2>
 * <ol>
 *   <li>Money-paid usage is rounded up to the increment grid, which continues from the session's
 *       rated position: the first {@code firstIncrement} units of a session as one block, then
 *       whole {@code increment}s (voice "60 s then per 6 s"). Allowances pay raw units.</li>
 *   <li>Unit positions {@code [from, to)} of a session cost {@code P(to) - P(from)}, where
 *       {@code P(x)} prices the session's first {@code x} units tier by tier, each tier's part
 *       {@code ceil(units x price / per)} in micros: so splitting a session into reports never
 *       adds a micro.</li>
 *   <li>The minimum charge lifts the session's money part to at least that much.</li>
 *   <li>The session's money part is rounded up to {@code roundPriceTo} (e.g. 0.01 = one fen), if set.</li>
 *   <li>The connection fee is added once per session, when money pays units.</li>
 * </ol>
 * 3-5 apply to the session's cumulative raw money ({@link #sessionMoneyPrice}); each report pays
 * the difference from what the session already paid. Wholesale cost follows 1 (on the grid of all
 * units used, whoever pays) and 2 only.
 */
public final class Tariff {

    private final String id;
    private final int index;
    private final ServiceKind kind;
    private final long incrementUnits;
    private final long firstIncrementUnits;
    private final long connectionFeeMicros;
    private final long minimumChargeMicros;
    private final long roundPriceMicros;
    private final Rate[] rates;
    private final long[] segStartWeekMs;
    private final int[] segRate;

    public Tariff(String id, int index, ServiceKind kind, long incrementUnits, long firstIncrementUnits,
                  long connectionFeeMicros, long minimumChargeMicros, long roundPriceMicros, Rate[] rates,
                  long[] segStartWeekMs, int[] segRate) {
        this.id = id;
        this.index = index;
        this.kind = kind;
        this.incrementUnits = incrementUnits;
        this.firstIncrementUnits = firstIncrementUnits;
        this.connectionFeeMicros = connectionFeeMicros;
        this.minimumChargeMicros = minimumChargeMicros;
        this.roundPriceMicros = roundPriceMicros;
        this.rates = rates;
        this.segStartWeekMs = segStartWeekMs;
        this.segRate = segRate;
    }

    public String id() {
        return id;
    }

    public int index() {
        return index;
    }

    public ServiceKind kind() {
        return kind;
    }

    public long incrementUnits() {
        return incrementUnits;
    }

    public long firstIncrementUnits() {
        return firstIncrementUnits;
    }

    public long connectionFeeMicros() {
        return connectionFeeMicros;
    }

    public long minimumChargeMicros() {
        return minimumChargeMicros;
    }

    public long roundPriceMicros() {
        return roundPriceMicros;
    }

    public int rateCount() {
        return rates.length;
    }

    public Rate rate(int i) {
        return rates[i];
    }

    /** The segment of the week schedule holding {@code weekMs}. */
    private int segmentAt(long weekMs) {
        int lo = 0;
        int hi = segStartWeekMs.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (segStartWeekMs[mid] <= weekMs) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Index of the rate in force at local week time {@code weekMs}. */
    public int rateIndexAt(long weekMs) {
        return segRate[segmentAt(weekMs)];
    }

    /**
     * Ms from {@code weekMs} to the next instant another rate takes over, or {@link Long#MAX_VALUE}
     * when the tariff has a single rate all week. Local time is assumed to run evenly until then:
     * in a zone with daylight saving, a boundary right after a clock change is off by the shift
     * (the catalogue zone of the sample, Asia/Shanghai, has none).
     */
    public long msToNextChange(long weekMs) {
        int n = segStartWeekMs.length;
        int i = segmentAt(weekMs);
        int rate = segRate[i];
        long base = 0;
        for (int step = 1; step <= n; step++) {
            int j = i + step;
            if (j >= n) {
                j -= n;
                base = ZoneClock.WEEK_MS;
            }
            if (segRate[j] != rate) {
                return base + segStartWeekMs[j] - weekMs;
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Usage rounded up to the increment grid. {@code unitsBefore} is what this session already
     * rated: the first increment applies only while the session is inside it.
     */
    public long roundUsage(long unitsBefore, long units) {
        if (units <= 0) {
            return 0;
        }
        if (firstIncrementUnits > 0 && unitsBefore < firstIncrementUnits) {
            long firstLeft = firstIncrementUnits - unitsBefore;
            if (units <= firstLeft) {
                return firstLeft;
            }
            return Math.addExact(firstLeft, Money.roundUp(units - firstLeft, incrementUnits));
        }
        return Money.roundUp(units, incrementUnits);
    }

    /**
     * Retail price of money-paid units {@code [from, to)} (positions within the session) at rate
     * {@code rateIndex}, with minimum charge, price rounding and connection fee applied when
     * {@code firstCharge}. Monotone in {@code to}: the rater may binary-search it.
     */
    public long moneyPrice(int rateIndex, long from, long to, boolean firstCharge) {
        if (to <= from) {
            return 0;
        }
        long p = rates[rateIndex].retail(from, to);
        return finish(p, firstCharge);
    }

    /**
     * What the money part of a session costs when its money-paid units cost {@code rawRetailMicros}
     * in all (the session has money-paid units): at least the minimum charge, rounded up to
     * {@code roundPriceTo}, plus the connection fee. Monotone in its argument.
     */
    public long sessionMoneyPrice(long rawRetailMicros) {
        return finish(rawRetailMicros, true);
    }

    /**
     * Grid position that covers {@code units} used from the start of a session (the grid the
     * wholesale cost is counted on).
     */
    public long gridUnits(long units) {
        return roundUsage(0, units);
    }

    /** Applies minimum charge, price rounding and connection fee to a raw retail amount of units &gt; 0. */
    public long finish(long rawRetailMicros, boolean firstCharge) {
        long p = rawRetailMicros;
        if (firstCharge && p < minimumChargeMicros) {
            p = minimumChargeMicros;
        }
        if (roundPriceMicros > 1 && p > 0) {
            p = Money.roundUp(p, roundPriceMicros);
        }
        if (firstCharge) {
            p = Math.addExact(p, connectionFeeMicros);
        }
        return p;
    }

    /**
     * One band's prices: tiers by cumulative session units, each with a retail price and a
     * wholesale cost per {@code per} units. Immutable.
     */
    public static final class Rate {
        private final String band;
        private final long[] upTo;
        private final long[] priceMicros;
        private final long[] costMicros;
        private final long[] perUnits;
        private final boolean free;

        /** @param upTo cumulative tier ends; the last one is {@link Long#MAX_VALUE} */
        public Rate(String band, long[] upTo, long[] priceMicros, long[] costMicros, long[] perUnits) {
            this.band = band;
            this.upTo = upTo;
            this.priceMicros = priceMicros;
            this.costMicros = costMicros;
            this.perUnits = perUnits;
            boolean allZero = true;
            for (long p : priceMicros) {
                allZero &= p == 0;
            }
            this.free = allZero;
        }

        /** Time band name, or null for the default rate. */
        public String band() {
            return band;
        }

        public int tierCount() {
            return upTo.length;
        }

        public long tierUpTo(int t) {
            return upTo[t];
        }

        public long tierPriceMicros(int t) {
            return priceMicros[t];
        }

        public long tierCostMicros(int t) {
            return costMicros[t];
        }

        public long tierPerUnits(int t) {
            return perUnits[t];
        }

        /** Tier holding session unit position {@code pos}. */
        public int tierAt(long pos) {
            for (int t = 0; t < upTo.length; t++) {
                if (pos < upTo[t]) {
                    return t;
                }
            }
            return upTo.length - 1;
        }

        /**
         * Retail micros of session unit positions [from, to): {@code P(to) - P(from)}, where
         * {@code P(x)} is the price of the session's first x units, each tier's part rounded up
         * to a micro. Additive: [a, b) + [b, c) = [a, c).
         */
        public long retail(long from, long to) {
            return to <= from ? 0 : Math.subtractExact(upToPosition(priceMicros, to), upToPosition(priceMicros, from));
        }

        /** Wholesale micros of session unit positions [from, to), additive like {@link #retail}. */
        public long cost(long from, long to) {
            return to <= from ? 0 : Math.subtractExact(upToPosition(costMicros, to), upToPosition(costMicros, from));
        }

        /** Price of unit positions [0, x): per tier, {@code ceil(units in the tier x price / per)}. */
        private long upToPosition(long[] prices, long x) {
            long total = 0;
            long tierStart = 0;
            for (int t = 0; t < upTo.length && tierStart < x; t++) {
                long b = Math.min(x, upTo[t]);
                if (b > tierStart) {
                    total = Math.addExact(total, Money.priceOf(b - tierStart, prices[t], perUnits[t]));
                }
                tierStart = upTo[t];
            }
            return total;
        }

        /** True when every tier is free to the subscriber: usage then spends no allowance. */
        public boolean free() {
            return free;
        }
    }
}
