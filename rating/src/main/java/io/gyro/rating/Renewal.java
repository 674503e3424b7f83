package io.gyro.rating;

import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.BucketSource;
import io.gyro.rating.tariff.PackageDef;
import io.gyro.rating.tariff.Promotion;
import io.gyro.rating.tariff.SubscriberState;
import io.gyro.rating.tariff.ZoneClock;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;

/**
 * Package lifecycle: period boundaries, recurring fee (with first-period promotions), allowance
 * buckets with rollover, add-on purchase, and bonus buckets on top-up. Runs once per subscriber
 * per period or per top-up, not per request, so it may use java.time (it allocates a little).
 * Pure: time comes in as epoch ms. One instance per thread (the charging processor).
 */
public final class Renewal {

    private final Catalogue catalogue;

    public Renewal(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * End of the period that starts at {@code periodStartMs}. Monthly packages renew at 00:00
     * (catalogue zone) on the anniversary day of {@code subscriptionStartMs}, or on the last day of
     * shorter months (31 Jan, then 28/29 Feb, then 31 Mar); N-day packages last exactly N x 24 h.
     */
    public long periodEnd(int pkg, long subscriptionStartMs, long periodStartMs) {
        PackageDef p = catalogue.pkg(pkg);
        if (p.periodMonths() == 0) {
            return periodStartMs + p.periodDays() * ZoneClock.DAY_MS;
        }
        int anniversary = ZonedDateTime.ofInstant(Instant.ofEpochMilli(subscriptionStartMs), catalogue.zone())
                .getDayOfMonth();
        LocalDate start = ZonedDateTime.ofInstant(Instant.ofEpochMilli(periodStartMs), catalogue.zone()).toLocalDate();
        // The next anniversary strictly after the period's start day.
        LocalDate candidate = onDay(start, anniversary);
        if (!candidate.isAfter(start)) {
            candidate = onDay(start.plusMonths(1), anniversary);
        }
        return candidate.atStartOfDay(catalogue.zone()).toInstant().toEpochMilli();
    }

    private static LocalDate onDay(LocalDate month, int day) {
        return month.withDayOfMonth(Math.min(day, month.lengthOfMonth()));
    }

    /**
     * Starts a period of package {@code pkg} (base renewal or add-on purchase): computes the fee
     * (first period discounted by a running, unused promotion), debits it from available money and
     * creates the allowance buckets expiring at the period end, rolling over what is left of the
     * ending period's rollover allowances (once: rolled-over units do not roll again). When
     * available money cannot pay, nothing changes and the state is the package's onUnpaid.
     *
     * @param periodNumber 0 for the first period of the subscription
     * @param promotionsUsedMask bit i set = promotion i already used by this subscriber
     */
    public void renew(int pkg, long subscriptionStartMs, long periodStartMs, int periodNumber,
                      long promotionsUsedMask, Wallet w, RenewalResult out) {
        out.clear();
        PackageDef p = catalogue.pkg(pkg);
        out.promotionsUsedMask = promotionsUsedMask;
        out.periodEndMs = periodEnd(pkg, subscriptionStartMs, periodStartMs);
        long fee = p.feeMicros();
        if (periodNumber == 0) {
            for (int i = 0; i < catalogue.promotionCount(); i++) {
                Promotion promo = catalogue.promotion(i);
                if (promo.type() == Promotion.Type.FIRST_PERIOD_DISCOUNT && promo.appliesTo(pkg)
                        && promo.runningAt(periodStartMs) && (promotionsUsedMask & (1L << i)) == 0) {
                    fee -= Math.multiplyExact(fee, promo.percentOff()) / 100;
                    out.promotionApplied = i;
                    break;
                }
            }
        }
        out.feeMicros = fee;
        if (fee > w.availableMoney()) {
            out.state = p.onUnpaid();
            return;
        }
        w.moneyMicros -= fee;
        out.paid = true;
        out.state = SubscriberState.ACTIVE;
        if (out.promotionApplied >= 0) {
            out.promotionsUsedMask |= 1L << out.promotionApplied;
        }
        // Rollover: what is left of the ending period's rollover allowances of this package.
        for (int i = 0; i < w.bucketCount; i++) {
            int code = w.bucketSourceCode[i];
            if (code < 0 || code >= catalogue.sourceCount()) {
                continue;
            }
            BucketSource s = catalogue.bucketSource(code);
            if (s.packageIndex() != pkg || !s.rollover() || w.bucketExpiryMs[i] > periodStartMs) {
                continue;
            }
            long unused = w.available(i);
            if (unused > 0) {
                BucketSource r = catalogue.bucketSource(s.rolloverCode());
                w.bucketRemaining[i] -= unused;
                int idx = w.addBucket(r.service(), unused, out.periodEndMs, r.priority(), r.code());
                if (idx >= 0) {
                    out.rolledOverUnits += unused;
                    out.createdBucketId[out.createdCount++] = w.bucketId[idx];
                } else {
                    out.bucketsNotCreated++;
                }
            }
        }
        w.dropExpired(periodStartMs);
        for (int a = 0; a < p.allowanceCount(); a++) {
            BucketSource s = catalogue.bucketSource(p.allowanceCode(a));
            int idx = w.addBucket(s.service(), s.units(), out.periodEndMs, s.priority(), s.code());
            if (idx >= 0) {
                if (out.createdCount < Wallet.MAX_BUCKETS) {
                    out.createdBucketId[out.createdCount++] = w.bucketId[idx];
                }
            } else {
                out.bucketsNotCreated++;
            }
        }
    }

    /**
     * Credits a top-up and grants the bonus of every running top-up promotion the subscriber's
     * package qualifies for, the amount reaches, and the subscriber has not used yet (once each).
     */
    public void onTopUp(long amountMicros, int pkg, long nowMs, long promotionsUsedMask, Wallet w, TopUpResult out) {
        out.clear();
        if (amountMicros <= 0) {
            out.promotionsUsedMask = promotionsUsedMask;
            return;
        }
        w.moneyMicros = Math.addExact(w.moneyMicros, amountMicros);
        out.creditedMicros = amountMicros;
        long mask = promotionsUsedMask;
        for (int i = 0; i < catalogue.promotionCount(); i++) {
            Promotion promo = catalogue.promotion(i);
            if (promo.type() != Promotion.Type.TOP_UP_BONUS || !promo.appliesTo(pkg) || !promo.runningAt(nowMs)
                    || (mask & (1L << i)) != 0 || amountMicros < promo.minTopUpMicros()) {
                continue;
            }
            BucketSource b = catalogue.bucketSource(promo.bonusCode());
            int idx = w.addBucket(b.service(), b.units(), nowMs + b.validDays() * ZoneClock.DAY_MS, b.priority(),
                    b.code());
            if (idx < 0) {
                out.bucketsNotCreated++;
                continue;
            }
            mask |= 1L << i;
            out.bonusBucketId[out.bonusCount] = w.bucketId[idx];
            out.bonusPromotion[out.bonusCount] = i;
            out.bonusCount++;
        }
        out.promotionsUsedMask = mask;
    }
}
