package io.gyro.engine.store;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a regular test (skipped unless {@code -Dgyro.measure=true}): fills N subscribers and accounts
 * ({@code -Dgyro.measure.entries}, default 1,000,000), then prints how long a clean reopen and a reopen
 * with recovery take.
 */
@EnabledIfSystemProperty(named = "gyro.measure", matches = "true")
class StoreOpenMeasurement {
    @TempDir
    Path dir;

    @Test
    void openAndRecoveryTimes() throws Exception {
        int n = Integer.getInteger("gyro.measure.entries", 1_000_000);
        StoreConfig cfg = new StoreConfig(n, 200_000);
        long t0 = System.nanoTime();
        try (Stores stores = Stores.open(dir, cfg)) {
            Account a = new Account();
            Subscriber s = new Subscriber();
            for (long i = 1; i <= n; i++) {
                a.clear(8617000000000L + i).moneyMicros(50_000_000L);
                a.addBucket(1, 1L << 30, 0, 0, 0);
                a.addBucket(2, 100, 0, 0, 0);
                stores.accounts().write(a);
                s.clear().msisdn(8617000000000L + i).imsi(460990000000000L + i).accountId(8617000000000L + i)
                        .packageId("basic");
                stores.subscribers().create(s);
            }
        }
        System.out.printf("MEASURE fill %d accounts + %d subscribers: %d ms%n", n, n, (System.nanoTime() - t0) / 1_000_000);
        try (Stores stores = Stores.open(dir, cfg)) {
            System.out.printf("MEASURE clean reopen: %d ms (recovered=%s)%n", stores.openMillis(), stores.recovered());
        }
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        try (Stores stores = Stores.open(dir, cfg)) {
            System.out.printf("MEASURE reopen with recovery (+ IMSI index check): %d ms (recovered=%s, repairs=%d)%n",
                    stores.openMillis(), stores.recovered(), stores.imsiIndexRepairs());
        }
        try (var files = Files.list(dir)) {
            files.forEach(f -> {
                try {
                    System.out.printf("MEASURE file %s: %d MiB apparent%n", f.getFileName(), Files.size(f) >> 20);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }
}
