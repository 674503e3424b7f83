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
 *
 * <pre>
 *   &lt;data&gt;/accounts.cm3        account id -&gt; Account
 *   &lt;data&gt;/subscribers.cm3     MSISDN -&gt; Subscriber
 *   &lt;data&gt;/imsi-index.cm3      IMSI -&gt; MSISDN
 *   &lt;data&gt;/sessions.cm3        Session-Id -&gt; Session
 *   &lt;data&gt;/clean-shutdown      present only while nothing has the files open
 *   &lt;data&gt;/lock                OS lock held by the process that has the directory open
 *   &lt;data&gt;/journal/            CDR journal (io.gyro.engine.cdr.Journal)
 * </pre>
 */
public final class Stores implements AutoCloseable {
    public static final String CLEAN_SHUTDOWN_MARKER = "clean-shutdown";
    /** Held (OS file lock) while a process has the directory open; the OS drops it when the process dies. */
    public static final String LOCK_FILE = "lock";
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
    private boolean closed;

    private Stores(Path dataDir, FileChannel lockChannel, FileLock lock, AccountStore accounts, SubscriberStore subscribers, SessionStore sessions,
                   boolean recovered, long openMillis, int corruptions, int imsiIndexRepairs) {
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
        String[] files = {AccountStore.FILE_NAME, SubscriberStore.FILE_NAME, SubscriberStore.IMSI_FILE_NAME,
                SessionStore.FILE_NAME};
        boolean anyMapFile = false;
        for (String f : files) {
            anyMapFile |= Files.exists(dataDir.resolve(f));
        }
        boolean unclean = anyMapFile && !Files.exists(marker);
        // Deleted before anything is opened: a crash from here on is an unclean stop.
        Files.deleteIfExists(marker);
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
                    AccountStore.builder(config.maxSubscribers()), dataDir, AccountStore.FILE_NAME, unclean, listener, opened);
            ChronicleMap<LongKey, Subscriber> subscriberMap = openMap(
                    SubscriberStore.builder(config.maxSubscribers()), dataDir, SubscriberStore.FILE_NAME, unclean, listener, opened);
            ChronicleMap<LongKey, LongKey> imsiMap = openMap(
                    SubscriberStore.imsiBuilder(config.maxSubscribers()), dataDir, SubscriberStore.IMSI_FILE_NAME, unclean, listener, opened);
            ChronicleMap<SessionKey, Session> sessionMap = openMap(
                    SessionStore.builder(config.maxSessions()), dataDir, SessionStore.FILE_NAME, unclean, listener, opened);
            SubscriberStore subscriberStore = new SubscriberStore(subscriberMap, imsiMap);
            long repairStartNs = System.nanoTime();
            int repairs = unclean ? subscriberStore.repairImsiIndex() : 0;
            long repairMillis = (System.nanoTime() - repairStartNs) / 1_000_000;
            long openMillis = (System.nanoTime() - startNs) / 1_000_000;
            LOG.info("stores open in {} ms (recovery={}, corruptions={}, imsi index repairs={} in {} ms): {} accounts, "
                            + "{} subscribers, {} sessions", openMillis, unclean, corruptions.get(), repairs, repairMillis,
                    accountMap.longSize(), subscriberMap.longSize(), sessionMap.longSize());
            return new Stores(dataDir, lockChannel, lock, new AccountStore(accountMap), subscriberStore, new SessionStore(sessionMap),
                    unclean, openMillis, corruptions.get(), repairs);
        } catch (IOException | RuntimeException e) {
            for (ChronicleMap<?, ?> m : opened) {
                m.close();
            }
            throw e;
        }
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
