package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubscriberStoreTest {
    @TempDir
    Path dir;
    Stores stores;
    SubscriberStore subscribers;

    @BeforeEach
    void open() throws Exception {
        stores = Stores.open(dir, new StoreConfig(20_000, 1_000));
        subscribers = stores.subscribers();
    }

    @AfterEach
    void close() throws Exception {
        stores.close();
    }

    private static Subscriber demo(long n) {
        return new Subscriber().msisdn(8617000000000L + n).imsi(460990000000000L + n).accountId(8617000000000L + n)
                .packageId("basic").state(SubscriberState.ACTIVE).createdMs(1000 + n).subscriptionStartMs(2000)
                .periodStartMs(3000).nextRenewalMs(4000);
    }

    @Test
    void createAndFindByMsisdnAndImsi() {
        Subscriber s = demo(1).realNameVerified(true).state(SubscriberState.AWAITING_REAL_NAME);
        s.addAddOn("night-data-5g");
        s.addAddOn("roam-hk");
        assertEquals(SubscriberStore.Result.OK, subscribers.create(s));

        Subscriber back = new Subscriber();
        assertTrue(subscribers.findByMsisdn(8617000000001L, back));
        assertEquals(460990000000001L, back.imsi());
        assertEquals(8617000000001L, back.accountId());
        assertEquals(SubscriberState.AWAITING_REAL_NAME, back.state());
        assertTrue(back.realNameVerified());
        assertTrue(back.packageIdEquals("basic"));
        assertFalse(back.packageIdEquals("basic2"));
        assertEquals("basic", back.packageIdTo(new StringBuilder()).toString());
        assertEquals(2, back.addOnCount());
        assertEquals("night-data-5g", back.addOn(0));
        assertTrue(back.addOnEquals(1, "roam-hk"));
        assertEquals(1001, back.createdMs());
        assertEquals(4000, back.nextRenewalMs());

        Subscriber byImsi = new Subscriber();
        assertTrue(subscribers.findByImsi(460990000000001L, byImsi));
        assertEquals(8617000000001L, byImsi.msisdn());
        assertFalse(subscribers.findByImsi(460990000000002L, byImsi));
        assertFalse(subscribers.findByMsisdn(8617000000002L, byImsi));
    }

    @Test
    void createFailsCleanlyOnTakenMsisdnOrImsi() {
        assertEquals(SubscriberStore.Result.OK, subscribers.create(demo(1)));
        Subscriber sameMsisdn = demo(1).imsi(460990000000099L);
        assertEquals(SubscriberStore.Result.MSISDN_EXISTS, subscribers.create(sameMsisdn));
        Subscriber sameImsi = demo(2).imsi(460990000000001L);
        assertEquals(SubscriberStore.Result.IMSI_EXISTS, subscribers.create(sameImsi));
        assertEquals(1, subscribers.count());
        assertFalse(subscribers.findByImsi(460990000000099L, new Subscriber()));
    }

    @Test
    void updateChangesPackageStateAndImsi() {
        subscribers.create(demo(1));
        subscribers.create(demo(2));
        Subscriber s = new Subscriber();
        subscribers.findByMsisdn(8617000000001L, s);
        s.packageId("premium-100").state(SubscriberState.SUSPENDED).imsi(460990000000777L);
        assertEquals(SubscriberStore.Result.OK, subscribers.update(s));
        Subscriber back = new Subscriber();
        assertTrue(subscribers.findByImsi(460990000000777L, back));
        assertTrue(back.packageIdEquals("premium-100"));
        assertEquals(SubscriberState.SUSPENDED, back.state());
        assertFalse(subscribers.findByImsi(460990000000001L, back), "old IMSI no longer indexed");

        s.imsi(460990000000002L);
        assertEquals(SubscriberStore.Result.IMSI_EXISTS, subscribers.update(s));
        assertEquals(SubscriberStore.Result.NOT_FOUND, subscribers.update(demo(3)));
    }

    @Test
    void theReadCacheHoldsCopiesAndFollowsEveryWrite() throws Exception {
        // more subscribers than cache slots, so slots are shared and overwritten
        for (int n = 1; n <= 20_000; n++) {
            assertEquals(SubscriberStore.Result.OK, subscribers.create(demo(n)));
        }
        Subscriber s = new Subscriber();
        for (int n = 1; n <= 20_000; n += 7) {
            assertTrue(subscribers.findByMsisdn(8617000000000L + n, s));
            assertEquals(460990000000000L + n, s.imsi(), "subscriber " + n);
        }
        assertTrue(subscribers.findByMsisdn(8617000000005L, s));
        s.packageId("premium-100");   // the caller's copy changes, not the store
        Subscriber back = new Subscriber();
        assertTrue(subscribers.findByMsisdn(8617000000005L, back));
        assertTrue(back.packageIdEquals("basic"));
        s.state(SubscriberState.BARRED);
        assertTrue(s.addAddOn("roaming-addon"));
        assertEquals(SubscriberStore.Result.OK, subscribers.update(s));
        assertTrue(subscribers.findByMsisdn(8617000000005L, back));
        assertTrue(back.packageIdEquals("premium-100"));
        assertEquals(SubscriberState.BARRED, back.state());
        assertEquals(1, back.addOnCount());
        assertTrue(back.addOnEquals(0, "roaming-addon"));
        // what the cache answered is what the map holds: a fresh store (empty cache) reads the same
        stores.close();
        stores = Stores.open(dir, new StoreConfig(20_000, 1_000));
        subscribers = stores.subscribers();
        Subscriber fresh = new Subscriber();
        assertTrue(subscribers.findByMsisdn(8617000000005L, fresh));
        assertTrue(fresh.packageIdEquals("premium-100"));
        assertEquals(SubscriberState.BARRED, fresh.state());
        assertEquals(1, fresh.addOnCount());
        assertTrue(fresh.addOnEquals(0, "roaming-addon"));
    }

    @Test
    void packageIdsAreValidated() {
        assertFalse(Subscriber.isValidPackageId(""));
        assertFalse(Subscriber.isValidPackageId("has space"));
        assertFalse(Subscriber.isValidPackageId("x".repeat(33)));
        assertTrue(Subscriber.isValidPackageId("x".repeat(32)));
        assertThrows(IllegalArgumentException.class, () -> new Subscriber().packageId("套餐"));
        Subscriber s = new Subscriber();
        for (int i = 0; i < Subscriber.MAX_ADD_ONS; i++) {
            assertTrue(s.addAddOn("a" + i));
        }
        assertFalse(s.addAddOn("one-too-many"));
        s.removeAddOn(1);
        assertEquals("a2", s.addOn(1));
    }

    @Test
    void iterationVisitsEverySubscriberAndRepairFillsAMissingIndexEntry() {
        for (int n = 1; n <= 500; n++) {
            subscribers.create(demo(n));
        }
        Set<Long> seen = new HashSet<>();
        subscribers.forEach(s -> seen.add(s.msisdn()));
        assertEquals(500, seen.size());
        long[] all = subscribers.allMsisdns();
        Arrays.sort(all);
        assertEquals(500, all.length);
        assertEquals(8617000000001L, all[0]);
        assertEquals(0, subscribers.repairImsiIndex());
    }

    @Test
    void lookupsDoNotAllocate() {
        for (int n = 1; n <= 1000; n++) {
            subscribers.create(demo(n));
        }
        Subscriber reused = new Subscriber();
        StringBuilder pkg = new StringBuilder(64);
        long[] i = {0};
        double perOp = Allocations.bytesPerOp(20_000, 100_000, () -> {
            long n = 1 + (i[0]++ % 1000);
            subscribers.findByImsi(460990000000000L + n, reused);
            subscribers.findByMsisdn(8617000000000L + n, reused);
            pkg.setLength(0);
            reused.packageIdTo(pkg);
        });
        System.out.printf("SubscriberStore findByImsi+findByMsisdn: %.3f bytes allocated per pair%n", perOp);
        assertTrue(perOp < 1.0, "bytes per lookup pair: " + perOp);
    }
}
