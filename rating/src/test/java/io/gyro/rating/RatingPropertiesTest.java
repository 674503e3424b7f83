package io.gyro.rating;

import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.BucketSource;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of rating over random subscribers on the sample catalogue. Each scenario is built
 * from one seed so a failure is reproduced by its seed alone.
 */
class RatingPropertiesTest {

    private static final Catalogue C = Fixtures.sample();
    private static final String[] BASES = {"basic", "data-max", "voice-max", "payg"};
    private static final String[] ADDONS = {null, "roaming-addon", "day-pass"};
    private static final int[] VISITED = {-1, -1, -1, 46001, 45400, 23410, 90112, 99999};
    private static final String[] CALLED = {"", "13800138000", "+447700900123", "12590123", "010-12345678", "95588"};
    private static final long T0 = Fixtures.at("2026-11-23T00:00");

    /** One random situation: wallet, quota request, charge request. */
    static final class Scenario {
        final Wallet wallet = new Wallet();
        final QuotaRequest quota = new QuotaRequest().clear();
        final ChargeRequest charge = new ChargeRequest().clear();

        Scenario(long seed) {
            Random r = new Random(seed);
            int pkg = C.packageIndex(BASES[r.nextInt(BASES.length)]);
            String addon = ADDONS[r.nextInt(ADDONS.length)];
            int service = r.nextInt(C.serviceCount());
            // whole minutes + 30 s: never within a second of a band boundary
            long now = T0 + r.nextInt(14 * 24 * 60) * 60_000L + 30_000;
            long units;
            switch (C.unitKind(service)) {
                case BYTES: units = r.nextInt(4) == 0 ? r.nextInt(5000) : (long) r.nextInt(2048) * 1024 * 1024 + r.nextInt(1024); break;
                case SECONDS: units = r.nextInt(7200); break;
                default: units = r.nextInt(4); break;
            }
            long before = r.nextInt(3) == 0 ? (r.nextBoolean() ? r.nextInt(600) : r.nextInt(50_000_000)) : 0;
            int visited = VISITED[r.nextInt(VISITED.length)];
            String called = C.unitKind(service) == io.gyro.rating.tariff.ServiceKind.BYTES ? ""
                    : CALLED[r.nextInt(CALLED.length)];
            wallet.moneyMicros = r.nextInt(4) == 0 ? 0 : r.nextInt(100_000_000);
            wallet.reservedMicros = r.nextInt(3) == 0 ? Math.min(wallet.moneyMicros, r.nextInt(5_000_000)) : 0;
            int buckets = r.nextInt(5);
            for (int b = 0; b < buckets; b++) {
                int code = r.nextInt(C.sourceCount());
                BucketSource s = C.bucketSource(code);
                long remaining = r.nextInt(3) == 0 ? r.nextInt(100) : r.nextInt(1 << 30);
                int i = wallet.addBucket(s.service(), remaining, now + (r.nextInt(10) - 2) * 3_600_000L,
                        s.priority(), code);
                wallet.bucketReserved[i] = r.nextInt(3) == 0 ? r.nextLong(remaining + 1) : 0;
            }
            quota.packageIndex = pkg;
            charge.packageIndex = pkg;
            if (addon != null) {
                quota.addon(C.packageIndex(addon));
                charge.addon(C.packageIndex(addon));
            }
            quota.service = service;
            charge.service = service;
            quota.requestedUnits = r.nextInt(3) == 0 ? -1 : units;
            quota.nowMs = now;
            charge.startMs = now;
            charge.usedUnits = units;
            quota.visitedMccMnc = visited;
            charge.visitedMccMnc = visited;
            quota.calledNumber = called;
            charge.calledNumber = called;
            if (before > 0) {
                // an earlier report of this session, priced at list price: a position the rater itself produced
                ChargeResult earlier = new ChargeResult();
                charge.usedUnits = before;
                new Rater(C).listPrice(charge, earlier);
                charge.usedUnits = units;
                if (earlier.outcome == Outcome.CHARGED) {
                    position(earlier.sessionUnitsAfter, earlier.sessionRatedAfter, earlier.sessionMoneyRawMicrosAfter,
                            earlier.sessionMoneyMicrosAfter);
                }
            }
        }

        void position(long used, long rated, long moneyRaw, long money) {
            quota.sessionUnitsBefore = used;
            charge.sessionUnitsBefore = used;
            quota.sessionRatedBefore = rated;
            charge.sessionRatedBefore = rated;
            quota.sessionMoneyRawMicrosBefore = moneyRaw;
            charge.sessionMoneyRawMicrosBefore = moneyRaw;
            quota.sessionMoneyMicrosBefore = money;
            charge.sessionMoneyMicrosBefore = money;
        }
    }

    @Property(tries = 2000)
    void chargesNeverNegative(@ForAll long seed) {
        Scenario s = new Scenario(seed);
        ChargeResult out = new ChargeResult();
        new Rater(C).charge(s.charge, s.wallet, out);
        assertTrue(out.priceMicros >= 0);
        assertTrue(out.costMicros >= 0);
        assertTrue(out.moneyDebitedMicros >= 0);
        assertTrue(out.uncollectedMicros >= 0);
        assertTrue(s.wallet.moneyMicros >= 0, "the account never goes below zero");
        for (int k = 0; k < out.debitCount; k++) {
            assertTrue(out.debitUnits[k] >= 0);
        }
        for (int i = 0; i < s.wallet.bucketCount; i++) {
            assertTrue(s.wallet.bucketRemaining[i] >= 0);
        }
    }

    @Property(tries = 2000)
    void bucketDebitsPlusMoneyPaidCoverExactlyTheRatedUsage(@ForAll long seed) {
        Scenario s = new Scenario(seed);
        Wallet before = new Wallet().copyFrom(s.wallet);
        ChargeResult out = new ChargeResult();
        new Rater(C).charge(s.charge, s.wallet, out);
        if (out.outcome != Outcome.CHARGED) {
            RaterQuotaTest.assertWalletUnchanged(before, s.wallet);
            return;
        }
        assertEquals(out.ratedUnits, out.bucketUnits() + out.moneyUnits);
        assertTrue(out.slackUnits + out.ratedUnits >= out.usedUnits, "rounding never loses usage");
        assertTrue(out.sessionRatedAfter >= out.sessionUnitsAfter);
        assertEquals(s.charge.sessionMoneyMicrosBefore + out.priceMicros, out.sessionMoneyMicrosAfter);
        assertEquals(out.priceMicros, out.moneyDebitedMicros + out.uncollectedMicros);
        assertEquals(before.moneyMicros - out.moneyDebitedMicros, s.wallet.moneyMicros);
        for (int k = 0; k < out.debitCount; k++) {
            int i = before.indexOfBucket(out.debitBucketId[k]);
            assertTrue(out.debitUnits[k] <= before.available(i), "a debit never takes reserved units");
            assertEquals(before.bucketRemaining[i] - out.debitUnits[k], s.wallet.bucketRemaining[i]);
        }
        if (out.moneyUnits == 0) {
            assertEquals(0, out.priceMicros);
        }
    }

    @Property(tries = 1000)
    void ratingIsDeterministic(@ForAll long seed) {
        Scenario a = new Scenario(seed);
        Scenario b = new Scenario(seed);
        Rater r1 = new Rater(C);
        Rater r2 = new Rater(C);
        QuotaResult qa = new QuotaResult();
        QuotaResult qb = new QuotaResult();
        r1.quota(a.quota, a.wallet, qa);
        r2.quota(b.quota, b.wallet, qb);
        r1.quota(a.quota, a.wallet, qa);
        assertEquals(qa.outcome, qb.outcome);
        assertEquals(qa.grantedUnits, qb.grantedUnits);
        assertEquals(qa.reservedMicros, qb.reservedMicros);
        assertEquals(qa.validityTimeSeconds, qb.validityTimeSeconds);
        assertEquals(qa.tariffChangeMs, qb.tariffChangeMs);
        assertEquals(qa.finalUnits, qb.finalUnits);
        ChargeResult ca = new ChargeResult();
        ChargeResult cb = new ChargeResult();
        r1.charge(a.charge, a.wallet, ca);
        r2.charge(b.charge, b.wallet, cb);
        assertEquals(cb.toString(), ca.toString());
        assertEquals(ca.priceMicros, cb.priceMicros);
        assertEquals(ca.costMicros, cb.costMicros);
        assertEquals(a.wallet.moneyMicros, b.wallet.moneyMicros);
    }

    @Property(tries = 2000)
    void grantNeverExceedsWhatTheWalletCanPay(@ForAll long seed) {
        Scenario s = new Scenario(seed);
        Rater rater = new Rater(C);
        QuotaResult grant = new QuotaResult();
        rater.quota(s.quota, s.wallet, grant);
        if (grant.outcome != Outcome.GRANTED) {
            assertEquals(0, grant.reservedMicros);
            return;
        }
        assertTrue(grant.reservedMicros <= s.wallet.availableMoney());
        for (int k = 0; k < grant.reservationCount; k++) {
            int i = s.wallet.indexOfBucket(grant.reservedBucketId[k]);
            assertTrue(grant.reservedBucketUnits[k] <= s.wallet.available(i));
        }
        long available = s.wallet.availableMoney();
        rater.reserve(grant, s.wallet);
        assertEquals(available - grant.reservedMicros, s.wallet.availableMoney());
        // using every granted unit costs exactly what was reserved and is fully collected
        rater.release(grant, s.wallet);
        s.charge.usedUnits = grant.grantedUnits;
        ChargeResult used = new ChargeResult();
        rater.enquire(s.charge, s.wallet, used);
        assertEquals(grant.reservedMicros, used.priceMicros, used.toString());
        assertTrue(used.priceMicros <= s.wallet.availableMoney());
    }

    @Property(tries = 2000)
    void aReportSplitInTwoCostsWhatItCostsWhole(@ForAll long seed) {
        // given: the same situation twice; one reports the usage at once, the other in two parts
        Scenario whole = new Scenario(seed);
        Scenario parts = new Scenario(seed);
        long used = whole.charge.usedUnits;
        long first = used == 0 ? 0 : new Random(~seed).nextLong(used + 1);
        Rater rater = new Rater(C);
        ChargeResult once = new ChargeResult();
        ChargeResult a = new ChargeResult();
        ChargeResult b = new ChargeResult();
        // when
        rater.charge(whole.charge, whole.wallet, once);
        parts.charge.usedUnits = first;
        rater.charge(parts.charge, parts.wallet, a);
        parts.position(a.sessionUnitsAfter, a.sessionRatedAfter, a.sessionMoneyRawMicrosAfter, a.sessionMoneyMicrosAfter);
        parts.charge.usedUnits = used - first;
        rater.charge(parts.charge, parts.wallet, b);
        // then
        assertEquals(once.outcome, b.outcome);
        if (once.outcome != Outcome.CHARGED) {
            return;
        }
        String why = once + " | " + a + " | " + b;
        assertEquals(once.priceMicros, a.priceMicros + b.priceMicros, why);
        assertEquals(once.costMicros, a.costMicros + b.costMicros, why);
        assertEquals(once.moneyDebitedMicros, a.moneyDebitedMicros + b.moneyDebitedMicros, why);
        assertEquals(once.bucketUnits(), a.bucketUnits() + b.bucketUnits(), why);
        assertEquals(once.sessionRatedAfter, b.sessionRatedAfter, why);
        assertEquals(once.sessionMoneyRawMicrosAfter, b.sessionMoneyRawMicrosAfter, why);
        assertEquals(once.sessionMoneyMicrosAfter, b.sessionMoneyMicrosAfter, why);
        assertEquals(whole.wallet.moneyMicros, parts.wallet.moneyMicros);
        assertArrayEquals(whole.wallet.bucketRemaining, parts.wallet.bucketRemaining);
    }
}
