package io.gyro.rating.tariff;

/**
 * What a bucket was created from: a package allowance, the rolled-over remainder of one, or a
 * promotion's bonus. Its index in the catalogue is the {@code bucketSourceCode} the wallet stores,
 * which is how the rater knows where a bucket may be used (home or roaming, which destinations)
 * and how an explanation names it. Immutable.
 */
public final class BucketSource {

    /** Where a bucket may be spent. */
    public enum Scope { HOME, ROAMING, ANY }

    /** Kind of source. */
    public enum Kind { ALLOWANCE, ROLLOVER, PROMOTION }

    private final int code;
    private final String key;
    private final Kind kind;
    private final String label;
    private final int packageIndex;
    private final int promotionIndex;
    private final int service;
    private final long units;
    private final int priority;
    private final boolean rollover;
    private final int rolloverCode;
    private final Scope scope;
    private final long destinationMask;
    private final int validDays;

    public BucketSource(int code, String key, Kind kind, String label, int packageIndex, int promotionIndex, int service,
                        long units, int priority, boolean rollover, int rolloverCode, Scope scope,
                        long destinationMask, int validDays) {
        this.code = code;
        this.key = key;
        this.kind = kind;
        this.label = label;
        this.packageIndex = packageIndex;
        this.promotionIndex = promotionIndex;
        this.service = service;
        this.units = units;
        this.priority = priority;
        this.rollover = rollover;
        this.rolloverCode = rolloverCode;
        this.scope = scope;
        this.destinationMask = destinationMask;
        this.validDays = validDays;
    }

    public int code() { return code; }
    /**
     * Stable name of the source across catalogue versions ({@code basic/allowance/1},
     * {@code basic/allowance/1/rollover}, {@code promotion/topup-50-bonus}): codes are positions in
     * one catalogue, keys survive reordering, so a reload can remap wallets' source codes.
     */
    public String key() { return key; }
    public Kind kind() { return kind; }
    /** Human label, e.g. "basic: data allowance". */
    public String label() { return label; }
    /** Package that grants it, or -1 for a promotion. */
    public int packageIndex() { return packageIndex; }
    /** Promotion that grants it, or -1. */
    public int promotionIndex() { return promotionIndex; }
    public int service() { return service; }
    /** Units granted per period (or per bonus). */
    public long units() { return units; }
    /** Lower is spent first. */
    public int priority() { return priority; }
    /** Whether the unused remainder rolls over into the next period (once). */
    public boolean rollover() { return rollover; }
    /** Source code of the rollover bucket this allowance's remainder becomes, or -1. */
    public int rolloverCode() { return rolloverCode; }
    public Scope scope() { return scope; }
    /** Bit i set: may pay for calls to destination zone i. All bits: any destination. */
    public long destinationMask() { return destinationMask; }
    /** Validity of a promotion bonus in days (0 for allowances, which last the period). */
    public int validDays() { return validDays; }

    /** Whether a bucket of this source may pay for usage in this situation. */
    public boolean usable(boolean roaming, int destinationZone) {
        if (roaming ? scope == Scope.HOME : scope == Scope.ROAMING) {
            return false;
        }
        return destinationZone < 0 || (destinationMask & (1L << destinationZone)) != 0;
    }
}
