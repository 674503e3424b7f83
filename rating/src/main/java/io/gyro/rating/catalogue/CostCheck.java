package io.gyro.rating.catalogue;

import io.gyro.rating.money.Money;
import io.gyro.rating.tariff.Quantity;
import io.gyro.rating.tariff.Tariff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The loader's price-below-cost check ("批零倒挂"): every tier of every rate of every tariff is
 * compared with its wholesale cost, after the tariff's rounding. Loader-internal; one instance per
 * load, on the loading thread, after tariffs and packages are read.
 *
 * <h2>The rule (CATALOGUE.md, "Rates below cost")</h2>
 * A tier is <b>below cost</b> when its price per {@code per} units is below its cost per
 * {@code per} units, and <b>at cost</b> when the two are equal and not zero. That is the margin of
 * every further {@code per} of usage in the tier. The increment grid and the rounding to the micro
 * apply to price and cost alike; minimum charge, {@code roundPriceTo} and connection fee lift only
 * the price, and only once per session. So rounding never makes a tier at or above cost lose money,
 * and it cannot save a tier below cost for long sessions: it only keeps small sessions above cost.
 * How small is measured exactly ({@link #firstLoss}) and said in the finding, with what the first
 * increment of a session sells for and costs.
 */
final class CostCheck {

    /** Sessions are searched up to this many units (1 TB of data; far beyond any call). */
    static final long HORIZON_UNITS = 1L << 40;
    /** Leaps of {@link #firstLoss} before it gives up (each a binary search on the grid). */
    static final int MAX_LEAPS = 10_000;

    /** One rate of a tariff as written: where it is, its tiers, its belowCost reason. */
    static final class Site {
        final int tariff;
        final int rate;
        final YamlNode rateNode;
        final List<YamlNode> tierNodes;
        final boolean tiered;
        final boolean[] tierValid;
        final String reason;
        final YamlNode reasonNode;

        Site(int tariff, int rate, YamlNode rateNode, List<YamlNode> tierNodes, boolean tiered, boolean[] tierValid,
             String reason, YamlNode reasonNode) {
            this.tariff = tariff;
            this.rate = rate;
            this.rateNode = rateNode;
            this.tierNodes = tierNodes;
            this.tiered = tiered;
            this.tierValid = tierValid;
            this.reason = reason;
            this.reasonNode = reasonNode;
        }
    }

    /**
     * Result of {@link #firstLoss}.
     *
     * @param fromUnits     grid position of the smallest session below cost, or -1
     * @param clearUpToUnits when none: no session up to this many units is below cost
     */
    record Loss(long fromUnits, long clearUpToUnits) {
    }

    private final String file;
    private final List<Tariff> tariffs;
    private final Map<Integer, List<CostFinding.Use>> users;
    private final boolean strict;
    final List<CostFinding> findings = new ArrayList<>();
    final List<CatalogueProblem> warnings = new ArrayList<>();
    final List<CatalogueProblem> errors = new ArrayList<>();

    CostCheck(String file, List<Tariff> tariffs, Map<Integer, List<CostFinding.Use>> users, boolean strict) {
        this.file = file;
        this.tariffs = tariffs;
        this.users = users;
        this.strict = strict;
    }

    void check(List<Site> sites) {
        for (Site s : sites) {
            if (s.tariff >= tariffs.size() || s.rate >= tariffs.get(s.tariff).rateCount()) {
                continue;
            }
            Tariff t = tariffs.get(s.tariff);
            Tariff.Rate r = t.rate(s.rate);
            boolean any = false;
            boolean allValid = true;
            for (int k = 0; k < r.tierCount() && k < s.tierValid.length; k++) {
                if (!s.tierValid[k]) {
                    allValid = false;
                    continue;
                }
                long price = r.tierPriceMicros(k);
                long cost = r.tierCostMicros(k);
                if (price < cost) {
                    any = true;
                    finding(CostFinding.Verdict.BELOW_COST, t, s, k);
                } else if (price == cost && cost > 0) {
                    any = true;
                    finding(CostFinding.Verdict.AT_COST, t, s, k);
                }
            }
            if (s.reason != null && !any && allValid && r.tierCount() > 0) {
                report(new CatalogueProblem(file, s.reasonNode.line, s.reasonNode.column, where(t, s, -1)
                        + ": belowCost is written but no tier of this rate is at or below its wholesale cost; remove it,"
                        + " or it will also hide a later price that is", CatalogueProblem.Severity.WARNING));
            }
        }
    }

    private void finding(CostFinding.Verdict verdict, Tariff t, Site s, int k) {
        Tariff.Rate r = t.rate(s.rate);
        long per = r.tierPerUnits(k);
        long price = r.tierPriceMicros(k);
        long cost = r.tierCostMicros(k);
        List<CostFinding.Use> used = users.getOrDefault(s.tariff, List.of());
        StringBuilder m = new StringBuilder(256).append(where(t, s, k)).append(": ");
        long from = -1;
        if (verdict == CostFinding.Verdict.BELOW_COST) {
            if (price == 0) {
                m.append("free (price 0) but the wholesale cost is ");
                Money.format(cost, m).append(" per ");
            } else {
                m.append("price ");
                Money.format(price, m).append(" is below the wholesale cost ");
                Money.format(cost, m).append(" per ");
            }
            Quantity.format(per, t.kind(), m);
            long tierEnd = r.tierUpTo(k) == Long.MAX_VALUE ? HORIZON_UNITS : Math.min(r.tierUpTo(k), HORIZON_UNITS);
            Loss loss = firstLoss(t, s.rate, tierEnd);
            from = loss.fromUnits();
            m.append("; ");
            rounding(m, t, s.rate, k, loss);
        } else {
            m.append("price ");
            Money.format(price, m).append(" equals the wholesale cost per ");
            Quantity.format(per, t.kind(), m).append(": no margin on this usage");
            String extras = retailOnlyRoundings(t);
            if (!extras.isEmpty()) {
                m.append(" beyond what ").append(extras).append(" add per session");
            }
        }
        m.append("; used by ").append(used.isEmpty() ? "no package" : join(used));
        YamlNode at = s.tiered && k < s.tierNodes.size() ? s.tierNodes.get(k) : s.rateNode;
        CatalogueProblem report;
        if (s.reason != null) {
            m.append("; accepted: belowCost: \"").append(s.reason).append('"');
            report = new CatalogueProblem(file, at.line, at.column, m.toString(), CatalogueProblem.Severity.NOTE);
        } else if (verdict == CostFinding.Verdict.BELOW_COST) {
            m.append("; if this is intended, give the reason on the rate: belowCost: \"night data is a promotion\"");
            report = new CatalogueProblem(file, at.line, at.column, m.toString(), CatalogueProblem.Severity.WARNING);
            report(report);
        } else {
            report = new CatalogueProblem(file, at.line, at.column, m.toString(), CatalogueProblem.Severity.NOTE);
        }
        findings.add(new CostFinding(verdict, t.id(), s.rate + 1, r.band(), k + 1, s.reason, from, used,
                strict && report.severity() == CatalogueProblem.Severity.WARNING
                        ? report.as(CatalogueProblem.Severity.ERROR, STRICT_SUFFIX) : report));
    }

    private static final String STRICT_SUFFIX = " (an error: the catalogue is loaded strictly)";

    private void report(CatalogueProblem warning) {
        if (strict) {
            errors.add(warning.as(CatalogueProblem.Severity.ERROR, STRICT_SUFFIX));
        } else {
            warnings.add(warning);
        }
    }

    /** What rounding does to the loss: the first increment of a session, and the first session below cost. */
    private static void rounding(StringBuilder m, Tariff t, int rate, int k, Loss loss) {
        long first = t.gridUnits(1);
        long per = t.rate(rate).tierPerUnits(k);
        String extras = retailOnlyRoundings(t);
        if (k == 0) {
            long firstPrice = t.moneyPrice(rate, 0, first, true);
            long firstCost = t.rate(rate).cost(0, first);
            if (loss.fromUnits() == first) {
                m.append("a session is below cost from its first ");
                Quantity.format(first, t.kind(), m).append(" (sold for ");
                Money.format(firstPrice, m).append(", costs ");
                Money.format(firstCost, m).append(')');
                return;
            }
            m.append(extras.isEmpty() ? "rounding to the micro" : extras)
                    .append(" keeps small sessions at or above cost (the first ");
            Quantity.format(first, t.kind(), m).append(" is sold for ");
            Money.format(firstPrice, m).append(" and costs ");
            Money.format(firstCost, m).append(')');
            if (loss.fromUnits() > 0) {
                m.append(" but a session of ");
                Quantity.format(loss.fromUnits(), t.kind(), m).append(" is already below cost");
                return;
            }
            m.append(" and no session up to ");
        } else if (loss.fromUnits() > 0) {
            m.append("a session at this rate is below cost from ");
            Quantity.format(loss.fromUnits(), t.kind(), m);
            return;
        } else {
            m.append("no session at this rate up to ");
        }
        Quantity.format(loss.clearUpToUnits(), t.kind(), m).append(" ends below cost");
        if (k > 0) {
            m.append(" (the earlier tiers").append(extras.isEmpty() ? "" : " and " + extras).append(" cover the loss)");
        }
        m.append(", yet every ");
        Quantity.format(per, t.kind(), m).append(" in this tier is sold for less than it costs");
    }

    /** The roundings that lift only the retail side, as written: "minimum charge 0.10 and roundPriceTo 0.01". */
    private static String retailOnlyRoundings(Tariff t) {
        List<String> parts = new ArrayList<>(3);
        if (t.minimumChargeMicros() > 0) {
            parts.add("minimum charge " + Money.format(t.minimumChargeMicros()));
        }
        if (t.roundPriceMicros() > 1) {
            parts.add("roundPriceTo " + Money.format(t.roundPriceMicros()));
        }
        if (t.connectionFeeMicros() > 0) {
            parts.add("connection fee " + Money.format(t.connectionFeeMicros()));
        }
        return String.join(" and ", parts);
    }

    private static String where(Tariff t, Site s, int k) {
        Tariff.Rate r = t.rate(s.rate);
        StringBuilder w = new StringBuilder(64).append("tariff '").append(t.id()).append("' rate ").append(s.rate + 1);
        if (r.band() != null) {
            w.append(" (band '").append(r.band()).append("')");
        }
        if (k >= 0 && s.tiered) {
            w.append(" tier ").append(k + 1);
        }
        return w.toString();
    }

    private static String join(List<CostFinding.Use> used) {
        StringBuilder sb = new StringBuilder();
        for (CostFinding.Use u : used) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(u);
        }
        return sb.toString();
    }

    /**
     * The smallest session at rate {@code rate} of {@code t} whose retail is below its cost, as the
     * rater charges it: the session's units all money-paid, in one band, from position 0, rounded
     * up on the tariff's grid; retail {@code t.moneyPrice(rate, 0, g, true)} (tiers, micro, minimum
     * charge, roundPriceTo, connection fee), cost {@code rate.cost(0, g)}. Only grid positions
     * up to {@code horizonUnits} (rounded up to the grid) are considered.
     *
     * <p>Both sides only grow with the session, so from a position where retail F is not below
     * cost, no session is below cost until the cost exceeds F: the search leaps there by binary
     * search on the grid, instead of walking it increment by increment.
     */
    static Loss firstLoss(Tariff t, int rate, long horizonUnits) {
        Tariff.Rate r = t.rate(rate);
        long first = t.firstIncrementUnits();
        long inc = t.incrementUnits();
        long last = t.gridUnits(Math.max(1, horizonUnits));
        long nMax = first > 0 ? (last - first) / inc : last / inc - 1;
        long n = 0;
        long clear = 0;
        try {
            for (int leap = 0; leap < MAX_LEAPS; leap++) {
                long g = grid(first, inc, n);
                long price = t.moneyPrice(rate, 0, g, true);
                if (price < r.cost(0, g)) {
                    return new Loss(g, clear);
                }
                clear = g;
                if (n >= nMax || r.cost(0, grid(first, inc, nMax)) <= price) {
                    return new Loss(-1, grid(first, inc, nMax));
                }
                long lo = n + 1;
                long hi = nMax;
                while (lo < hi) {
                    long mid = lo + (hi - lo) / 2;
                    if (r.cost(0, grid(first, inc, mid)) > price) {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                clear = grid(first, inc, lo - 1);
                n = lo;
            }
        } catch (ArithmeticException e) {
            // prices so large that a long session overflows a long of micros: stop where we are
        }
        return new Loss(-1, clear);
    }

    /** Grid position after the n-th money block of a session (n from 0). */
    private static long grid(long first, long inc, long n) {
        return first > 0 ? Math.addExact(first, Math.multiplyExact(n, inc)) : Math.multiplyExact(n + 1, inc);
    }
}
