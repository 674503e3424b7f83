package io.gyro.rating.rehearsal;

import io.gyro.rating.catalogue.CostFinding;
import io.gyro.rating.money.Money;
import io.gyro.rating.rehearsal.RehearsalCommand.Replay;
import io.gyro.rating.rehearsal.RehearsalCommand.Totals;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The rehearsal's printed tables: totals per package, the difference of two, the rates at or below cost. CLI thread. */
final class RehearsalTables {
    private RehearsalTables() {
    }

    /**
     * The catalogue's rates at or below wholesale cost, per package that uses them (a tariff used
     * by no package under "(no package)"), each with the loader's own finding.
     */
    static void printCostFindings(PrintWriter out, Replay rp) {
        Map<String, List<String>> byPackage = new LinkedHashMap<>();
        for (int p = 0; p < rp.catalogue.packageCount(); p++) {
            byPackage.put(rp.catalogue.packageId(p), new ArrayList<>());
        }
        byPackage.put("(no package)", new ArrayList<>());
        for (CostFinding f : rp.costFindings) {
            String status = f.accepted() ? "accepted" : f.verdict() == CostFinding.Verdict.AT_COST ? "at cost"
                    : "BELOW COST";
            if (f.usedBy().isEmpty()) {
                byPackage.get("(no package)").add(status + ": " + f.report());
            }
            for (CostFinding.Use u : f.usedBy()) {
                byPackage.computeIfAbsent(u.packageId(), k -> new ArrayList<>())
                        .add(u.usage() + ", " + status + ": " + f.report());
            }
        }
        long unaccepted = rp.costFindings.stream()
                .filter(f -> !f.accepted() && f.verdict() == CostFinding.Verdict.BELOW_COST).count();
        out.printf(Locale.ROOT, "%nRates at or below wholesale cost in %s: %d finding(s), %d below cost without a"
                + " belowCost reason%n", rp.name, rp.costFindings.size(), unaccepted);
        for (Map.Entry<String, List<String>> e : byPackage.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            out.println(e.getKey());
            for (String line : e.getValue()) {
                out.append("  ").append(line).append('\n');
            }
        }
    }

    static void printTotals(PrintWriter out, String name, String currency, Map<String, Totals> totals) {
        out.printf(Locale.ROOT, "%nTotals for %s (%s)%n", name, currency);
        out.printf(Locale.ROOT, "%-16s %10s %10s %16s %14s %12s %16s %16s %14s%n", "package", "records", "refused",
                "usage revenue", "fee revenue", "refunds", "wholesale cost", "margin", "uncollected");
        Totals sum = new Totals();
        for (Map.Entry<String, Totals> e : totals.entrySet()) {
            row(out, e.getKey(), e.getValue());
            sum.add(e.getValue());
        }
        row(out, "TOTAL", sum);
    }

    private static void row(PrintWriter out, String name, Totals t) {
        out.printf(Locale.ROOT, "%-16s %10d %10d %16s %14s %12s %16s %16s %14s%n", name, t.records, t.notCharged,
                Money.format(t.usageRevenueMicros), Money.format(t.feeRevenueMicros), Money.format(t.refundMicros),
                Money.format(t.costMicros), Money.format(t.revenue() - t.costMicros), Money.format(t.uncollectedMicros));
    }

    static void printDiff(PrintWriter out, String nameA, Map<String, Totals> a, String nameB, Map<String, Totals> b) {
        out.printf(Locale.ROOT, "%nDifference per package (%s minus %s)%n", nameB, nameA);
        out.printf(Locale.ROOT, "%-16s %16s %16s %16s %16s %9s%n", "package", "revenue before", "revenue after",
                "revenue delta", "margin delta", "change");
        TreeMap<String, Boolean> names = new TreeMap<>();
        a.keySet().forEach(k -> names.put(k, true));
        b.keySet().forEach(k -> names.put(k, true));
        for (String k : names.keySet()) {
            Totals ta = a.getOrDefault(k, new Totals());
            Totals tb = b.getOrDefault(k, new Totals());
            long delta = tb.revenue() - ta.revenue();
            long marginDelta = (tb.revenue() - tb.costMicros) - (ta.revenue() - ta.costMicros);
            String pct = ta.revenue() == 0 ? "n/a"
                    : String.format(Locale.ROOT, "%+.1f%%", delta * 100.0 / ta.revenue());
            out.printf(Locale.ROOT, "%-16s %16s %16s %16s %16s %9s%n", k, Money.format(ta.revenue()),
                    Money.format(tb.revenue()), Money.format(delta), Money.format(marginDelta), pct);
        }
    }
}
