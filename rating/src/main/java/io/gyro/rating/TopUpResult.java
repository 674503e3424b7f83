package io.gyro.rating;

/** Outcome of a top-up: bonus buckets earned from promotions. Reusable. */
public final class TopUpResult {

    public long creditedMicros;
    public int bonusCount;
    public final long[] bonusBucketId = new long[Wallet.MAX_BUCKETS];
    public final int[] bonusPromotion = new int[Wallet.MAX_BUCKETS];
    public long promotionsUsedMask;
    public int bucketsNotCreated;

    public TopUpResult clear() {
        creditedMicros = 0;
        bonusCount = 0;
        promotionsUsedMask = 0;
        bucketsNotCreated = 0;
        return this;
    }
}
