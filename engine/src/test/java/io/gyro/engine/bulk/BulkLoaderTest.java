package io.gyro.engine.bulk;

import io.gyro.engine.EngineConfig;
import io.gyro.engine.pipeline.Admin;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.gyro.engine.store.Subscriber;
import io.gyro.engine.store.SubscriberStore;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bulk loader against a temporary data directory, without an engine: what it writes, that a second
 * run skips what exists, and that every bad input is refused before anything is written. The end-to-end
 * check (an engine started on a bulk-loaded directory charges its subscribers) is
 * {@code io.gyro.engine.BulkLoadEndToEndTest}.
 */
class BulkLoaderTest {
    private static final long NOW_MS = 1_795_600_000_000L;
    private static final long FIRST_MSISDN = 8617100000001L;
    private static final long FIRST_IMSI = 460991000000001L;

    @TempDir
    Path root;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(out, true, StandardCharsets.UTF_8);

    private EngineConfig config(Path dataDir, long maxSubscribers) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("dataDir", dataDir.toString());
        o.put("catalogue", repoRoot().resolve("config/catalogue.yaml").toString());
        o.put("stores.maxSubscribers", String.valueOf(maxSubscribers));
        o.put("stores.maxSessions", "1000");
        o.put("stores.maxEndedSessions", "2000");
        return EngineConfig.load(null, o);
    }

    private static BulkLoader.Plan plan(long count) {
        return new BulkLoader.Plan(FIRST_MSISDN, FIRST_IMSI, count, "basic", 50_000_000L, true, false);
    }

    @Test
    void theManifestRecordsTheMoneyEachAccountStartsWithAfterAChargedFirstPeriod() throws Exception {
        Path dir = root.resolve("data");
        BulkLoader.load(config(dir, 100), new BulkLoader.Plan(FIRST_MSISDN, FIRST_IMSI, 10, "basic", 50_000_000L,
                false, false), progress, NOW_MS);
        long money;
        try (Stores stores = Stores.open(dir, new StoreConfig(100, 1_000))) {
            Account a = new Account();
            assertTrue(stores.accounts().read(FIRST_MSISDN + 9, a));
            money = a.moneyMicros();
        }
        assertTrue(money < 50_000_000L, "the first fee was charged: " + money);
        String line = Files.readAllLines(dir.resolve(BulkLoader.MANIFEST)).get(0);
        assertTrue(line.contains("\"openingMoneyMicros\":" + money + ","), line);
    }

    @Test
    void loadsEveryOneOfTheRangeThenASecondRunSkipsThem() throws Exception {
        Path dir = root.resolve("data");
        BulkLoader.Report first = BulkLoader.load(config(dir, 5_000), plan(2_000), progress, NOW_MS);
        assertEquals(2_000, first.created());
        assertEquals(0, first.skipped());
        assertEquals(2_000, first.totalSubscribers());

        // Restartable: the same command again (e.g. after a kill) creates nothing twice.
        BulkLoader.Report again = BulkLoader.load(config(dir, 5_000), plan(2_500), progress, NOW_MS);
        assertEquals(500, again.created());
        assertEquals(2_000, again.skipped());
        assertEquals(2_500, again.totalSubscribers());

        assertEquals(new StoreConfig(5_000, 1_000, 2_000), Stores.recordedCapacity(dir));
        List<String> manifest = Files.readAllLines(dir.resolve(BulkLoader.MANIFEST));
        assertEquals(2, manifest.size());
        assertTrue(manifest.get(0).contains("\"created\":2000") && manifest.get(0).contains("\"balanceMicros\":50000000"),
                manifest.get(0));
        assertFalse(Files.exists(dir.resolve("journal")), "no charging records by default");

        try (Stores stores = Stores.open(dir, new StoreConfig(5_000, 1_000))) {
            assertFalse(stores.recovered());
            Subscriber s = new Subscriber();
            assertTrue(stores.subscribers().findByImsi(FIRST_IMSI + 2_499, s));
            assertEquals(FIRST_MSISDN + 2_499, s.msisdn());
            assertTrue(s.packageIdEquals("basic"));
            Account a = new Account();
            assertTrue(stores.accounts().read(FIRST_MSISDN + 2_499, a));
            assertEquals(50_000_000L, a.moneyMicros());
            assertEquals(3, a.bucketCount(), "the package's data, voice and SMS allowances");
            assertEquals(0, a.lastJournalSeq());
        }
    }

    @Test
    void journalOptionWritesTheApiRecordsPerSubscriber() throws Exception {
        Path dir = root.resolve("data");
        BulkLoader.Plan plan = new BulkLoader.Plan(FIRST_MSISDN, FIRST_IMSI, 10, "basic", 50_000_000L, false, true);
        BulkLoader.load(config(dir, 1_000), plan, progress, NOW_MS);
        long lines;
        try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
            lines = files.mapToLong(f -> {
                try {
                    return Files.readAllLines(f).size();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
        assertEquals(20, lines, "opening balance and first fee, for each of 10");
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 1_000))) {
            Account a = new Account();
            assertTrue(stores.accounts().read(FIRST_MSISDN + 9, a));
            assertEquals(50_000_000L - 19_000_000L, a.moneyMicros(), "the basic fee of 19.00 paid");
            assertEquals(20, a.lastJournalSeq());
        }
    }

    @Test
    void badInputIsRefusedAndNothingIsWritten() throws Exception {
        Path dir = root.resolve("data");
        EngineConfig cfg = config(dir, 1_000);
        assertRefused(cfg, plan(1_001), "exceeds stores.maxSubscribers=1000");
        assertRefused(cfg, plan(0), "count=0");
        assertRefused(cfg, new BulkLoader.Plan(FIRST_MSISDN, FIRST_IMSI, 10, "gold-plated", 0, true, false),
                "package=gold-plated: no such package");
        assertRefused(cfg, new BulkLoader.Plan(FIRST_MSISDN, FIRST_IMSI, 10, "roaming-addon", 0, true, false),
                "is an add-on");
        assertRefused(cfg, new BulkLoader.Plan(999_999_999_999_990L, FIRST_IMSI, 20, "basic", 0, true, false),
                "must all have 5 to 15 digits");
        assertRefused(cfg, new BulkLoader.Plan(1234, FIRST_IMSI, 20, "basic", 0, true, false),
                "first-msisdn=1234");
        assertRefused(cfg, new BulkLoader.Plan(FIRST_MSISDN, FIRST_IMSI, 10, "basic", -1, true, false),
                "must not be negative");
        assertRefused(cfg, new BulkLoader.Plan(FIRST_MSISDN, FIRST_IMSI, 10, "basic", 1_000_000L, false, false),
                "cannot pay the first fee");
        assertFalse(Files.exists(dir), "nothing created");
    }

    @Test
    void aDirectoryKeepsTheCapacityItWasCreatedWith() throws Exception {
        Path dir = root.resolve("data");
        BulkLoader.load(config(dir, 1_000), plan(900), progress, NOW_MS);
        // Configuring more later does not make the existing maps bigger: refused, and nothing changes.
        BulkLoader.Refused refused = assertThrows(BulkLoader.Refused.class, () -> BulkLoader.load(config(dir, 50_000),
                new BulkLoader.Plan(FIRST_MSISDN + 900, FIRST_IMSI + 900, 200, "basic", 0, true, false), progress, NOW_MS));
        assertTrue(refused.getMessage().contains("created for stores.maxSubscribers=1000"), refused.getMessage());
        // A re-run of the first load still fits: what exists is not counted twice.
        BulkLoader.Report again = BulkLoader.load(config(dir, 50_000), plan(1_000), progress, NOW_MS);
        assertEquals(100, again.created());
        assertEquals(1_000, again.capacity());
    }

    @Test
    void anImsiOfTheRangeInUseStopsTheLoadAtThatSubscriber() throws Exception {
        Path dir = root.resolve("data");
        BulkLoader.load(config(dir, 1_000), new BulkLoader.Plan(8617900000001L, FIRST_IMSI + 5, 1, "basic", 0, true,
                false), progress, NOW_MS);
        BulkLoader.Aborted aborted = assertThrows(BulkLoader.Aborted.class,
                () -> BulkLoader.load(config(dir, 1_000), plan(10), progress, NOW_MS));
        assertTrue(aborted.getMessage().contains("imsi=" + (FIRST_IMSI + 5)), aborted.getMessage());
        assertEquals(5, aborted.report.created());
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 1_000))) {
            assertEquals(6, stores.subscribers().count());
            assertEquals(6, stores.accounts().count(), "no account without its subscriber");
        }
    }

    @Test
    void aDataDirectoryInUseIsRefused() throws Exception {
        Path dir = root.resolve("data");
        try (Stores ignored = Stores.open(dir, new StoreConfig(1_000, 1_000))) {
            BulkLoader.Refused refused = assertThrows(BulkLoader.Refused.class,
                    () -> BulkLoader.load(config(dir, 1_000), plan(10), progress, NOW_MS));
            assertTrue(refused.getMessage().contains("stop the engine"), refused.getMessage());
            assertEquals(0, ignored.subscribers().count());
        }
    }

    /**
     * The accounts live in memory and reach a file only in the account snapshot the loader's clean close writes; its
     * subscribers go to their map file as they are created. A kill -9 of a load (without {@code journal=true}, so no
     * record keeps the accounts either) therefore leaves subscribers without accounts, which the documented remedy, the
     * same command again, used to skip as "already there": charging them then fails for good.
     */
    @Test
    void aLoadKilledBeforeItsAccountsReachedASnapshotIsFinishedByRunningItAgain() throws Exception {
        Path dir = root.resolve("data");
        CatalogueLoadResult loaded = CatalogueLoader.load(repoRoot().resolve("config/catalogue.yaml"));
        assertTrue(loaded.ok());
        Catalogue catalogue = loaded.catalogue();
        int pkg = catalogue.packageIndex("basic");
        // What the loader does for the first 300 of 1,000 subscribers, then the kill: no close, no snapshot, no marker.
        Map<Long, Account> made = new LinkedHashMap<>();
        Stores killed = Stores.open(dir, new StoreConfig(5_000, 1_000, 2_000));
        Subscriber sub = new Subscriber();
        Account account = new Account();
        for (int i = 0; i < 300; i++) {
            Admin.openingState(catalogue, pkg, FIRST_MSISDN + i, FIRST_IMSI + i, 50_000_000L, true, NOW_MS, sub, account,
                    new Wallet(), null);
            assertTrue(killed.accounts().create(account));
            assertEquals(SubscriberStore.Result.OK, killed.subscribers().create(sub));
            made.put(account.accountId(), new Account().copyFrom(account));
        }
        killed.closeAsIfKilled();

        // The same command again, an hour later.
        BulkLoader.Report again = BulkLoader.load(config(dir, 5_000), plan(1_000), progress, NOW_MS + 3_600_000L);
        assertEquals(700, again.created());
        assertEquals(300, again.skipped());
        assertEquals(300, again.accountsRestored());
        try (Stores stores = Stores.open(dir, new StoreConfig(5_000, 1_000))) {
            assertEquals(1_000, stores.subscribers().count());
            assertEquals(1_000, stores.accounts().count(), "every subscriber has its account");
            Account back = new Account();
            for (Account want : made.values()) {
                assertTrue(stores.accounts().read(want.accountId(), back), "account " + want.accountId());
                assertTrue(want.sameStateAs(back), "built again as the killed run built it: expected " + want
                        + ", found " + back);
            }
        }
        assertTrue(Files.readAllLines(dir.resolve(BulkLoader.MANIFEST)).get(0).contains("\"accountsRestored\":300"));
    }

    /**
     * A directory a killed engine left needs the engine's start-up recovery: its accounts come from a snapshot taken
     * while the engine charged, and only a start that knows the stop was unclean recomputes every reservation from
     * the open sessions (a reservation made after the snapshot is in no record). A bulk load in between must not
     * close the directory as if that recovery had happened.
     */
    @Test
    void aLoadIntoADirectoryAKilledEngineLeftLeavesItToTheEnginesRecovery() throws Exception {
        Path dir = root.resolve("data");
        BulkLoader.load(config(dir, 5_000), plan(100), progress, NOW_MS);
        Stores engine = Stores.open(dir, new StoreConfig(5_000, 1_000, 2_000));
        assertFalse(engine.recovered());
        engine.closeAsIfKilled();                           // the engine ran on it, then kill -9

        BulkLoader.load(config(dir, 5_000), new BulkLoader.Plan(FIRST_MSISDN + 100, FIRST_IMSI + 100, 50, "basic",
                50_000_000L, true, false), progress, NOW_MS);
        try (Stores stores = Stores.open(dir, new StoreConfig(5_000, 1_000))) {
            assertTrue(stores.recovered(), "the next start still sees the kill and recovers");
            assertEquals(150, stores.accounts().count(), "what the load created is kept");
        }
        try (Stores stores = Stores.open(dir, new StoreConfig(5_000, 1_000))) {
            assertFalse(stores.recovered(), "once that start closed cleanly, the directory is clean");
        }
    }

    private void assertRefused(EngineConfig cfg, BulkLoader.Plan plan, String expected) {
        BulkLoader.Refused refused = assertThrows(BulkLoader.Refused.class,
                () -> BulkLoader.load(cfg, plan, progress, NOW_MS));
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !p.resolve("config/catalogue.yaml").toFile().exists()) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (config/catalogue.yaml)");
        }
        return p;
    }
}
