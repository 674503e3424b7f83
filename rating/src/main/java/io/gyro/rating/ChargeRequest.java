package io.gyro.rating;

/**
 * Reported usage (Used-Service-Unit of a CCR-Update/Terminate, or one whole call/event in the
 * rehearsal) to be priced and debited. Reusable, owned by the caller's thread.
 */
public final class ChargeRequest {

    public int packageIndex;
    public final int[] addonIndices = new int[QuotaRequest.MAX_ADDONS];
    public int addonCount;
    public int service;
    /** Units used in this report (octets, seconds, events), raw: the rater rounds what money pays. */
    public long usedUnits;
    /**
     * Instant that picks the time band (epoch ms): the time the grant this usage was reported
     * against was made, not when the report arrived, so the band that priced the reservation
     * prices the usage. Within {@link Rater#RATE_IN_COMING_BAND_MS} before a tariff change it
     * counts as the change, as in {@link Rater#quota}.
     */
    public long startMs;
    /** Tariff-Time-Change split (RFC 4006 §8.20): units reported after the change, else 0. */
    public long unitsAfterTariffChange;
    /** Instant of the tariff change the split refers to (epoch ms), else 0. */
    public long tariffChangeMs;
    public int visitedMccMnc = -1;
    public CharSequence calledNumber = "";
    /**
     * The session's position for this service before this report, as the previous
     * {@link ChargeResult} left it (all 0 on a session's first report and for single events).
     * The engine stores the four values per session and rating group and passes them back.
     * Raw units used so far (the sum of Used-Service-Units).
     */
    public long sessionUnitsBefore;
    /**
     * Position on the session's increment grid already rated (paid from buckets or money), at
     * least {@link #sessionUnitsBefore}: the slack above it was paid by an earlier report's
     * rounding and is used first, at no charge. A value below {@code sessionUnitsBefore} counts
     * as equal to it.
     */
    public long sessionRatedBefore;
    /** Raw retail of the session's money-paid units so far, before minimum charge, roundPriceTo and connection fee. */
    public long sessionMoneyRawMicrosBefore;
    /** What the session's money charges took so far, finished (minimum, roundPriceTo, connection fee). */
    public long sessionMoneyMicrosBefore;

    public ChargeRequest clear() {
        packageIndex = -1;
        addonCount = 0;
        service = -1;
        usedUnits = 0;
        startMs = 0;
        unitsAfterTariffChange = 0;
        tariffChangeMs = 0;
        visitedMccMnc = -1;
        calledNumber = "";
        sessionUnitsBefore = 0;
        sessionRatedBefore = 0;
        sessionMoneyRawMicrosBefore = 0;
        sessionMoneyMicrosBefore = 0;
        return this;
    }

    public ChargeRequest addon(int index) {
        addonIndices[addonCount++] = index;
        return this;
    }
}
