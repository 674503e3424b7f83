package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import net.openhft.chronicle.map.ChronicleMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A data directory of the version before account snapshots (accounts in file-backed Chronicle Maps: {@code accounts.cm3},
 * or {@code accounts-00.cm3} .. {@code -15.cm3} for a store sharded 16 ways) is converted at its first open: every
 * account is copied into memory with its exact state, a snapshot at journal seq 0 is written (so the start rolls the
 * whole journal forward over it, which is idempotent), and the old files are deleted. A second open reads the same
 * accounts from that snapshot.
 *
 * <p>The directory is built here as that version left it: {@value Stores#CAPACITY_FILE} with the capacities and the
 * shard count, the account maps created with {@code AccountStore.legacyBuilder(entries).createPersistedTo(file)} and written
 * as it wrote them ({@link InPlaceWrites} with entry checksums, each account in the shard of its id), the subscriber map
 * and its IMSI index, its {@code recent-account-writes} ring and {@code journal-checkpoint} file, and the clean-shutdown
 * marker or not.
 */
class StoresLegacyConversionTest {
    private static final StoreConfig CAPACITY = new StoreConfig(20_000, 1_000, 2_000);
    private static final long FIRST_MSISDN = 8617000000001L;
    private static final long FIRST_IMSI = 460990000000001L;
    private static final int ACCOUNTS = 3_000;
    private static final long T0 = 1_772_359_200_000L;
    private static final String SNAPSHOT_AT_ZERO = String.format("accounts-%020d.snap", 0);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} account file(s), closed cleanly: {1}")
    @CsvSource({"1, true", "1, false", "16, true", "16, false"})
    void everyAccountOfThePreviousVersionsFilesIsInTheFirstSnapshotAndTheFilesAreGone(int shards, boolean clean)
            throws Exception {
        Map<Long, Account> expected = legacyDirectory(shards, clean);
        List<Path> oldFiles = accountFiles(shards);
        oldFiles.forEach(f -> assertTrue(Files.exists(f), f + " made as the previous version made it"));

        try (Stores stores = Stores.open(dir, CAPACITY)) {
            assertEquals(!clean, stores.recovered(), "an unclean stop of the previous version is seen as one");
            assertEquals(0, stores.accountSnapshotSeq(), "the first snapshot starts at seq 0: the whole journal follows");
            assertSameAccounts(expected, stores.accounts(), "after the conversion");
            assertSubscribers(stores);
        }
        for (Path f : oldFiles) {
            assertFalse(Files.exists(f), f + " deleted after the conversion");
        }
        assertFalse(Files.exists(dir.resolve("recent-account-writes")), "the file maps' recovery aid is gone");
        assertTrue(Files.exists(dir.resolve("snapshots").resolve(SNAPSHOT_AT_ZERO)), "the first account snapshot");

        try (Stores stores = Stores.open(dir, CAPACITY)) {
            assertFalse(stores.recovered());
            assertEquals(0, stores.accountSnapshotSeq());
            assertSameAccounts(expected, stores.accounts(), "read back from the snapshot");
            assertSubscribers(stores);
        }
        assertEquals(List.of(SNAPSHOT_AT_ZERO), accountSnapshots(), "nothing changed: no second snapshot");
    }

    /**
     * The conversion deletes the old files after its snapshot is in place; a kill -9 in the middle of that deletion
     * leaves some of them. The next open must finish the job from the snapshot, not refuse the directory for a
     * "missing" shard (which tells the operator to restore the files or start from an empty directory).
     */
    @ParameterizedTest(name = "{0} account file(s)")
    @CsvSource({"1", "16"})
    void aConversionKilledWhileItDeletedTheOldFilesIsFinishedByTheNextOpen(int shards) throws Exception {
        Map<Long, Account> expected = legacyDirectory(shards, true);
        List<Path> oldFiles = accountFiles(shards);
        Path aside = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-aside"));
        for (Path f : oldFiles) {
            Files.copy(f, aside.resolve(f.getFileName()));
        }

        Stores converting = Stores.open(dir, CAPACITY);
        assertEquals(0, converting.accountSnapshotSeq());
        converting.closeAsIfKilled();
        // the kill came after the first file was deleted: every other one is still there
        for (Path f : oldFiles.subList(1, oldFiles.size())) {
            Files.copy(aside.resolve(f.getFileName()), f, StandardCopyOption.REPLACE_EXISTING);
        }
        if (shards == 1) {
            // one file: the kill came after the snapshot's rename and before the file's deletion
            Files.copy(aside.resolve(oldFiles.get(0).getFileName()), oldFiles.get(0));
        }

        try (Stores stores = Stores.open(dir, CAPACITY)) {
            assertTrue(stores.recovered());
            assertEquals(0, stores.accountSnapshotSeq());
            assertSameAccounts(expected, stores.accounts(), "after the interrupted conversion");
        }
        for (Path f : oldFiles) {
            assertFalse(Files.exists(f), f + " deleted");
        }
        try (Stores stores = Stores.open(dir, CAPACITY)) {
            assertFalse(stores.recovered());
            assertSameAccounts(expected, stores.accounts(), "read back from the snapshot");
        }
    }

    /**
     * Writes the directory the previous version left: its capacity file, the account map file(s) and the subscriber
     * maps, the recovery aids, and the clean-shutdown marker when {@code clean}.
     *
     * @return every account as written, by id
     */
    private Map<Long, Account> legacyDirectory(int shards, boolean clean) throws Exception {
        Files.writeString(dir.resolve(Stores.CAPACITY_FILE),
                "# capacities the Chronicle Map files were created with; never edit\n"
                        + "maxSubscribers=" + CAPACITY.maxSubscribers() + "\nmaxSessions=" + CAPACITY.maxSessions()
                        + "\nmaxEndedSessions=" + CAPACITY.maxEndedSessions() + "\naccountShards=" + shards + "\n",
                StandardCharsets.US_ASCII);
        @SuppressWarnings("unchecked")
        ChronicleMap<LongKey, Account>[] maps = new ChronicleMap[shards];
        for (int i = 0; i < shards; i++) {
            maps[i] = AccountStore.legacyBuilder(AccountStore.entriesPerShard(CAPACITY.maxSubscribers(), shards))
                    .createPersistedTo(dir.resolve(AccountStore.fileName(i, shards)).toFile());
        }
        ChronicleMap<LongKey, Subscriber> byMsisdn = SubscriberStore.builder(CAPACITY.maxSubscribers())
                .createPersistedTo(dir.resolve(SubscriberStore.FILE_NAME).toFile());
        ChronicleMap<LongKey, LongKey> byImsi = SubscriberStore.imsiBuilder(CAPACITY.maxSubscribers())
                .createPersistedTo(dir.resolve(SubscriberStore.IMSI_FILE_NAME).toFile());
        Map<Long, Account> expected = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(shards * 31L + (clean ? 1 : 0));
        LongKey key = new LongKey();
        try {
            SubscriberStore subscribers = new SubscriberStore(byMsisdn, byImsi);
            for (int n = 0; n < ACCOUNTS; n++) {
                long id = FIRST_MSISDN + n;
                Account a = new Account().clear(id)
                        .moneyMicros(random.nextLong(0, 1_000_000_000_000L))
                        .lastJournalSeq(random.nextLong(0, 5_000_000))
                        .version(random.nextLong(1, 10_000));
                int buckets = n % (Account.MAX_BUCKETS + 1);   // 0 to 16 buckets: every value size
                long reserved = 0;
                for (int b = 0; b < buckets; b++) {
                    long units = random.nextLong(1, 10_000_000_000L);
                    long held = random.nextInt(4) == 0 ? random.nextLong(0, units) : 0;
                    a.putBucket(1 + b * 7L, random.nextInt(12), units, held, T0 + random.nextLong(0, 90 * 86_400_000L),
                            random.nextInt(100), random.nextInt(-1, 40));
                    reserved += held == 0 ? 0 : 1;
                }
                a.nextBucketId(1 + buckets * 7L + random.nextInt(5));
                a.reservedMicros(reserved == 0 ? 0 : random.nextLong(0, a.moneyMicros() + 1));
                InPlaceWrites.write(maps[AccountStore.shardOf(id, shards - 1)], key.set(id), a,
                        AccountMarshaller.INSTANCE);
                expected.put(id, new Account().copyFrom(a));
                assertEquals(SubscriberStore.Result.OK, subscribers.create(new Subscriber().msisdn(id)
                        .imsi(FIRST_IMSI + n).accountId(id).packageId("basic").createdMs(T0)));
            }
        } finally {
            for (ChronicleMap<LongKey, Account> m : maps) {
                m.close();
            }
            byMsisdn.close();
            byImsi.close();
        }
        // The previous version's recovery aids: the ring of recent account writes (only deleted) and the checkpoint
        // file (the engine's start deletes it; a store open ignores it).
        Files.write(dir.resolve("recent-account-writes"), new byte[8 * 4096 + 16]);
        ByteBuffer checkpoint = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        checkpoint.putLong(0x323054504B435947L).putLong(4_999_999L).putLong(123_456L);
        Files.write(dir.resolve("journal-checkpoint"), checkpoint.array());
        if (clean) {
            Files.writeString(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER), "closed cleanly\n");
        }
        return expected;
    }

    private List<Path> accountFiles(int shards) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            files.add(dir.resolve(AccountStore.fileName(i, shards)));
        }
        return files;
    }

    private List<String> accountSnapshots() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("accounts-")).sorted().toList();
        }
    }

    private static void assertSameAccounts(Map<Long, Account> expected, AccountStore accounts, String when) {
        assertEquals(expected.size(), accounts.count(), "accounts " + when);
        Account back = new Account();
        for (Account want : expected.values()) {
            assertTrue(accounts.read(want.accountId(), back), "account " + want.accountId() + " " + when);
            assertTrue(want.sameStateAs(back), when + ": expected " + want + ", found " + back);
        }
    }

    private static void assertSubscribers(Stores stores) {
        assertEquals(ACCOUNTS, stores.subscribers().count());
        Subscriber s = new Subscriber();
        assertTrue(stores.subscribers().findByImsi(FIRST_IMSI + ACCOUNTS - 1, s));
        assertEquals(FIRST_MSISDN + ACCOUNTS - 1, s.accountId());
    }
}
