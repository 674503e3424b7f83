package io.gyro.rating;

/**
 * A credit request (CCR-Initial/Update, one Multiple-Services-Credit-Control) as the rater needs
 * it. Reusable: the charging processor owns one, fills it per request, never shares it.
 */
public final class QuotaRequest {

    public static final int MAX_ADDONS = 8;

    /** Base package index in the catalogue. */
    public int packageIndex;
    /** Add-on package indices, consulted before the base package. */
    public final int[] addonIndices = new int[MAX_ADDONS];
    public int addonCount;
    /** Service index from {@code Catalogue.serviceIndex}. */
    public int service;
    /** Requested units, or -1 for the service's default quota. */
    public long requestedUnits = -1;
    /** Time of the request (epoch ms); the rater never reads a clock. */
    public long nowMs;
    /** 3GPP-SGSN-MCC-MNC as a number (46000), or -1 at home. */
    public int visitedMccMnc = -1;
    /** Called number for voice/SMS, or empty. */
    public CharSequence calledNumber = "";
    /**
     * The session's position for this service, as the last {@link ChargeResult} left it (all 0
     * on a session's first request): see {@link ChargeRequest#sessionUnitsBefore} and the three
     * fields after it. With them, the money reserved for a grant is exactly what
     * {@link Rater#charge} takes when all granted units are reported, and the grant includes the
     * slack an earlier report's rounding already paid.
     */
    public long sessionUnitsBefore;
    /** See {@link ChargeRequest#sessionRatedBefore}. */
    public long sessionRatedBefore;
    /** See {@link ChargeRequest#sessionMoneyRawMicrosBefore}. */
    public long sessionMoneyRawMicrosBefore;
    /** See {@link ChargeRequest#sessionMoneyMicrosBefore}. */
    public long sessionMoneyMicrosBefore;

    public QuotaRequest clear() {
        packageIndex = -1;
        addonCount = 0;
        service = -1;
        requestedUnits = -1;
        nowMs = 0;
        visitedMccMnc = -1;
        calledNumber = "";
        sessionUnitsBefore = 0;
        sessionRatedBefore = 0;
        sessionMoneyRawMicrosBefore = 0;
        sessionMoneyMicrosBefore = 0;
        return this;
    }

    /** Adds an add-on package index. */
    public QuotaRequest addon(int index) {
        addonIndices[addonCount++] = index;
        return this;
    }
}
