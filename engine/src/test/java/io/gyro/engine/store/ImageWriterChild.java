package io.gyro.engine.store;

import java.nio.file.Path;

import io.gyro.engine.wal.WalConfig;
import net.openhft.chronicle.hash.locks.InterProcessReadWriteUpdateLock;
import net.openhft.chronicle.map.MapSegmentContext;

/**
 * Child process of {@link AccountImageKillTest}: opens a data directory with its accounts in an image, creates
 * accounts and rewrites each several times (in place), then takes the write lock of one segment of one account map
 * (the state a kill -9 inside an account write leaves), prints {@code LOCKED} and waits to be killed. Not a test.
 */
public final class ImageWriterChild {
    private ImageWriterChild() {
    }

    public static void main(String[] args) throws Exception {
        // args: data dir, image root, accounts, rewrites per account
        Path data = Path.of(args[0]);
        int accounts = Integer.parseInt(args[2]);
        int rewrites = Integer.parseInt(args[3]);
        Stores stores = Stores.open(data, new StoreConfig(20_000, 1_000), WalConfig.defaults(), Path.of(args[1]));
        Account a = new Account();
        for (int round = 0; round <= rewrites; round++) {
            for (long id = 1; id <= accounts; id++) {
                if (!stores.accounts().read(id, a)) {
                    a.clear(id);
                }
                stores.accounts().write(a.moneyMicros(id * 1000 + round));
            }
        }
        stores.appliedSeqSink().accept(1);
        MapSegmentContext<LongKey, Account, ?> c = stores.accounts().shardMap(0).segmentContext(0);
        ((InterProcessReadWriteUpdateLock) c).writeLock().lock();
        System.out.println("LOCKED");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
