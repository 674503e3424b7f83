package io.gyro.rating;

import io.gyro.rating.tariff.SubscriberState;

/** Outcome of a period renewal or add-on purchase. Reusable. */
public final class RenewalResult {

    /** Fee due for the period after promotions. */
    public long feeMicros;
    /** Whether the fee was debited (and the allowances created). */
    public boolean paid;
    /** State the package asks for: ACTIVE when paid, else its onUnpaid state. */
    public SubscriberState state;
    /** End of the new period = next renewal instant (epoch ms). */
    public long periodEndMs;
    /** Promotion that discounted the fee, or -1. */
    public int promotionApplied = -1;
    /** The subscriber's used-promotions mask after this call; the engine stores it. */
    public long promotionsUsedMask;
    /** Units moved from the ending period into rollover buckets. */
    public long rolledOverUnits;
    /** Buckets created (ids), and allowances that found the wallet full. */
    public int createdCount;
    public final long[] createdBucketId = new long[Wallet.MAX_BUCKETS];
    public int bucketsNotCreated;

    public RenewalResult clear() {
        feeMicros = 0;
        paid = false;
        state = null;
        periodEndMs = 0;
        promotionApplied = -1;
        promotionsUsedMask = 0;
        rolledOverUnits = 0;
        createdCount = 0;
        bucketsNotCreated = 0;
        return this;
    }
}
