package io.gyro.rating;

import io.gyro.rating.tariff.FinalUnitAction;

/**
 * The decision on a {@link QuotaRequest}: a grant backed by buckets and/or money, or why not.
 * Reusable; filled by {@link Rater#quota}, read by the engine, which turns it into a
 * Granted-Service-Unit, Validity-Time, Final-Unit-Indication, etc. (RFC 4006 §8.17, §8.33, §8.34).
 */
public final class QuotaResult {

    public Outcome outcome;
    public DenialReason denialReason = DenialReason.NONE;
    /** Units granted: slack an earlier report's rounding paid, plus bucket units, plus units money pays for. */
    public long grantedUnits;
    /** Units of the grant already paid by an earlier report's rounding (nothing held for them). */
    public long slackUnits;
    /** Which buckets back the grant, and how many units each (raw units, not rounded). */
    public int reservationCount;
    public final long[] reservedBucketId = new long[Wallet.MAX_BUCKETS];
    public final long[] reservedBucketUnits = new long[Wallet.MAX_BUCKETS];
    /** Units of the grant paid with money. */
    public long moneyUnits;
    /** Money to hold for the grant (its retail price from money). */
    public long reservedMicros;
    /** Retail price of the grant from money (equal to reservedMicros). */
    public long priceMicros;
    /** Wholesale cost of all granted units (estimate until charged). */
    public long costMicros;
    /** Validity-Time in seconds (0 = none), capped at tariff changes and bucket expiries. */
    public int validityTimeSeconds;
    /** Volume/Time-Quota-Threshold, 0 if none. */
    public long quotaThresholdUnits;
    /** Next tariff change the grant stops at (epoch ms), or 0. */
    public long tariffChangeMs;
    /** True when these are the last units the balance can buy (Final-Unit-Indication). */
    public boolean finalUnits;
    /** The base package's Final-Unit-Action for the requested service (RFC 4006 §8.35), with its redirect URL or filter. */
    public FinalUnitAction finalUnitAction;
    public String redirectUrl;
    public String filterId;
    /** Service whose tariff and buckets rated the grant: the requested one or its {@code fallback}; -1 when none. */
    public int ratedService = -1;
    /** Package whose rate priced the service, tariff index, rate (band) index; -1 when none. */
    public int ratedPackage = -1;
    public int tariffIndex = -1;
    public int rateIndex = -1;
    public int destinationZone = -1;
    public int roamingZone = -1;

    public QuotaResult clear() {
        outcome = null;
        denialReason = DenialReason.NONE;
        grantedUnits = 0;
        slackUnits = 0;
        reservationCount = 0;
        moneyUnits = 0;
        reservedMicros = 0;
        priceMicros = 0;
        costMicros = 0;
        validityTimeSeconds = 0;
        quotaThresholdUnits = 0;
        tariffChangeMs = 0;
        finalUnits = false;
        finalUnitAction = null;
        redirectUrl = null;
        filterId = null;
        ratedService = -1;
        ratedPackage = -1;
        tariffIndex = -1;
        rateIndex = -1;
        destinationZone = -1;
        roamingZone = -1;
        return this;
    }

    /** Units of the grant backed by buckets. */
    public long bucketUnits() {
        long sum = 0;
        for (int i = 0; i < reservationCount; i++) {
            sum += reservedBucketUnits[i];
        }
        return sum;
    }
}
