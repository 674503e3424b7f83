package io.gyro.rating;

import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.BucketSource;
import io.gyro.rating.tariff.SubscriberState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.gyro.rating.Fixtures.CNY;
import static io.gyro.rating.Fixtures.GB;
import static io.gyro.rating.Fixtures.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenewalTest {

    private final Catalogue c = Fixtures.sample();
    private final Renewal renewal = new Renewal(c);

    @ParameterizedTest(name = "{0}: {1} subscribed {2}, period from {3} ends {4}")
    @CsvSource({
            "monthOnAnniversary,        basic,         2026-11-15T09:30, 2026-11-15T09:30, 2026-12-15T00:00",
            "monthEndShortMonth,        basic,         2026-01-31T12:00, 2026-01-31T12:00, 2026-02-28T00:00",
            "monthBackToAnniversaryDay, basic,         2026-01-31T12:00, 2026-02-28T00:00, 2026-03-31T00:00",
            "monthLeapYear,             basic,         2028-01-30T08:00, 2028-01-30T08:00, 2028-02-29T00:00",
            "monthYearEnd,              data-max,      2026-12-05T23:59, 2026-12-05T23:59, 2027-01-05T00:00",
            "dayPassIs24Hours,          day-pass,      2026-11-25T18:20, 2026-11-25T18:20, 2026-11-26T18:20",
            "roamingWeek,               roaming-addon, 2026-11-25T18:20, 2026-11-25T18:20, 2026-12-02T18:20"
    })
    void periodEnd(String name, String pkg, String subscribed, String periodStart, String expectedEnd) {
        assertEquals(at(expectedEnd), renewal.periodEnd(c.packageIndex(pkg), at(subscribed), at(periodStart)));
    }

    private int dataBucket(Wallet w, BucketSource.Kind kind) {
        for (int i = 0; i < w.bucketCount; i++) {
            if (c.bucketSource(w.bucketSourceCode[i]).kind() == kind && c.serviceName(w.bucketService[i]).equals("data")) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void rolloverAtPeriodEnd() {
        // given: a data-max subscriber in the first period who used 10 GB of 30 GB
        int pkg = c.packageIndex("data-max");
        Wallet w = new Wallet();
        w.moneyMicros = 200 * CNY;
        RenewalResult out = new RenewalResult();
        long start = at("2026-11-01T00:00");
        renewal.renew(pkg, start, start, 0, 0L, w, out);
        assertTrue(out.paid);
        int first = dataBucket(w, BucketSource.Kind.ALLOWANCE);
        w.bucketRemaining[first] -= 10 * GB;
        // when: the period ends
        long second = out.periodEndMs;
        assertEquals(at("2026-12-01T00:00"), second);
        renewal.renew(pkg, start, second, 1, out.promotionsUsedMask, w, out);
        // then: 20 GB rolled over into a bucket for one more period, spent before the fresh 30 GB
        assertTrue(out.paid);
        assertEquals(20 * GB, out.rolledOverUnits);
        int rolled = dataBucket(w, BucketSource.Kind.ROLLOVER);
        int fresh = dataBucket(w, BucketSource.Kind.ALLOWANCE);
        assertEquals(20 * GB, w.bucketRemaining[rolled]);
        assertEquals(30 * GB, w.bucketRemaining[fresh]);
        assertEquals(at("2027-01-01T00:00"), w.bucketExpiryMs[rolled]);
        assertTrue(w.bucketPriority[rolled] < w.bucketPriority[fresh], "rolled-over data is spent first");
        assertEquals(4, w.bucketCount, "old period buckets dropped: rollover, data, voice, sms remain");
        // and when: the next period ends with everything unused, only the fresh allowance rolls
        renewal.renew(pkg, start, out.periodEndMs, 2, out.promotionsUsedMask, w, out);
        assertEquals(30 * GB, out.rolledOverUnits, "rolled-over units do not roll twice");
    }

    @Test
    void promotionAppliedOnce() {
        // given
        int pkg = c.packageIndex("data-max");
        Wallet w = new Wallet();
        w.moneyMicros = 200 * CNY;
        RenewalResult out = new RenewalResult();
        long start = at("2026-11-01T00:00");
        // when: first period
        renewal.renew(pkg, start, start, 0, 0L, w, out);
        // then: half price, promotion marked used
        assertEquals(29_500_000, out.feeMicros);
        assertEquals(c.promotionIndex("data-max-welcome"), out.promotionApplied);
        assertEquals(200 * CNY - 29_500_000, w.moneyMicros);
        long mask = out.promotionsUsedMask;
        assertTrue((mask & (1L << out.promotionApplied)) != 0);
        // when: the subscriber re-subscribes later, another "first" period
        renewal.renew(pkg, start, at("2027-03-01T00:00"), 0, mask, w, out);
        // then: full price
        assertEquals(59 * CNY, out.feeMicros);
        assertEquals(-1, out.promotionApplied);
        // and: a basic subscriber gets no data-max discount
        renewal.renew(c.packageIndex("basic"), start, start, 0, 0L, w, out);
        assertEquals(19 * CNY, out.feeMicros);
    }

    @Test
    void topUpBonusAppliedOnce() {
        int pkg = c.packageIndex("basic");
        Wallet w = new Wallet();
        TopUpResult out = new TopUpResult();
        long now = at("2026-11-25T10:00");
        renewal.onTopUp(49_990_000, pkg, now, 0L, w, out);
        assertEquals(0, out.bonusCount, "below the 50.00 threshold");
        renewal.onTopUp(50 * CNY, pkg, now, out.promotionsUsedMask, w, out);
        assertEquals(1, out.bonusCount);
        int i = w.indexOfBucket(out.bonusBucketId[0]);
        assertEquals(GB, w.bucketRemaining[i]);
        assertEquals(now + 30 * 86_400_000L, w.bucketExpiryMs[i]);
        renewal.onTopUp(100 * CNY, pkg, now, out.promotionsUsedMask, w, out);
        assertEquals(0, out.bonusCount, "once per subscriber");
        assertEquals(199_990_000, w.moneyMicros);
    }

    @Test
    void unpaidFeeLeavesWalletAndSetsPackageState() {
        Wallet w = new Wallet();
        w.moneyMicros = 10 * CNY;
        RenewalResult out = new RenewalResult();
        long start = at("2026-11-01T00:00");
        renewal.renew(c.packageIndex("basic"), start, start, 1, 0L, w, out);
        assertFalse(out.paid);
        assertEquals(SubscriberState.SUSPENDED, out.state);
        assertEquals(10 * CNY, w.moneyMicros);
        assertEquals(0, w.bucketCount);
        renewal.renew(c.packageIndex("voice-max"), start, start, 1, 0L, w, out);
        assertEquals(SubscriberState.BARRED, out.state);
    }

    @Test
    void reservedMoneyCannotPayAFee() {
        Wallet w = new Wallet();
        w.moneyMicros = 20 * CNY;
        w.reservedMicros = 2 * CNY;
        RenewalResult out = new RenewalResult();
        renewal.renew(c.packageIndex("basic"), 0, at("2026-11-01T00:00"), 1, 0L, w, out);
        assertFalse(out.paid);
    }

    @Test
    void addOnPacksStack() {
        int day = c.packageIndex("day-pass");
        Wallet w = new Wallet();
        w.moneyMicros = 20 * CNY;
        RenewalResult out = new RenewalResult();
        renewal.renew(day, at("2026-11-25T08:00"), at("2026-11-25T08:00"), 0, 0L, w, out);
        renewal.renew(day, at("2026-11-25T12:00"), at("2026-11-25T12:00"), 0, 0L, w, out);
        assertEquals(2, w.bucketCount);
        assertEquals(10 * CNY, w.moneyMicros);
        assertEquals(4 * GB, w.remainingUnits(c.serviceIndexByName("data"), at("2026-11-25T13:00")));
        assertEquals(2 * GB, w.remainingUnits(c.serviceIndexByName("data"), at("2026-11-26T09:00")));
    }
}
