package io.gyro.rating;

import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.money.Money;
import io.gyro.rating.tariff.PackageDef;
import io.gyro.rating.tariff.Quantity;
import io.gyro.rating.tariff.Tariff;

/**
 * What a charge cost and who paid: bucket debits, money debited, what money could not cover,
 * retail price and wholesale cost, and everything needed to explain it to a customer-service
 * agent. Reusable; the explanation is only built on demand by {@link #explain(StringBuilder)},
 * so the hot path allocates nothing.
 */
public final class ChargeResult {

    public Outcome outcome;
    public DenialReason denialReason = DenialReason.NONE;
    public long usedUnits;
    /**
     * Session grid positions this report rated: bucket units + money units (money units rounded
     * up on the increment grid). With {@link #slackUnits}, they cover {@link #usedUnits}.
     */
    public long ratedUnits;
    /** Units of this report that an earlier report's rounding had already paid (no charge). */
    public long slackUnits;
    /** Service whose tariff and buckets rated the usage: the requested one or its {@code fallback}. */
    public int ratedService = -1;
    public int debitCount;
    public final long[] debitBucketId = new long[Wallet.MAX_BUCKETS];
    public final long[] debitUnits = new long[Wallet.MAX_BUCKETS];
    public final int[] debitSourceCode = new int[Wallet.MAX_BUCKETS];
    public long moneyUnits;
    /** Retail price of the money-paid units (moneyDebited + uncollected). */
    public long priceMicros;
    public long moneyDebitedMicros;
    /** Price money could not cover (the account stops at zero). */
    public long uncollectedMicros;
    /** Wholesale cost of all rated units. */
    public long costMicros;
    /** Whether the result was applied to the wallet (false for enquiries). */
    public boolean applied;

    // The session's position after this report: the engine stores these per session and rating
    // group and passes them as the next request's session*Before fields. When the outcome is not
    // CHARGED they equal the request's "before" values (nothing moved).
    /** Raw units used in the session after this report. */
    public long sessionUnitsAfter;
    /** Position on the session's increment grid rated after this report (at least {@link #sessionUnitsAfter}). */
    public long sessionRatedAfter;
    /** Raw retail of the session's money-paid units after this report. */
    public long sessionMoneyRawMicrosAfter;
    /** What the session's money charges took after this report, finished: before + {@link #priceMicros}. */
    public long sessionMoneyMicrosAfter;

    // explanation inputs
    public int ratedPackage = -1;
    public int tariffIndex = -1;
    public int rateIndex = -1;
    public int rateIndexAfterChange = -1;
    public int destinationZone = -1;
    public int roamingZone = -1;
    public int service = -1;
    /** This report took the session's connection fee (its money part began here). */
    public boolean connectionFeeApplied;
    /** The session's money part is at the minimum charge. */
    public boolean minimumApplied;
    /** Raw retail of this report's money units (before minimum charge, roundPriceTo, connection fee). */
    public long rawRetailMicros;
    Catalogue catalogue;

    public ChargeResult clear() {
        outcome = null;
        denialReason = DenialReason.NONE;
        usedUnits = 0;
        ratedUnits = 0;
        slackUnits = 0;
        ratedService = -1;
        debitCount = 0;
        moneyUnits = 0;
        priceMicros = 0;
        moneyDebitedMicros = 0;
        uncollectedMicros = 0;
        costMicros = 0;
        applied = false;
        sessionUnitsAfter = 0;
        sessionRatedAfter = 0;
        sessionMoneyRawMicrosAfter = 0;
        sessionMoneyMicrosAfter = 0;
        ratedPackage = -1;
        tariffIndex = -1;
        rateIndex = -1;
        rateIndexAfterChange = -1;
        destinationZone = -1;
        roamingZone = -1;
        service = -1;
        connectionFeeApplied = false;
        minimumApplied = false;
        rawRetailMicros = 0;
        catalogue = null;
        return this;
    }

    /** Units paid from buckets. */
    public long bucketUnits() {
        long sum = 0;
        for (int i = 0; i < debitCount; i++) {
            sum += debitUnits[i];
        }
        return sum;
    }

    /**
     * Appends a sentence a customer-service agent can read out: package, band, rounding, which
     * allowance paid, what money paid, and the wholesale cost. Not for the hot path.
     */
    public StringBuilder explain(StringBuilder sb) {
        Catalogue c = catalogue;
        if (c == null) {
            return sb.append(outcome);
        }
        String svc = service >= 0 ? c.serviceName(service) : "?";
        if (outcome != Outcome.CHARGED) {
            sb.append(svc).append(": not charged, ").append(outcome);
            if (denialReason != DenialReason.NONE) {
                sb.append(" (").append(denialReason);
                if (destinationZone >= 0) {
                    sb.append(", destination ").append(c.destinationName(destinationZone));
                }
                if (roamingZone >= 0) {
                    sb.append(", roaming zone ").append(c.roamingZoneName(roamingZone));
                }
                sb.append(')');
            }
            return sb;
        }
        PackageDef p = c.pkg(ratedPackage);
        Tariff t = c.tariff(tariffIndex);
        String unit = unitWord(c, service);
        sb.append(svc);
        if (ratedService >= 0 && ratedService != service) {
            sb.append(" (rated as ").append(c.serviceName(ratedService)).append(')');
        }
        if (destinationZone >= 0) {
            sb.append(" to ").append(c.destinationName(destinationZone));
        }
        if (roamingZone >= 0) {
            sb.append(" roaming in ").append(c.roamingZoneName(roamingZone));
        }
        sb.append(" priced by package ").append(p.id()).append(", tariff ").append(t.id());
        sb.append(", band ").append(bandName(t, rateIndex));
        if (rateIndexAfterChange >= 0 && rateIndexAfterChange != rateIndex) {
            sb.append(" then ").append(bandName(t, rateIndexAfterChange));
        }
        sb.append("; used ").append(usedUnits).append(' ').append(unit);
        if (slackUnits > 0) {
            sb.append(", ").append(slackUnits).append(' ').append(unit)
                    .append(" of them already paid by the session's rounding");
        }
        if (ratedUnits + slackUnits != usedUnits) {
            sb.append(", rounded up to ").append(ratedUnits + slackUnits).append(' ').append(unit).append(" (");
            if (t.firstIncrementUnits() > 0) {
                Quantity.format(t.firstIncrementUnits(), t.kind(), sb.append("first ")).append(", then ");
            }
            Quantity.format(t.incrementUnits(), t.kind(), sb.append("per ")).append(')');
        }
        for (int i = 0; i < debitCount; i++) {
            int code = debitSourceCode[i];
            sb.append("; ").append(debitUnits[i]).append(' ').append(unit).append(" from ");
            if (code >= 0 && code < c.sourceCount()) {
                sb.append(c.bucketSource(code).label());
            } else {
                sb.append("bucket");
            }
            sb.append(" (bucket ").append(debitBucketId[i]).append(')');
        }
        if (moneyUnits > 0 || priceMicros > 0) {
            sb.append("; ").append(moneyUnits).append(' ').append(unit).append(" at ");
            Tariff.Rate r = t.rate(rateIndex);
            int tier = r.tierAt(0);
            Money.format(r.tierPriceMicros(tier), sb).append(' ').append(c.currency()).append(" per ");
            Quantity.format(r.tierPerUnits(tier), t.kind(), sb);
            if (r.tierCount() > 1) {
                sb.append(" (tiered)");
            }
            sb.append(" = ");
            Money.format(rawRetailMicros, sb);
            long paidBefore = sessionMoneyMicrosAfter - priceMicros;
            boolean earlier = sessionMoneyRawMicrosAfter != rawRetailMicros || paidBefore != 0;
            if (earlier) {
                Money.format(sessionMoneyRawMicrosAfter, sb.append(", session's money part "));
            }
            if (minimumApplied) {
                sb.append(", minimum charge ");
                Money.format(t.minimumChargeMicros(), sb);
            }
            if (t.roundPriceMicros() > 1) {
                sb.append(", rounded up to ");
                Money.format(t.roundPriceMicros(), sb);
            }
            if (connectionFeeApplied) {
                sb.append(", plus connection fee ");
                Money.format(t.connectionFeeMicros(), sb);
            }
            sb.append("; price ");
            Money.format(priceMicros, sb).append(' ').append(c.currency());
            if (earlier) {
                Money.format(sessionMoneyMicrosAfter, sb.append(" (session total "));
                Money.format(paidBefore, sb.append(" less ")).append(" already paid)");
            }
            sb.append(", paid from balance ");
            Money.format(moneyDebitedMicros, sb);
            if (uncollectedMicros > 0) {
                sb.append(", uncollected ");
                Money.format(uncollectedMicros, sb);
            }
        } else {
            sb.append("; nothing from balance");
        }
        sb.append("; wholesale cost ");
        return Money.format(costMicros, sb).append(' ').append(c.currency());
    }

    private static String bandName(Tariff t, int rate) {
        String b = rate >= 0 ? t.rate(rate).band() : null;
        return b == null ? "standard" : b;
    }

    private static String unitWord(Catalogue c, int service) {
        switch (c.unitKind(service)) {
            case BYTES: return "bytes";
            case SECONDS: return "s";
            case EVENTS: return "events";
            default: return "units";
        }
    }

    @Override
    public String toString() {
        return explain(new StringBuilder()).toString();
    }
}
