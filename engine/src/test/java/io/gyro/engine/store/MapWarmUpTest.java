package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapWarmUpTest {
    private static final StoreConfig SMALL = new StoreConfig(10_000, 5_000);

    @TempDir
    Path dir;

    @Test
    void rangesOfTakesOnlyTheLinesOfThatFile() {
        Path file = Path.of("/data/gyro/subscribers.cm3");
        List<String> lines = List.of(
                "7f0000000000-7f0000400000 rw-s 00000000 fe:00 11 /data/gyro/subscribers.cm3",
                "7f0000400000-7f0000500000 rw-s 00000000 fe:00 12 /data/gyro/subscribers.cm3.tmp",
                "7f0000500000-7f0000600000 rw-s 00000000 fe:00 13 /data/gyro/accounts-00.cm3",
                "7f0000600000-7f0000601000 rw-p 00000000 00:00 0 ",
                "7f0001000000-7f0001200000 rw-s 00400000 fe:00 11 /data/gyro/subscribers.cm3");
        assertEquals(List.of(new MapWarmUp.Range(0x7f0000000000L, 0x7f0000400000L),
                        new MapWarmUp.Range(0x7f0001000000L, 0x7f0001200000L)),
                MapWarmUp.rangesOf(lines, file));
    }

    @Test
    void warmUpMapsTheSubscriberAndAccountFilesAndChangesNothing() throws Exception {
        Subscriber s = new Subscriber().msisdn(8617000000001L).imsi(460990000000001L).accountId(8617000000001L)
                .packageId("basic");
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertEquals(SubscriberStore.Result.OK, stores.subscribers().create(s));
            assertTrue(stores.accounts().create(new Account().clear(8617000000001L).moneyMicros(50_000_000L)));
            assertNull(stores.warmUp());
            stores.startWarmUp();
            stores.startWarmUp();   // idempotent
            MapWarmUp warmUp = stores.warmUp();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!warmUp.finished() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(warmUp.finished());
            long mapped = 0;
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.ISO_8859_1);
            for (String name : List.of(SubscriberStore.FILE_NAME, AccountStore.FILE_NAME, SubscriberStore.IMSI_FILE_NAME)) {
                for (MapWarmUp.Range r : MapWarmUp.rangesOf(maps, dir.resolve(name))) {
                    mapped += r.end() - r.start();
                }
            }
            assertTrue(mapped > 0);
            // 0 on a kernel without MADV_POPULATE_READ (the warm-up then logs why and does nothing)
            assertTrue(warmUp.bytesDone() == mapped || warmUp.bytesDone() == 0,
                    "warmed " + warmUp.bytesDone() + " of " + mapped);
            Subscriber back = new Subscriber();
            assertTrue(stores.subscribers().findByMsisdn(8617000000001L, back));
            assertEquals(460990000000001L, back.imsi());
        }
        assertTrue(Files.exists(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER)));
    }

    @Test
    void closeStopsARunningWarmUpBeforeTheMapsAreUnmapped() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            stores.startWarmUp();
        }
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertFalse(stores.recovered());
        }
    }
}
