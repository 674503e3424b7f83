package io.gyro.rating;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steady-state quota + reserve + release + charge allocates nothing on the calling thread. */
class AllocationTest {

    @Test
    void steadyStateRatingAllocatesNothing() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Given g = new Given().pkg("basic").addon("roaming-addon").service("voice").called(new StringBuilder("13800138000"))
                .used(61).money("1000000").allowance("basic", "voice", 6000);
        Given d = new Given().pkg("data-max").service("data").used(3 * Fixtures.MB).money("1000000");
        // a report split at a tariff change, paid from one bucket on both sides, mid-session
        Given s = new Given().pkg("voice-max").service("voice").called("13800138000").at("2026-11-27T23:58")
                .used(200).tariffChange("2026-11-28T00:00", 80).session(30, 60, "0.10", "0.10").money("1000000")
                .allowance("voice-max", "voice", 600);
        StringBuilder apn = new StringBuilder("VIDEO.gyro-mobile.cn");
        Rater rater = new Rater(g.c);
        QuotaResult q = new QuotaResult();
        ChargeResult c = new ChargeResult();
        for (int i = 0; i < 20_000; i++) {
            cycle(rater, g, d, s, apn, q, c);
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            cycle(rater, g, d, s, apn, q, c);
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, allocated + " bytes allocated over " + n + " cycles");
    }

    private static void cycle(Rater rater, Given g, Given d, Given s, CharSequence apn, QuotaResult q,
                              ChargeResult c) {
        g.wallet.bucketRemaining[0] = 6000;
        rater.quota(g.quota, g.wallet, q);
        rater.reserve(q, g.wallet);
        rater.release(q, g.wallet);
        rater.charge(g.charge, g.wallet, c);
        rater.quota(d.quota, d.wallet, q);
        rater.charge(d.charge, d.wallet, c);
        d.wallet.moneyMicros += c.moneyDebitedMicros;
        g.c.serviceIndex("32251@3gpp.org", 100, -1);
        g.c.serviceIndex("32251@3gpp.org", 100, -1, apn, 1004);
        rater.enquire(s.charge, s.wallet, c);
        rater.quota(s.quota, s.wallet, q);
    }
}
