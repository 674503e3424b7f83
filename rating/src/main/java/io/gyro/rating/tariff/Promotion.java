package io.gyro.rating.tariff;

/**
 * A promotion: a first-period discount on some packages, or a bonus bucket on a top-up. Each
 * promotion has a bit (its index) in the subscriber's "promotions used" mask that the engine
 * stores, so "at most N times" holds across calls without the rater keeping state. Immutable.
 */
public final class Promotion {

    /** Kinds of promotion. */
    public enum Type { FIRST_PERIOD_DISCOUNT, TOP_UP_BONUS }

    private final String id;
    private final int index;
    private final Type type;
    private final boolean[] packages;
    private final int percentOff;
    private final long minTopUpMicros;
    private final int bonusCode;
    private final long validFromMs;
    private final long validUntilMs;

    public Promotion(String id, int index, Type type, boolean[] packages, int percentOff, long minTopUpMicros,
                     int bonusCode, long validFromMs, long validUntilMs) {
        this.id = id;
        this.index = index;
        this.type = type;
        this.packages = packages;
        this.percentOff = percentOff;
        this.minTopUpMicros = minTopUpMicros;
        this.bonusCode = bonusCode;
        this.validFromMs = validFromMs;
        this.validUntilMs = validUntilMs;
    }

    public String id() { return id; }
    /** Also the bit of this promotion in the subscriber's used-promotions mask. */
    public int index() { return index; }
    public Type type() { return type; }
    /** Whether it applies to package {@code pkg} (all packages when no list was given). */
    public boolean appliesTo(int pkg) { return pkg >= 0 && pkg < packages.length && packages[pkg]; }
    /** FIRST_PERIOD_DISCOUNT: percent taken off the first period's fee. */
    public int percentOff() { return percentOff; }
    /** TOP_UP_BONUS: smallest top-up that earns the bonus. */
    public long minTopUpMicros() { return minTopUpMicros; }
    /** TOP_UP_BONUS: bucket source of the bonus. */
    public int bonusCode() { return bonusCode; }
    /** Whether the promotion runs at {@code nowMs} (campaign window; open ends are Long.MIN/MAX). */
    public boolean runningAt(long nowMs) { return nowMs >= validFromMs && nowMs < validUntilMs; }
}
