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
    /** Units used (octets, seconds, events); rounded up by the tariff's increments. */
    public long usedUnits;
    /** When the usage started (epoch ms): picks the time band. */
    public long startMs;
    /** Tariff-Time-Change split (RFC 4006 §8.20): units reported after the change, else 0. */
    public long unitsAfterTariffChange;
    /** Instant of the tariff change the split refers to (epoch ms), else 0. */
    public long tariffChangeMs;
    public int visitedMccMnc = -1;
    public CharSequence calledNumber = "";
    /** Units already charged in this session: 0 on the first charge (connection fee, minimum charge). */
    public long sessionUnitsBefore;

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
        return this;
    }

    public ChargeRequest addon(int index) {
        addonIndices[addonCount++] = index;
        return this;
    }
}
