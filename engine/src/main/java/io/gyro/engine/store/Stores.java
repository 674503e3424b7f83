package io.gyro.engine.store;

import java.io.File;
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
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens and closes the Chronicle Map files of a data directory: accounts, subscribers (+ IMSI index)
 * and sessions. Called from the lifecycle thread at start and stop; the stores it hands out belong to
 * the charging processor thread.
 *
 * <p>Clean-shutdown marker: {@link #close()} writes {@value #CLEAN_SHUTDOWN_MARKER} after every map is
 * closed; {@link #open} deletes it before opening anything. If map files exist but the marker does
 * not, the last run did not close (kill -9, power cut, crash during open) and every map is opened with
 * {@code recoverPersistedTo(file, true)}: a segment lock held by the dead process would otherwise make
 * a later access block for 60 s and then throw. After such a recovery the IMSI index is repaired, and
 * the caller must reconcile accounts with the journal ({@code io.gyro.engine.cdr.JournalRecovery}).
 * The IMSI index repair reads every subscriber (about 7 s per million here), so it runs only when
 * {@value #IMSI_DIRTY_FILE} says a subscriber was created or changed IMSI since the last clean close (the
 * file is made before the first such write of a run and removed at a clean close or after a repair), or
 * when the directory predates that file (no {@value #CAPACITY_FILE}).
 *
 * <pre>
 *   &lt;data&gt;/accounts.cm3        account id -&gt; Account
 *   &lt;data&gt;/subscribers.cm3     MSISDN -&gt; Subscriber
 *   &lt;data&gt;/imsi-index.cm3      IMSI -&gt; MSISDN
 *   &lt;data&gt;/sessions.cm3        Session-Id -&gt; Session
 *   &lt;data&gt;/store-capacity      the capacities the maps were created with (see below)
 *   &lt;data&gt;/imsi-index.dirty    the IMSI index was written since the last clean close (see below)
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
 * file existed uses the configured values, as it always did.
 */
public final class Stores implements AutoCloseable {
    public static final String CLEAN_SHUTDOWN_MARKER = "clean-shutdown";
    /** Held (OS file lock) while a process has the directory open; the OS drops it when the process dies. */
    public static final String LOCK_FILE = "lock";
    /** {@code maxSubscribers=N} and {@code maxSessions=N}, written once, before the maps are created. */
    public static final String CAPACITY_FILE = "store-capacity";
    /** Present while the IMSI index may miss an entry after a kill: made before the first index write of a run. */
    public static final String IMSI_DIRTY_FILE = "imsi-index.dirty";
    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

    private final Path dataDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AccountStore accounts;
    private final SubscriberStore subscribers;
    private final SessionStore sessions;
    private final boolean recovered;
    private final long openMillis;
    private final int corruptions;
    private final int imsiIndexRepairs;
    private final StoreConfig capacity;
    private final boolean imsiIndexChecked;
    private boolean closed;

    private Stores(Path dataDir, FileChannel lockChannel, FileLock lock, AccountStore accounts, SubscriberStore subscribers, SessionStore sessions,
                   boolean recovered, long openMillis, int corruptions, int imsiIndexRepairs, StoreConfig capacity,
                   boolean imsiIndexChecked) {
        this.capacity = capacity;
        this.imsiIndexChecked = imsiIndexChecked;
        this.dataDir = dataDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.accounts = accounts;
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
        long startNs = System.nanoTime();
        Files.createDirectories(dataDir);
        FileChannel lockChannel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            // A second opener must not delete the marker or run recovery under a live process: a recovery
            // that cannot get Chronicle's exclusive lock leaves the files marked not-ready.
            throw new IllegalStateException("data dir " + dataDir + " is in use by another process ("
                    + LOCK_FILE + " is locked)");
        }
        try {
            return openLocked(dataDir, config, lockChannel, lock, startNs);
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    private static Stores openLocked(Path dataDir, StoreConfig config, FileChannel lockChannel, FileLock lock,
                                     long startNs) throws IOException {
        Path marker = dataDir.resolve(CLEAN_SHUTDOWN_MARKER);
        StoreConfig recorded = recordedCapacity(dataDir);
        Path imsiDirty = dataDir.resolve(IMSI_DIRTY_FILE);
        String[] files = {AccountStore.FILE_NAME, SubscriberStore.FILE_NAME, SubscriberStore.IMSI_FILE_NAME,
                SessionStore.FILE_NAME};
        boolean anyMapFile = false;
        for (String f : files) {
            anyMapFile |= Files.exists(dataDir.resolve(f));
        }
        boolean unclean = anyMapFile && !Files.exists(marker);
        // Deleted before anything is opened: a crash from here on is an unclean stop.
        Files.deleteIfExists(marker);
        if (recorded == null && !anyMapFile) {
            writeCapacity(dataDir, config);
            recorded = config;
        }
        if (recorded != null && !recorded.equals(config)) {
            LOG.info("data dir {}: maps were created for maxSubscribers={} maxSessions={} ({}); using those, not the "
                            + "configured maxSubscribers={} maxSessions={}", dataDir, recorded.maxSubscribers(),
                    recorded.maxSessions(), CAPACITY_FILE, config.maxSubscribers(), config.maxSessions());
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
            corruptions.incrementAndGet();
            LOG.warn("chronicle map recovery: segment {}: {}", c.segmentIndex(), c.message());
        };
        List<ChronicleMap<?, ?>> opened = new ArrayList<>();
        try {
            ChronicleMap<LongKey, Account> accountMap = openMap(
                    AccountStore.builder(effective.maxSubscribers()), dataDir, AccountStore.FILE_NAME, unclean, listener, opened);
            ChronicleMap<LongKey, Subscriber> subscriberMap = openMap(
                    SubscriberStore.builder(effective.maxSubscribers()), dataDir, SubscriberStore.FILE_NAME, unclean, listener, opened);
            ChronicleMap<LongKey, LongKey> imsiMap = openMap(
                    SubscriberStore.imsiBuilder(effective.maxSubscribers()), dataDir, SubscriberStore.IMSI_FILE_NAME, unclean, listener, opened);
            ChronicleMap<SessionKey, Session> sessionMap = openMap(
                    SessionStore.builder(effective.maxSessions()), dataDir, SessionStore.FILE_NAME, unclean, listener, opened);
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
            LOG.info("stores open in {} ms (recovery={}, corruptions={}, imsi index checked={}, repairs={} in {} ms): {} "
                            + "accounts, {} subscribers, {} sessions", openMillis, unclean, corruptions.get(),
                    unclean && indexMayLack, repairs, repairMillis,
                    accountMap.longSize(), subscriberMap.longSize(), sessionMap.longSize());
            return new Stores(dataDir, lockChannel, lock, new AccountStore(accountMap), subscriberStore, new SessionStore(sessionMap),
                    unclean, openMillis, corruptions.get(), repairs, effective, unclean && indexMayLack);
        } catch (IOException | RuntimeException e) {
            for (ChronicleMap<?, ?> m : opened) {
                m.close();
            }
            throw e;
        }
    }

    /**
     * The capacities recorded in {@code dataDir}'s {@value #CAPACITY_FILE}, or null when there is none (a
     * fresh directory, or one created before the file existed). Read without taking the directory lock, so
     * an offline tool can check a count against it before opening anything.
     *
     * @throws IOException when the file exists but cannot be read or parsed
     */
    public static StoreConfig recordedCapacity(Path dataDir) throws IOException {
        Path file = dataDir.resolve(CAPACITY_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            p.load(in);
        }
        try {
            return new StoreConfig(Long.parseLong(p.getProperty("maxSubscribers", "").trim()),
                    Long.parseLong(p.getProperty("maxSessions", "").trim()));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": cannot read the recorded capacities (" + e.getMessage() + ")", e);
        }
    }

    private static void writeCapacity(Path dataDir, StoreConfig config) throws IOException {
        Path tmp = dataDir.resolve(CAPACITY_FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(("# capacities the Chronicle Map files were created with; never edit\n"
                    + "maxSubscribers=" + config.maxSubscribers() + "\nmaxSessions=" + config.maxSessions() + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, dataDir.resolve(CAPACITY_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static <K, V> ChronicleMap<K, V> openMap(ChronicleMapBuilder<K, V> builder, Path dir, String name,
                                                     boolean recover, ChronicleHashCorruption.Listener listener,
                                                     List<ChronicleMap<?, ?>> opened) throws IOException {
        File file = dir.resolve(name).toFile();
        // Stores closes the maps itself, before writing the marker; Chronicle's own exit hook would
        // close them without the marker, which is harmless but hides an unclean stop.
        builder.skipCloseOnExitHook(true);
        ChronicleMap<K, V> map = recover && file.exists()
                ? builder.recoverPersistedTo(file, true, listener)
                : builder.createPersistedTo(file);
        opened.add(map);
        return map;
    }

    public AccountStore accounts() {
        return accounts;
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

    /** Corruptions Chronicle reported (and repaired) during recovery. */
    public int corruptionsRepaired() {
        return corruptions;
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
        if (closed) {
            return;
        }
        closed = true;
        sessions.close();
        subscribers.close();
        accounts.close();
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
