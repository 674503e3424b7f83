package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountStoreTest {
    @TempDir
    Path dir;
    Stores stores;
    AccountStore accounts;

    @BeforeEach
    void open() throws Exception {
        stores = Stores.open(dir, new StoreConfig(20_000, 1_000));
        accounts = stores.accounts();
    }

    @AfterEach
    void close() throws Exception {
        stores.close();
    }

    @Test
    void createReadUpdate() {
        Account a = new Account().clear(8617000000001L).moneyMicros(50_000_000L);
        int data = a.addBucket(1, 1L << 30, 1_900_000_000_000L, 5, 2);
        assertTrue(accounts.create(a));
        assertFalse(accounts.create(new Account().clear(8617000000001L)), "second create of the same id");
        assertTrue(accounts.exists(8617000000001L));
        assertFalse(accounts.exists(8617000000002L));

        Account back = new Account();
        assertTrue(accounts.read(8617000000001L, back));
        assertTrue(back.sameStateAs(a), back + " vs " + a);
        assertEquals(1, back.version());
        assertEquals(2, back.nextBucketId());

        back.reservedMicros(1_000_000).reservedUnits(data, 1000).remainingUnits(data, (1L << 30) - 5000);
        back.lastJournalSeq(42);
        accounts.write(back);
        Account again = new Account();
        assertTrue(accounts.read(8617000000001L, again));
        assertEquals(2, again.version());
        assertEquals(1_000_000, again.reservedMicros());
        assertEquals(1000, again.reservedUnits(0));
        assertEquals(42, again.lastJournalSeq());
        assertEquals(1, accounts.count());
    }

    @Test
    void readOfMissingAccountLeavesTargetUntouched() {
        Account a = new Account().clear(5).moneyMicros(77);
        assertFalse(accounts.read(6, a));
        assertEquals(77, a.moneyMicros());
        assertEquals(5, a.accountId());
    }

    @Test
    void sixteenBucketsRoundTripAndBucketsShrinkAgain() {
        Account a = new Account().clear(9);
        for (int i = 0; i < Account.MAX_BUCKETS; i++) {
            assertEquals(i, a.addBucket(i, 1000L * i, 10L * i, i % 3, 7));
        }
        assertEquals(-1, a.addBucket(1, 1, 1, 1, 1));
        accounts.write(a);
        Account back = new Account();
        assertTrue(accounts.read(9, back));
        assertTrue(back.sameStateAs(a));
        back.removeBucket(0);
        back.removeBucket(back.findBucket(16));
        accounts.write(back);
        Account small = new Account();
        assertTrue(accounts.read(9, small));
        assertEquals(14, small.bucketCount());
        assertEquals(2, small.bucketId(0));
        assertEquals(-1, small.findBucket(16));
    }

    @Test
    void readAndWriteDoNotAllocate() {
        for (long id = 1; id <= 1000; id++) {
            Account a = new Account().clear(id).moneyMicros(id * 1000);
            a.addBucket(1, 1_000_000, 0, 0, 0);
            a.addBucket(2, 100, 0, 0, 0);
            accounts.write(a);
        }
        Account reused = new Account();
        long[] i = {0};
        double perOp = Allocations.bytesPerOp(20_000, 100_000, () -> {
            long id = 1 + (i[0]++ % 1000);
            accounts.read(id, reused);
            reused.moneyMicros(reused.moneyMicros() - 1).remainingUnits(0, reused.remainingUnits(0) - 1);
            accounts.write(reused);
        });
        System.out.printf("AccountStore read+write: %.3f bytes allocated per call pair%n", perOp);
        assertTrue(perOp < 1.0, "bytes per read+write: " + perOp);
    }
}
