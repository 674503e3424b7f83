package io.gyro.rating.catalogue;

import java.util.List;

/**
 * One tier of one tariff rate whose retail price is at or below the wholesale cost the host
 * operator charges for the same usage ("批零倒挂", selling below the wholesale price). Built by
 * the loader's cost check (rule: {@code config/CATALOGUE.md}, "Rates below cost"); immutable, any
 * thread.
 *
 * @param verdict            below cost, or exactly at cost
 * @param tariffId           the tariff
 * @param rate               the rate, 1-based in the order written
 * @param band               the rate's time band, or null for the default rate
 * @param tier               the tier, 1-based (1 for a rate without tiers)
 * @param acceptedReason     the rate's {@code belowCost} reason, or null when not annotated
 * @param belowCostFromUnits the smallest session at this rate (money-paid, from its start, on
 *                           the tariff's grid) whose retail after every rounding is below its
 *                           cost, in the tariff's unit; -1 when none up to the tier's end (or the
 *                           search's limit) is
 * @param usedBy             every package rate that names the tariff; empty when none does
 * @param report             where and what: an unannotated below-cost tier is a WARNING (an
 *                           ERROR with the strict option), the rest are NOTEs
 */
public record CostFinding(Verdict verdict, String tariffId, int rate, String band, int tier, String acceptedReason,
                          long belowCostFromUnits, List<Use> usedBy, CatalogueProblem report) {

    public enum Verdict {
        /** Price below cost per {@code per} units of the tier (a free band with a cost is one). */
        BELOW_COST,
        /** Price equal to a non-zero cost: no margin, not a loss; never more than a note. */
        AT_COST
    }

    /**
     * A package rate that uses the tariff.
     *
     * @param destination destination zone, or null for any
     * @param roaming     roaming zone, or null for at home
     */
    public record Use(String packageId, String service, String destination, String roaming) {

        @Override
        public String toString() {
            return packageId + " (" + service + (destination != null ? " to " + destination : "")
                    + (roaming != null ? " roaming in " + roaming : "") + ")";
        }

        /** The usage without the package: {@code voice to international}. */
        public String usage() {
            return service + (destination != null ? " to " + destination : "")
                    + (roaming != null ? " roaming in " + roaming : "");
        }
    }

    public CostFinding {
        usedBy = List.copyOf(usedBy);
    }

    public boolean accepted() {
        return acceptedReason != null;
    }
}
