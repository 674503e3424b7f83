package io.gyro.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.map.ChronicleMap;
import io.gyro.engine.wal.WalConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens and closes the Chronicle Map files of a data directory: accounts, subscribers (+ IMSI index)
 * and sessions (live and ended). Called from the lifecycle thread at start and stop; the stores it hands out belong to
 * the charging processor thread.
 *
 * <p>Clean-shutdown marker: {@link #close()} writes {@value #CLEAN_SHUTDOWN_MARKER} after every map is
 * closed; {@link #open} deletes it before opening anything. If map files exist but the marker does
 * not, the last run did not close (kill -9, power cut, crash during open): every map is opened and its
 * segment locks are probed, and a map where the dead process left a lock is reopened with
 * {@code recoverPersistedTo(file, true)} (a held segment lock would otherwise make a later access block
 * for 60 s and then throw); see {@link MapOpening#openAll} for why the others need no recovery. After such a recovery the IMSI index is repaired, and
 * the caller must reconcile accounts with the journal ({@code io.gyro.engine.cdr.JournalRecovery}).
 * The IMSI index repair reads every subscriber (about 7 s per million here), so it runs only when
 * {@value #IMSI_DIRTY_FILE} says a subscriber was created or changed IMSI since the last clean close (the
 * file is made before the first such write of a run and removed at a clean close or after a repair), or
 * when the directory predates that file (no {@value #CAPACITY_FILE}).
 *
 * <pre>
 *   &lt;data&gt;/accounts.cm3        accounts of a version before account snapshots (or accounts-00.cm3 .. -15.cm3):
 *                               moved to the first account snapshot at the first open, then deleted
 *   &lt;data&gt;/subscribers.cm3     MSISDN -&gt; Subscriber
 *   &lt;data&gt;/imsi-index.cm3      IMSI -&gt; MSISDN
 *   &lt;data&gt;/session-log/       every session change; sessions themselves are in memory (SessionStore, SessionLog)
 *   &lt;data&gt;/snapshots/         the accounts' snapshots (AccountSnapshot; the accounts are in memory) and the
 *                               sessions' (SessionSnapshot)
 *   &lt;data&gt;/sessions.cm3        sessions of a version before the session log: moved to a snapshot, then deleted
 *   &lt;data&gt;/store-capacity      the capacities the maps were created with (see below)
 *   &lt;data&gt;/imsi-index.dirty    the IMSI index was written since the last clean close (see below)
 *   &lt;data&gt;/recent-account-writes  of a version before account snapshots: deleted with its account files
 *   &lt;data&gt;/journal-checkpoint  of a version before account snapshots: deleted by the engine's start
 *   &lt;data&gt;/topup-keys          idempotency keys of the last top-ups (pipeline.TopUpKeys)
 *   &lt;data&gt;/clean-shutdown      present only while nothing has the files open
 *   &lt;data&gt;/lock                OS lock held by the process that has the directory open
 *   &lt;data&gt;/journal/            CDR journal (io.gyro.engine.cdr.Journal)
 * </pre>
 *
 * <p>Capacity: a map's capacity is fixed when its file is created, and {@code recoverPersistedTo(file,
 * true)} lays the file out from the builder's configuration, not from the file's header. Opening a map
 * created for 10 million entries with a builder sized for 100 thousand would therefore mis-read it after
 * a kill -9. So the capacities are written to {@value #CAPACITY_FILE} when the maps are first created
 * (before any map file exists), and every later open builds the maps with those recorded values, whatever
 * {@link StoreConfig} says; {@link #capacity()} reports what is in effect. A directory made before this
 * file existed uses the configured values, as it always did. The session tables are in memory (SessionLog) and
 * take this run's {@code maxSessions} and {@code maxEndedSessions}, whatever the file records.
 */
public final class Stores implements AutoCloseable {
    public static final String CLEAN_SHUTDOWN_MARKER = "clean-shutdown";
    /** Account writes the image's ring remembers ({@link AccountImage}). */
    public static final int IMAGE_RING_SLOTS = AccountImage.RING_SLOTS;
    /** Held (OS file lock) while a process has the directory open; the OS drops it when the process dies. */
    public static final String LOCK_FILE = "lock";
    /**
     * {@code maxSubscribers=N}, {@code maxSessions=N}, {@code maxEndedSessions=N} and {@code accountShards=N}, written
     * once, before the maps are created.
     */
    public static final String CAPACITY_FILE = "store-capacity";
    /** Present while the IMSI index may miss an entry after a kill: made before the first index write of a run. */
    public static final String IMSI_DIRTY_FILE = "imsi-index.dirty";
    /** The ring of recent account writes the versions with file-backed accounts kept for their recovery. */
    static final String LEGACY_RECENT_WRITES_FILE = "recent-account-writes";
    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

    private final Path dataDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AccountStore accounts;
    private final AccountSnapshots accountSnapshots;
    private long loadedAccountSnapshotSeq;
    /** The accounts' working copy in a memory file system, or null when they are held in the process. */
    private AccountImage image;
    private long[] holdingReservationsAtLoad;
    private final SubscriberStore subscribers;
    private final SessionStore sessions;
    private final boolean recovered;
    private final long openMillis;
    private final int corruptions;
    private final int imsiIndexRepairs;
    private final StoreConfig capacity;
    private final boolean imsiIndexChecked;
    private final int mapsRecovered;
    private boolean closed;

    private Stores(Path dataDir, FileChannel lockChannel, FileLock lock, AccountStore accounts,
                   AccountSnapshots accountSnapshots, SubscriberStore subscribers, SessionStore sessions, boolean recovered, long openMillis, int corruptions, int imsiIndexRepairs, StoreConfig capacity,
                   boolean imsiIndexChecked, int mapsRecovered) {
        this.mapsRecovered = mapsRecovered;
        this.capacity = capacity;
        this.imsiIndexChecked = imsiIndexChecked;
        this.dataDir = dataDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.accounts = accounts;
        this.accountSnapshots = accountSnapshots;
        this.subscribers = subscribers;
        this.sessions = sessions;
        this.recovered = recovered;
        this.openMillis = openMillis;
        this.corruptions = corruptions;
        this.imsiIndexRepairs = imsiIndexRepairs;
    }

    /**
     * Opens (creating on first use) every map in {@code dataDir}, recovering them first when the last
     * run did not close cleanly.
     *
     * @throws IllegalStateException when another process (or another {@code Stores} in this JVM) has
     *                               the directory open; nothing is touched then
     */
    public static Stores open(Path dataDir, StoreConfig config) throws IOException {
        return open(dataDir, config, AccountStore.shardsFor(config.maxSubscribers()), WalConfig.defaults(), null);
    }

    /** As {@link #open(Path, StoreConfig)}, with the session log's settings (the engine's: fsync per batch ...). */
    public static Stores open(Path dataDir, StoreConfig config, WalConfig sessionLog) throws IOException {
        return open(dataDir, config, AccountStore.shardsFor(config.maxSubscribers()), sessionLog, null);
    }

    /**
     * As {@link #open(Path, StoreConfig, WalConfig)}, with the accounts' working copy kept as an {@link AccountImage}
     * under {@code imageRoot} (a memory file system; null: in the process only), so that a start after a kill maps it
     * again instead of loading a snapshot.
     */
    public static Stores open(Path dataDir, StoreConfig config, WalConfig sessionLog, Path imageRoot)
            throws IOException {
        return open(dataDir, config, AccountStore.shardsFor(config.maxSubscribers()), sessionLog, imageRoot);
    }

    /**
     * Takes the data directory's lock, or throws IllegalStateException when another process holds it. A second
     * opener must not delete the clean-shutdown marker or run recovery under a live process: a recovery that
     * cannot get Chronicle's exclusive lock leaves the files marked not-ready.
     */
    private static FileLock lockDataDir(Path dataDir) throws IOException {
        FileChannel channel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("data dir " + dataDir + " is in use by another process ("
                    + LOCK_FILE + " is locked)");
        }
        return lock;
    }

    /**
     * Opens the maps of an existing data directory that the last run closed cleanly, for an offline reader (the
     * audit): under the directory lock, it refuses a directory with no maps (nothing is created) and one whose
     * clean-shutdown marker is missing (that needs {@link #open}'s recovery and the journal roll-forward, which
     * write; the engine's start does both). Otherwise it opens as {@link #open} does, and {@link #close()} writes
     * the marker again.
     *
     * @throws IllegalStateException when another process has the directory open
     * @throws NotClosedCleanly      when the directory has no maps or was not closed cleanly; nothing is touched
     */
    public static Stores openStopped(Path dataDir, StoreConfig config) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            throw new NotClosedCleanly(dataDir + " is not a directory");
        }
        long startNs = System.nanoTime();
        FileLock lock = lockDataDir(dataDir);
        FileChannel lockChannel = lock.channel();
        try {
            if (!Files.exists(dataDir.resolve(SubscriberStore.FILE_NAME))) {
                throw new NotClosedCleanly(dataDir + " holds no subscriber map (" + SubscriberStore.FILE_NAME
                        + "): not a Gyro data directory");
            }
            if (!Files.exists(dataDir.resolve(CLEAN_SHUTDOWN_MARKER))) {
                throw new NotClosedCleanly(dataDir + " was not closed cleanly (" + CLEAN_SHUTDOWN_MARKER
                        + " missing: a kill -9, a crash or a power cut): its maps need Chronicle recovery and the "
                        + "journal roll-forward, which the engine's start does; start the engine once and stop it "
                        + "cleanly (e.g. gyro serve, then Ctrl-C), then audit");
            }
            return openLocked(dataDir, config, AccountStore.shardsFor(config.maxSubscribers()), lockChannel, lock,
                    startNs, WalConfig.defaults(), null);
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    /** {@link #openStopped} refused: the directory is not one a stopped engine closed cleanly. Nothing was touched. */
    public static final class NotClosedCleanly extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NotClosedCleanly(String message) {
            super(message);
        }
    }

    /**
     * As {@link #open(Path, StoreConfig)}, with the number of account shards a fresh directory is created with
     * (a power of two; tests use it to shard small stores). A directory that has its maps keeps its own count.
     */
    static Stores open(Path dataDir, StoreConfig config, int freshAccountShards) throws IOException {
        return open(dataDir, config, freshAccountShards, WalConfig.defaults(), null);
    }

    /** As {@link #open(Path, StoreConfig, int)}, with an account image under {@code imageRoot} (tests). */
    static Stores open(Path dataDir, StoreConfig config, int freshAccountShards, Path imageRoot) throws IOException {
        return open(dataDir, config, freshAccountShards, WalConfig.defaults(), imageRoot);
    }

    private static Stores open(Path dataDir, StoreConfig config, int freshAccountShards, WalConfig sessionLog,
                               Path imageRoot) throws IOException {
        long startNs = System.nanoTime();
        Files.createDirectories(dataDir);
        FileLock lock = lockDataDir(dataDir);
        FileChannel lockChannel = lock.channel();
        try {
            return openLocked(dataDir, config, freshAccountShards, lockChannel, lock, startNs, sessionLog, imageRoot);
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    private static Stores openLocked(Path dataDir, StoreConfig config, int freshAccountShards, FileChannel lockChannel,
                                     FileLock lock, long startNs, WalConfig sessionLogConfig, Path imageRoot)
            throws IOException {
        Path marker = dataDir.resolve(CLEAN_SHUTDOWN_MARKER);
        if (anyLegacyAccountFile(dataDir) && AccountSnapshot.any(dataDir)) {
            // The conversion below deletes the old account files once its snapshot is in place (an older version
            // never wrote one); a kill during that deletion left some of them. The snapshot holds every account:
            // the rest are deleted before the shard check below could take them for a store missing a shard.
            int deleted = deleteLegacyAccountFiles(dataDir);
            LOG.warn("data dir {}: {} account map file(s) left by a conversion to account snapshots that was "
                    + "interrupted after its snapshot: deleted (the snapshot holds their accounts)", dataDir, deleted);
        }
        StoreConfig recorded = recordedCapacity(dataDir);
        Path imsiDirty = dataDir.resolve(IMSI_DIRTY_FILE);
        String[] files = {AccountStore.FILE_NAME, AccountStore.fileName(0, AccountStore.MAX_SHARDS),
                SubscriberStore.FILE_NAME, SubscriberStore.IMSI_FILE_NAME, SessionStore.FILE_NAME};
        boolean anyMapFile = false;
        for (String f : files) {
            anyMapFile |= Files.exists(dataDir.resolve(f));
        }
        boolean fresh = recorded == null && !anyMapFile;
        // Checked before anything is touched: a bad count or a missing shard file refuses the open as it is.
        int accountShards = fresh ? freshAccountShards : accountShards(dataDir);
        boolean unclean = anyMapFile && !Files.exists(marker);
        // Deleted before anything is opened: a crash from here on is an unclean stop.
        Files.deleteIfExists(marker);
        if (fresh) {
            writeCapacity(dataDir, config, freshAccountShards);
            recorded = config;
        }
        if (recorded != null && !recorded.equals(config)) {
            LOG.info("data dir {}: maps were created for maxSubscribers={} maxSessions={} maxEndedSessions={} ({}); "
                            + "using those, not the configured maxSubscribers={} maxSessions={} maxEndedSessions={}",
                    dataDir, recorded.maxSubscribers(), recorded.maxSessions(), recorded.maxEndedSessions(),
                    CAPACITY_FILE, config.maxSubscribers(), config.maxSessions(), config.maxEndedSessions());
        }
        StoreConfig effective = recorded != null ? recorded : config;
        // A directory without the capacity file predates the dirty flag: its index state is unknown.
        boolean indexMayLack = recorded == null || Files.exists(imsiDirty);
        if (unclean) {
            LOG.warn("data dir {} was not closed cleanly ({} missing): opening every map with recovery",
                    dataDir, CLEAN_SHUTDOWN_MARKER);
        }

        AtomicInteger corruptions = new AtomicInteger();
        ChronicleHashCorruption.Listener listener = c -> {
            // The held lock that made us recover is reported too ("lock of segment N is not clear"); it is the
            // expected finding, not damage to the entries, so it is not counted (see corruptionsRepaired).
            if (!isHeldLockReport(c.message())) {
                corruptions.incrementAndGet();
            }
            LOG.warn("chronicle map recovery: segment {}: {}", c.segmentIndex(), c.message());
        };
        List<ChronicleMap<?, ?>> opened = new ArrayList<>();
        try {
            // After an unclean stop each map is opened as it is and its segment locks are probed; only a map
            // with a lock the dead process held is closed again and recovered, and those in parallel.
            // Accounts live in memory; the map files of an older version are opened once, copied, and deleted.
            boolean legacyAccounts = anyLegacyAccountFile(dataDir);
            List<MapOpening<LongKey, Account>> accountOpens = new ArrayList<>();
            for (int i = 0; legacyAccounts && i < accountShards; i++) {
                accountOpens.add(new MapOpening<>(AccountStore.legacyBuilder(
                        AccountStore.entriesPerShard(effective.maxSubscribers(), accountShards)),
                        dataDir, AccountStore.fileName(i, accountShards)));
            }
            MapOpening<LongKey, Subscriber> subscriberOpen = new MapOpening<>(SubscriberStore.builder(effective.maxSubscribers()),
                    dataDir, SubscriberStore.FILE_NAME);
            MapOpening<LongKey, LongKey> imsiOpen = new MapOpening<>(SubscriberStore.imsiBuilder(effective.maxSubscribers()),
                    dataDir, SubscriberStore.IMSI_FILE_NAME);
            // Sessions live in memory (SessionLog); a persisted map of an older version is read once, below.
            boolean legacySessions = Files.exists(dataDir.resolve(SessionStore.FILE_NAME));
            MapOpening<SessionKey, Session> sessionOpen = legacySessions ? new MapOpening<>(
                    SessionStore.legacyBuilder(effective.maxSessions()), dataDir, SessionStore.FILE_NAME) : null;
            List<MapOpening<?, ?>> openings = new ArrayList<>(accountOpens);
            openings.addAll(List.of(subscriberOpen, imsiOpen));
            if (sessionOpen != null) {
                openings.add(sessionOpen);
            }
            MapOpening.openAll(openings, unclean, listener, opened);
            long accountsStartNs = System.nanoTime();
            long perShard = AccountStore.entriesPerShard(effective.maxSubscribers(), accountShards);
            AccountStore accountStore = null;
            AccountSnapshots accountSnapshots = null;
            long[] holdingReservations = null;
            long loadedSeq = -1;
            String accountsFrom;
            AccountImage image = AccountImage.find(dataDir, accountShards, perShard);
            if (image != null && (!unclean || legacyAccounts)) {
                LOG.warn("account image {}: not used after a clean stop (the snapshot that stop wrote holds every "
                        + "account): deleted", image.dir());
                image.delete(dataDir);
                image = null;
            }
            if (image != null) {
                List<ChronicleMap<?, ?>> imageMaps = new ArrayList<>();
                try {
                    accountStore = AccountImage.openMaps(image, accountShards, perShard, true, listener, imageMaps, openings);
                    // The accounts whose reservations the sessions may not explain: the last written, or (after a
                    // run where a request failed half way) any: null makes start-up recovery check every account.
                    holdingReservations = image.wasHeld() ? null : image.recentWrites();
                    // Until this start's recovery finishes (recoveryFinished), a start after another kill, or an
                    // offline writer's run, must check every account: the ring will not name what this one left.
                    image.held();
                    loadedSeq = image.appliedSeq();
                    accountSnapshots = new AccountSnapshots(dataDir, accountStore, AccountSnapshot.newestSeq(dataDir));
                    opened.addAll(imageMaps);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("account image {} cannot be used ({}): deleted; the accounts come from the newest snapshot",
                            image.dir(), e.toString());
                    for (ChronicleMap<?, ?> m : imageMaps) {
                        m.close();
                    }
                    image.delete(dataDir);
                    image = null;
                    accountStore = null;
                }
            }
            if (accountStore != null) {
                accountsFrom = "the image " + image.dir() + " (every record up to seq " + loadedSeq + " in it)";
            } else {
                AccountImage.WithStore made = imageRoot == null ? null
                        : AccountImage.createWithMaps(imageRoot, dataDir, accountShards, perShard, listener, opened);
                image = made == null ? null : made.image();
                accountStore = made != null ? made.store() : AccountStore.inMemory(effective.maxSubscribers(), accountShards);
                if (legacyAccounts) {
                    // Upgrade: the accounts of the map files become the first snapshot (at seq 0: the whole journal is
                    // rolled forward over them at this start, which is idempotent), then the files go.
                    Account reused = new Account();
                    for (MapOpening<LongKey, Account> o : accountOpens) {
                        LongKey k = new LongKey();
                        AccountStore into = accountStore;
                        o.map.forEachEntry(e -> {
                            e.value().getUsing(reused);
                            reused.accountId = e.key().getUsing(k).value;
                            into.restore(reused);
                        });
                        opened.remove(o.map);
                        o.map.close();
                    }
                    accountSnapshots = new AccountSnapshots(dataDir, accountStore, -1);
                    accountSnapshots.takeNow(0);
                    deleteLegacyAccountFiles(dataDir);
                    loadedSeq = accountSnapshots.newestSeq();
                    LOG.info("data dir {}: {} accounts moved from their map files to the first account snapshot", dataDir,
                            accountStore.count());
                } else {
                    AccountSnapshot.Loaded loaded = AccountSnapshot.load(dataDir, accountStore);
                    if (loaded.file() == null && AccountSnapshot.any(dataDir)) {
                        throw new IOException(dataDir + ": no account snapshot could be read (see the warnings above); "
                                + "refusing to start with no accounts");
                    }
                    accountSnapshots = new AccountSnapshots(dataDir, accountStore, loaded.journalSeq());
                    holdingReservations = loaded.holdingReservations();
                    loadedSeq = loaded.journalSeq();
                }
                if (image != null) {
                    // Held until start-up recovery finishes: a snapshot may hold reservations no session backs, which
                    // only that recovery's recount settles; a start that dies first leaves the next one to check all.
                    image.held();
                    image.ready(loadedSeq);
                }
                accountsFrom = "the snapshot at journal seq " + loadedSeq + (image == null ? ", in memory"
                        : ", into the image " + image.dir());
            }
            long accountsMillis = (System.nanoTime() - accountsStartNs) / 1_000_000;
            ChronicleMap<LongKey, Subscriber> subscriberMap = subscriberOpen.map;
            ChronicleMap<LongKey, LongKey> imsiMap = imsiOpen.map;
            // Sessions live in memory, sized by this run's settings (SessionLog brings them back).
            SessionStore sessionStore = new SessionStore(config.maxSessions(), config.maxEndedSessions());
            SessionLog.Opened sessionLog = SessionLog.open(dataDir, sessionStore, sessionLogConfig);
            if (sessionOpen != null) {
                // Upgrade: the persisted sessions become the first snapshot, then the old file goes.
                Session reused = new Session();
                sessionOpen.map.forEachEntry(e -> {
                    e.key().getUsing(reused.id);
                    e.value().getUsing(reused);
                    sessionStore.apply(reused);
                });
                opened.remove(sessionOpen.map);
                sessionOpen.map.close();
                sessionLog.log.snapshotNow();
                Files.delete(dataDir.resolve(SessionStore.FILE_NAME));
                LOG.info("data dir {}: {} sessions moved from {} to the session log's first snapshot", dataDir,
                        sessionStore.count() + sessionStore.endedCount(), SessionStore.FILE_NAME);
            }
            StringBuilder recoveredNames = new StringBuilder();
            StringBuilder timings = new StringBuilder();
            int recoveredCount = 0;
            for (MapOpening<?, ?> o : openings) {
                timings.append(timings.length() == 0 ? "" : ", ").append(o.name).append(" open ").append(o.openMs)
                        .append(" ms, lock probe ").append(o.probeMs).append(" ms (").append(o.locksReset.get())
                        .append(" read locks reset), recovery ").append(o.recoverMs).append(" ms");
                if (o.recovered) {
                    recoveredCount++;
                    recoveredNames.append(recoveredNames.length() == 0 ? "" : ",").append(o.name)
                            .append('(').append(o.heldLocks).append(" write/update-locked segments)");
                }
            }
            SubscriberStore subscriberStore = new SubscriberStore(subscriberMap, imsiMap);
            long repairStartNs = System.nanoTime();
            int repairs = unclean && indexMayLack ? subscriberStore.repairImsiIndex() : 0;
            long repairMillis = (System.nanoTime() - repairStartNs) / 1_000_000;
            Files.deleteIfExists(imsiDirty);
            subscriberStore.onFirstIndexWrite(() -> {
                try {
                    Files.write(imsiDirty, new byte[0]);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot mark " + imsiDirty + " before an IMSI index write", e);
                }
            });
            long openMillis = (System.nanoTime() - startNs) / 1_000_000;
            LOG.info("stores open in {} ms (recovery={}, maps recovered={} [{}], corruptions={} (held locks not counted), "
                            + "imsi index checked={}, repairs={} in {} ms): {} accounts, {} subscribers, {} sessions, "
                            + "{} ended sessions", openMillis, unclean,
                    recoveredCount, recoveredNames, corruptions.get(), unclean && indexMayLack, repairs, repairMillis,
                    accountStore.count(), subscriberMap.longSize(), sessionStore.count(), sessionStore.endedCount());
            LOG.info("stores open: {}; accounts: {} from {} in {} ms; sessions: {} from the snapshot, {} log records applied, in {} ms", timings,
                    accountStore.count(), accountsFrom, accountsMillis,
                    sessionLog.snapshotSessions, sessionLog.logRecordsApplied, sessionLog.millis);
            Stores result = new Stores(dataDir, lockChannel, lock, accountStore, accountSnapshots, subscriberStore, sessionStore,
                    unclean, openMillis, corruptions.get(), repairs, effective, unclean && indexMayLack, recoveredCount);
            result.holdingReservationsAtLoad = holdingReservations;
            result.loadedAccountSnapshotSeq = loadedSeq;
            result.image = image;
            if (image != null) {
                accountStore.noteWritesIn(image);
            }
            return result;
        } catch (IOException | RuntimeException e) {
            for (ChronicleMap<?, ?> m : opened) {
                m.close();
            }
            throw e;
        }
    }

    /** Whether {@code dataDir} holds an account map file of the versions before account snapshots. */
    private static boolean anyLegacyAccountFile(Path dataDir) {
        boolean any = Files.exists(dataDir.resolve(AccountStore.FILE_NAME));
        for (int i = 0; i < AccountStore.MAX_SHARDS && !any; i++) {
            any = Files.exists(dataDir.resolve(AccountStore.fileName(i, AccountStore.MAX_SHARDS)));
        }
        return any;
    }

    /**
     * Deletes the account map files of the versions before account snapshots (either layout, every shard name) and
     * their ring of recent account writes. @return map files deleted
     */
    private static int deleteLegacyAccountFiles(Path dataDir) throws IOException {
        int deleted = Files.deleteIfExists(dataDir.resolve(AccountStore.FILE_NAME)) ? 1 : 0;
        for (int i = 0; i < AccountStore.MAX_SHARDS; i++) {
            deleted += Files.deleteIfExists(dataDir.resolve(AccountStore.fileName(i, AccountStore.MAX_SHARDS))) ? 1 : 0;
        }
        Files.deleteIfExists(dataDir.resolve(LEGACY_RECENT_WRITES_FILE));
        return deleted;
    }

    /**
     * The capacities recorded in {@code dataDir}'s {@value #CAPACITY_FILE}, or null when there is none (a
     * fresh directory, or one created before the file existed). Read without taking the directory lock, so
     * an offline tool can check a count against it before opening anything.
     *
     * @throws IOException when the file exists but cannot be read or parsed
     */
    public static StoreConfig recordedCapacity(Path dataDir) throws IOException {
        java.util.Properties p = capacityFile(dataDir);
        if (p == null) {
            return null;
        }
        try {
            // A directory from before the ended-session map records none until its next open (see the class doc).
            String ended = p.getProperty("maxEndedSessions");
            return new StoreConfig(Long.parseLong(p.getProperty("maxSubscribers", "").trim()),
                    Long.parseLong(p.getProperty("maxSessions", "").trim()),
                    ended == null ? StoreConfig.DEFAULT_MAX_ENDED_SESSIONS : Long.parseLong(ended.trim()));
        } catch (IllegalArgumentException e) {
            throw new IOException(dataDir.resolve(CAPACITY_FILE) + ": cannot read the recorded capacities ("
                    + e.getMessage() + ")", e);
        }
    }

    /** {@value #CAPACITY_FILE}'s properties, or null when there is none. */
    private static java.util.Properties capacityFile(Path dataDir) throws IOException {
        Path file = dataDir.resolve(CAPACITY_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            p.load(in);
        }
        return p;
    }

    /**
     * Account shards of {@code dataDir}: recorded in {@value #CAPACITY_FILE} (a directory from before shards
     * has none recorded and one file), and checked against the files, so that a missing shard is an error
     * instead of an empty map in its place.
     *
     * @throws IllegalStateException when the account files do not match the recorded count
     */
    static int accountShards(Path dataDir) throws IOException {
        int shards = 1;
        Path file = dataDir.resolve(CAPACITY_FILE);
        if (Files.exists(file)) {
            java.util.Properties p = new java.util.Properties();
            try (var in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                p.load(in);
            }
            String recorded = p.getProperty("accountShards");
            if (recorded != null) {
                try {
                    shards = Integer.parseInt(recorded.trim());
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": accountShards=" + recorded + " is not a number", e);
                }
                if (shards < 1 || Integer.bitCount(shards) != 1 || shards > AccountStore.MAX_SHARDS) {
                    throw new IOException(file + ": accountShards=" + shards + " must be a power of two up to "
                            + AccountStore.MAX_SHARDS);
                }
            }
        }
        if (shards == 1 && Files.exists(dataDir.resolve(AccountStore.fileName(0, AccountStore.MAX_SHARDS)))) {
            throw new IllegalStateException(dataDir + " has account shard files but " + CAPACITY_FILE
                    + " records one accounts file: restore " + CAPACITY_FILE + " (accountShards=N)");
        }
        if (shards > 1) {
            if (Files.exists(dataDir.resolve(AccountStore.FILE_NAME))) {
                throw new IllegalStateException(dataDir + " has " + AccountStore.FILE_NAME + " but " + CAPACITY_FILE
                        + " records " + shards + " account shards");
            }
            List<String> missing = new ArrayList<>();
            int present = 0;
            for (int i = 0; i < shards; i++) {
                if (Files.exists(dataDir.resolve(AccountStore.fileName(i, shards)))) {
                    present++;
                } else {
                    missing.add(AccountStore.fileName(i, shards));
                }
            }
            if (present > 0 && !missing.isEmpty()) {
                throw new IllegalStateException(dataDir + ": account shard file(s) " + missing + " missing while the "
                        + "other shards exist: their accounts would be lost; restore them (or, for a directory whose "
                        + "first start was interrupted, start from an empty directory)");
            }
        }
        return shards;
    }

    private static void writeCapacity(Path dataDir, StoreConfig config, int accountShards) throws IOException {
        replaceCapacityFile(dataDir, "# capacities the Chronicle Map files were created with; never edit\n"
                + "maxSubscribers=" + config.maxSubscribers() + "\nmaxSessions=" + config.maxSessions()
                + "\nmaxEndedSessions=" + config.maxEndedSessions() + "\naccountShards=" + accountShards + "\n");
    }

    private static void replaceCapacityFile(Path dataDir, String text) throws IOException {
        Path tmp = dataDir.resolve(CAPACITY_FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, dataDir.resolve(CAPACITY_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** How many maps this open had to recover with Chronicle (0 after a clean stop, and usually after a kill). */
    public int mapsRecovered() {
        return mapsRecovered;
    }

    public AccountStore accounts() {
        return accounts;
    }

    /** When the accounts are written to snapshots; the engine starts the periodic ones. */
    public AccountSnapshots accountSnapshots() {
        return accountSnapshots;
    }

    /**
     * The journal seq of the account snapshot this open loaded: every record up to it was applied to the accounts as
     * loaded, and start-up recovery rolls them forward with the records after it. -1 when there was none (a fresh
     * directory: the whole journal, normally empty).
     */
    public long accountSnapshotSeq() {
        return loadedAccountSnapshotSeq;
    }

    /**
     * The accounts the snapshot held with reserved money or units, or null when not known (a snapshot of format 1, a
     * converted directory): with the accounts named by open sessions and those the journal roll-forward wrote, the only
     * ones whose reservations start-up recovery has to compare with the sessions.
     */
    public long[] accountsHoldingReservationsAtLoad() {
        return holdingReservationsAtLoad;
    }

    /**
     * Where the charging thread mirrors the journal checkpoint at each batch end: the account image's applied seq (a
     * start after a kill rolls its maps forward from there), or nothing when the accounts are held in the process.
     */
    public java.util.function.LongConsumer appliedSeqSink() {
        AccountImage i = image;
        return i == null ? seq -> { } : i::applied;
    }

    /** Where the charging thread notes that a request failed half way (the journal checkpoint held): see {@link AccountImage}. */
    public Runnable heldSink() {
        AccountImage i = image;
        return i == null ? () -> { } : i::held;
    }

    /**
     * Start-up recovery finished (every account rolled forward, reservations recomputed): what the run before left in
     * the account image is settled, and the image follows this run from here on.
     */
    public void recoveryFinished() {
        if (image != null) {
            image.clearHeld();
        }
    }

    /** Whether the accounts' maps are an image in a memory file system ({@link AccountImage}). */
    public boolean accountsInImage() {
        return image != null;
    }

    public SubscriberStore subscribers() {
        return subscribers;
    }

    public SessionStore sessions() {
        return sessions;
    }

    /** The capacities the maps were built with: the recorded ones ({@value #CAPACITY_FILE}) when present. */
    public StoreConfig capacity() {
        return capacity;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** True when the last run did not close cleanly and the maps were opened with recovery. */
    public boolean recovered() {
        return recovered;
    }

    /** Wall time {@link #open} took, recovery and IMSI index repair included. */
    public long openMillis() {
        return openMillis;
    }

    /**
     * Corruptions Chronicle reported (and repaired) during recovery, besides the held segment locks that made this
     * open recover a map: a repair of entries, counters or tiers, which may have dropped an entry. Start-up
     * recovery then reads the whole journal instead of the tail after its checkpoint.
     */
    public int corruptionsRepaired() {
        return corruptions;
    }

    /** Chronicle's report of a segment lock it cleared ({@code SegmentsRecovery.resetSegmentLock}). */
    static boolean isHeldLockReport(String message) {
        return message != null && message.startsWith("lock of segment ") && message.contains(" is not clear");
    }

    /** True when this open ran the IMSI index repair (unclean stop after index writes, or an old directory). */
    public boolean imsiIndexChecked() {
        return imsiIndexChecked;
    }

    public int imsiIndexRepairs() {
        return imsiIndexRepairs;
    }

    /** Closes every map, then writes the clean-shutdown marker. Idempotent. */
    @Override
    public void close() throws IOException {
        close(true);
    }

    /**
     * Closes every map after a start that failed. When the directory had not been closed cleanly
     * ({@link #recovered()}), the start may have failed before the journal was re-applied to the
     * accounts, so no clean-shutdown marker is written: the next start recovers again.
     */
    public void closeAfterFailedStart() throws IOException {
        close(!recovered, true);
    }

    /**
     * Closes after an offline writer that does not run the engine's start-up recovery (the bulk loader): the accounts
     * are snapshotted, so what it wrote is kept, but a directory that was not closed cleanly when it was opened stays
     * so, and the engine's next start still recovers it (journal rolled forward, sessions reconciled, every
     * reservation recomputed from the open sessions).
     */
    public void closeAfterOfflineWrites() throws IOException {
        close(!recovered, true);
    }

    /**
     * Closes after an offline reader ({@link #openStopped}): what it changed in memory (the audit rolls the accounts
     * forward as a start would) is not snapshotted, so the directory is left as the engine left it.
     */
    public void closeAfterReading() throws IOException {
        close(true, false);
    }

    private void close(boolean writeMarker) throws IOException {
        close(writeMarker, writeMarker);
    }

    /**
     * For tests that play a kill -9 in the same JVM: what dies with the process (the accounts in memory, the
     * snapshot a clean stop takes, the clean-shutdown marker) is dropped, the maps and the lock are let go.
     */
    public void closeAsIfKilled() throws IOException {
        close(false, false);
    }

    private void close(boolean writeMarker, boolean snapshotAccounts) throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (snapshotAccounts) {
                accountSnapshots.close();
            } else {
                accountSnapshots.closeWithoutSnapshot();
            }
        } finally {
            sessions.close();
            subscribers.close();
            accounts.close();
        }
        if (writeMarker && accountSnapshots.recoveryDue()) {
            LOG.warn("data dir {}: a request failed half way in this run: closed without {}, so that the next start "
                    + "recovers as after a kill (reservations recomputed from the open sessions)", dataDir,
                    CLEAN_SHUTDOWN_MARKER);
            writeMarker = false;
        }
        if (!writeMarker) {
            if (image != null) {
                // Left for the next start, which maps it again (see AccountImage).
                image.close();
            }
            lock.release();
            lockChannel.close();
            return;
        }
        if (image != null) {
            // The snapshot this close wrote holds every account: the image is not needed by the next start.
            image.delete(dataDir);
        }
        // Every index write of this run finished: nothing for a repair to find.
        Files.deleteIfExists(dataDir.resolve(IMSI_DIRTY_FILE));
        Path marker = dataDir.resolve(CLEAN_SHUTDOWN_MARKER);
        try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(("closed cleanly at " + java.time.Instant.now() + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        lock.release();
        lockChannel.close();
    }
}
