package io.gyro.engine.store;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import net.openhft.chronicle.hash.ChronicleHashCorruption;
import net.openhft.chronicle.map.ChronicleMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts' working copy in a memory file system ({@code /dev/shm} by default): the accounts' Chronicle Maps
 * as files there, so that a process killed with -9 leaves them behind and its next start maps them again instead of
 * loading a snapshot (7-10 s at 10M accounts) and rolling it forward (seconds more). Nothing in a memory file system is
 * written back to a disk, so the charging thread takes no writeback stall, as with maps held in the process; what a
 * reboot or a power cut wipes, the disk snapshots and the write-ahead log bring back as before.
 *
 * <pre>
 *   &lt;data&gt;/account-image                     the path of this directory's image (one line)
 *   &lt;imageDir&gt;/gyro-accounts-&lt;random&gt;/head      this file (below)
 *   &lt;imageDir&gt;/gyro-accounts-&lt;random&gt;/accounts*.cm3  the maps, as AccountStore names them
 * </pre>
 *
 * <p>{@code head}, little-endian: magic (8), format (4), state (4: 1 loading, 2 ready), applied seq (8), shards (4),
 * held (4), entries per shard (8), the data directory's absolute path (4-byte length, UTF-8), then from byte 4096 a
 * ring of the ids of the last {@value #RING_SLOTS} account writes ({@link Long#MIN_VALUE}: none). The applied
 * seq is the journal checkpoint, mirrored there by the charging thread at every batch end: every record up to it is
 * in the maps. Since a record reaches the write-ahead log (a mapped file: it outlives the process) before its account
 * is written, the maps after a kill hold everything up to the applied seq and part of what follows, which the
 * records after it roll forward again (each carries its account's after-state: applying it twice is applying it once).
 * Reservations, which no record carries, are recomputed from the open sessions at that start, as after any kill, for
 * the accounts the sessions name, those the roll-forward wrote and those of the ring: a reservation the sessions do
 * not explain can only be one a request cut by the kill wrote (every request before it finished its session log
 * record, which outlives the process as the maps do), and its account is among the last written. The ring is kept
 * short because each account it names costs the start a read, and the first read of each page of a freshly mapped
 * image is a page fault (about 20 us here: 65,536 accounts took 1.3 s). When a
 * request failed half way in the run (the journal checkpoint was held: {@link #held}), every account is checked.
 *
 * <p>Lifetime: made at a start that does not find one (then loaded from the newest snapshot, and ready only once the
 * load finished), mapped again by a start after an unclean stop, and deleted by a clean stop (whose snapshot has every
 * account) before the clean-shutdown marker is written: an image is only ever used by the start after a kill. An
 * image whose data directory no longer names it (a directory deleted, a stop between the pointer's removal and the
 * image's) is deleted by the next start that makes one in the same place.
 */
final class AccountImage implements AutoCloseable {
    /** In the data directory: the path of its image. */
    static final String POINTER_FILE = "account-image";
    static final String DIR_PREFIX = "gyro-accounts-";
    static final String HEAD_FILE = "head";
    private static final long MAGIC = 0x4547414d49434147L; // "GACIMAGE" read as a little-endian long
    /** 3: maps without entry checksums (2 had them); a head of another format is not used. */
    private static final int FORMAT = 3;
    private static final int LOADING = 1;
    private static final int READY = 2;
    private static final int HEADER_BYTES = 4096;
    static final int RING_SLOTS = 1 << 12;
    private static final int RING_MASK = RING_SLOTS - 1;
    private static final long EMPTY = Long.MIN_VALUE;
    private static final int HEAD_BYTES = HEADER_BYTES + RING_SLOTS * 8;
    private static final int STATE_OFFSET = 12;
    private static final int APPLIED_OFFSET = 16;
    private static final int SHARDS_OFFSET = 24;
    private static final int HELD_OFFSET = 28;
    private static final int ENTRIES_OFFSET = 32;
    private static final int PATH_OFFSET = 40;
    private static final int PATH_LIMIT = 2048;
    /** The kernel's boot id when the image was made (4-byte length, ASCII): an image of another boot is not used. */
    private static final int BOOT_OFFSET = 3072;
    /** An image directory younger than this, without a readable head, may be one another start is making. */
    private static final long UNFINISHED_GRACE_MS = 10 * 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(AccountImage.class);

    private final Path dir;
    private final FileChannel channel;
    private final MappedByteBuffer head;
    private long lastApplied = Long.MIN_VALUE;
    private int ringNext;

    private AccountImage(Path dir, FileChannel channel, MappedByteBuffer head) {
        this.dir = dir;
        this.channel = channel;
        this.head = head;
    }

    /** The directory the maps are in. */
    Path dir() {
        return dir;
    }

    /** Every record up to this seq is in the maps. */
    long appliedSeq() {
        return head.getLong(APPLIED_OFFSET);
    }

    /**
     * Moves the applied seq (the charging thread at a batch end, the lifecycle thread before it starts): a plain store
     * into the mapped head, which outlives the process. Allocates nothing; writes only what moved.
     */
    void applied(long seq) {
        if (seq != lastApplied) {
            head.putLong(APPLIED_OFFSET, seq);
            lastApplied = seq;
        }
    }

    /** Notes an account write in the ring (the charging thread, before the write): a plain store, nothing allocated. */
    void wrote(long accountId) {
        head.putLong(HEADER_BYTES + ((ringNext++ & RING_MASK) << 3), accountId);
    }

    /** The distinct accounts of the ring: the last writes of the run that left the image (in no order). */
    long[] recentWrites() {
        java.util.HashSet<Long> ids = new java.util.HashSet<>();
        for (int i = 0; i < RING_SLOTS; i++) {
            long id = head.getLong(HEADER_BYTES + i * 8);
            if (id != EMPTY) {
                ids.add(id);
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** A request failed half way in this run: a start after a kill must check every account's reservations. */
    void held() {
        head.putInt(HELD_OFFSET, 1);
    }

    /** Whether a run that used the image had a request fail half way since the last {@link #clearHeld}. */
    boolean wasHeld() {
        return head.getInt(HELD_OFFSET) != 0;
    }

    /** Start-up recovery finished: what the last run held is settled. */
    void clearHeld() {
        head.putInt(HELD_OFFSET, 0);
    }

    /** The maps hold every account of the snapshot at {@code seq}: from now on a start after a kill may use them. */
    void ready(long seq) {
        applied(seq);
        head.putInt(STATE_OFFSET, READY);
    }

    /**
     * Makes an empty image for {@code dataDir} under {@code root}: the data directory's pointer first (so that no
     * image exists that its data directory does not name), then the directory and its head, in the loading state.
     */
    static AccountImage create(Path root, Path dataDir, int shards, long entriesPerShard) throws IOException {
        Path dir = root.toAbsolutePath().resolve(DIR_PREFIX + Long.toHexString(System.nanoTime() ^ new java.util.Random()
                .nextLong() & Long.MAX_VALUE));
        writePointer(dataDir, dir);
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve(HEAD_FILE), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        MappedByteBuffer head = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEAD_BYTES);
        head.order(ByteOrder.LITTLE_ENDIAN);
        byte[] path = dataDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8);
        if (path.length > PATH_LIMIT) {
            ch.close();
            throw new IOException("data directory path too long for an account image: " + dataDir);
        }
        head.putLong(0, MAGIC);
        head.putInt(8, FORMAT);
        head.putInt(STATE_OFFSET, LOADING);
        head.putLong(APPLIED_OFFSET, -1);
        head.putInt(SHARDS_OFFSET, shards);
        head.putLong(ENTRIES_OFFSET, entriesPerShard);
        head.putInt(PATH_OFFSET, path.length);
        head.put(PATH_OFFSET + 4, path);
        byte[] boot = bootId().getBytes(StandardCharsets.US_ASCII);
        head.putInt(BOOT_OFFSET, boot.length);
        head.put(BOOT_OFFSET + 4, boot);
        for (int i = 0; i < RING_SLOTS; i++) {
            head.putLong(HEADER_BYTES + i * 8, EMPTY);
        }
        return new AccountImage(dir, ch, head);
    }

    /**
     * The image {@code dataDir} names, when it is one a start may use: ready, made for this directory with these
     * shards and capacity. An image that is not is deleted with its pointer, and the reason logged; null then, and
     * when there is none.
     */
    static AccountImage find(Path dataDir, int shards, long entriesPerShard) throws IOException {
        Path pointer = dataDir.resolve(POINTER_FILE);
        if (!Files.exists(pointer)) {
            return null;
        }
        Path dir = Path.of(Files.readString(pointer, StandardCharsets.UTF_8).trim());
        String why;
        AccountImage image = open(dir);
        if (image == null) {
            why = "no readable head";
        } else if (!image.dataDir().equals(dataDir.toAbsolutePath().normalize().toString())) {
            why = "made for " + image.dataDir();
        } else if (!image.madeInBoot().equals(bootId())) {
            why = "made before the machine last started (boot " + image.madeInBoot() + ")";
        } else if (image.appliedSeq() < AccountSnapshot.newestSeq(dataDir)) {
            why = "its seq " + image.appliedSeq() + " is older than the newest account snapshot's, "
                    + AccountSnapshot.newestSeq(dataDir) + " (a run that did not use it came since)";
        } else if (image.head.getInt(STATE_OFFSET) != READY) {
            why = "its load from the snapshot was cut short";
        } else if (image.head.getInt(SHARDS_OFFSET) != shards || image.head.getLong(ENTRIES_OFFSET) != entriesPerShard) {
            why = "made for " + image.head.getInt(SHARDS_OFFSET) + " shards of " + image.head.getLong(ENTRIES_OFFSET)
                    + " accounts, not " + shards + " of " + entriesPerShard;
        } else {
            return image;
        }
        LOG.warn("account image {} not used ({}): deleted; the accounts come from the newest snapshot", dir, why);
        if (image != null) {
            image.close();
        }
        if (image == null || image.dataDir().equals(dataDir.toAbsolutePath().normalize().toString())) {
            deleteTree(dir);
        }
        Files.deleteIfExists(pointer);
        return null;
    }

    /** Opens the head of an image directory; null when there is none or it is not an image's. */
    private static AccountImage open(Path dir) throws IOException {
        Path file = dir.resolve(HEAD_FILE);
        if (!Files.isRegularFile(file) || Files.size(file) != HEAD_BYTES) {
            return null;
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        MappedByteBuffer head = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEAD_BYTES);
        head.order(ByteOrder.LITTLE_ENDIAN);
        int length = head.getInt(PATH_OFFSET);
        if (head.getLong(0) != MAGIC || head.getInt(8) != FORMAT || length <= 0
                || length > PATH_LIMIT) {
            ch.close();
            return null;
        }
        AccountImage image = new AccountImage(dir, ch, head);
        image.lastApplied = image.appliedSeq();
        return image;
    }

    /** The boot id the image was made under. */
    String madeInBoot() {
        int length = head.getInt(BOOT_OFFSET);
        if (length <= 0 || length > 64) {
            return "";
        }
        byte[] id = new byte[length];
        head.get(BOOT_OFFSET + 4, id);
        return new String(id, StandardCharsets.US_ASCII);
    }

    /** This boot's id (Linux), or "" where there is none: a memory file system does not outlive a boot. */
    static String bootId() {
        try {
            String id = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).trim();
            return id.length() <= 64 ? id : id.substring(0, 64);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The absolute data directory the image was made for. */
    String dataDir() {
        byte[] path = new byte[head.getInt(PATH_OFFSET)];
        head.get(PATH_OFFSET + 4, path);
        return new String(path, StandardCharsets.UTF_8);
    }

    /**
     * Deletes the images under {@code root} that no data directory names any more (their directory deleted, or a stop
     * cut between the removal of the pointer and of the image). Each is memory, not disk: left alone, they would hold
     * it until the next reboot.
     */
    static void sweepOrphans(Path root) {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(p -> p.getFileName().toString().startsWith(DIR_PREFIX) && Files.isDirectory(p)).toList();
        } catch (IOException e) {
            return;
        }
        for (Path dir : dirs) {
            try {
                AccountImage image = open(dir);
                boolean orphan;
                if (image == null) {
                    orphan = System.currentTimeMillis() - Files.getLastModifiedTime(dir).toMillis() > UNFINISHED_GRACE_MS;
                } else {
                    Path pointer = Path.of(image.dataDir()).resolve(POINTER_FILE);
                    image.close();
                    orphan = !Files.exists(pointer)
                            || !Path.of(Files.readString(pointer, StandardCharsets.UTF_8).trim()).equals(dir);
                }
                if (orphan) {
                    LOG.info("deleting account image {}: no data directory names it", dir);
                    deleteTree(dir);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("account image {}: cannot check or delete it ({})", dir, e.toString());
            }
        }
    }

    /** Whether {@code root} can hold {@code bytes} more (a memory file system fills up; a map past it would crash us). */
    static boolean fits(Path root, long bytes) throws IOException {
        return Files.getFileStore(root).getUsableSpace() >= bytes;
    }

    /**
     * Deletes the image (the maps closed first): its pointer, then its files. A stop between the two leaves an orphan
     * that the next start's sweep deletes.
     */
    void delete(Path dataDir) throws IOException {
        close();
        Files.deleteIfExists(dataDir.resolve(POINTER_FILE));
        deleteTree(dir);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void writePointer(Path dataDir, Path imageDir) throws IOException {
        Path tmp = dataDir.resolve(POINTER_FILE + ".tmp");
        Files.writeString(tmp, imageDir + "\n", StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dataDir.resolve(POINTER_FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A new account image and the store over its maps. */
    record WithStore(AccountImage image, AccountStore store) {
    }

    /**
     * Makes an empty account image under {@code root} and its maps, after deleting the images there that no data
     * directory names (making {@code root} if it is missing); null (the accounts are then held in the process) when
     * {@code root} cannot be a directory or cannot hold the maps at their full size (a memory file system that fills up would crash the process at a page fault).
     */
    static WithStore createWithMaps(Path root, Path dataDir, int shards, long perShard,
                                       ChronicleHashCorruption.Listener listener, List<ChronicleMap<?, ?>> opened)
            throws IOException {
        try {
            Files.createDirectories(root);   // /dev/shm is there; another directory is made as the data directory is
        } catch (IOException e) {
            LOG.warn("accounts.imageDir {} is not a directory and cannot be made one ({}): the accounts are held in the "
                    + "process (a start after a kill loads the newest snapshot)", root, e.toString());
            return null;
        }
        sweepOrphans(root);
        AccountImage image = create(root, dataDir, shards, perShard);
        List<ChronicleMap<?, ?>> maps = new ArrayList<>();
        try {
            AccountStore store = openMaps(image, shards, perShard, false, listener, maps, new ArrayList<>());
            long bytes = 0;
            for (int i = 0; i < shards; i++) {
                bytes += Files.size(image.dir().resolve(AccountStore.fileName(i, shards)));
            }
            if (!fits(root, bytes)) {
                LOG.warn("accounts.imageDir {} cannot hold the accounts' maps ({} MB at full size, {} MB free): the "
                        + "accounts are held in the process (a start after a kill loads the newest snapshot)", root,
                        bytes >> 20, Files.getFileStore(root).getUsableSpace() >> 20);
                for (ChronicleMap<?, ?> m : maps) {
                    m.close();
                }
                image.delete(dataDir);
                return null;
            }
            opened.addAll(maps);
            return new WithStore(image, store);
        } catch (IOException | RuntimeException e) {
            for (ChronicleMap<?, ?> m : maps) {
                m.close();
            }
            image.delete(dataDir);
            throw e;
        }
    }

    /**
     * The store over an image's maps, opened as they are (after a kill: with the held-lock probe and, where a lock was
     * held, Chronicle's recovery, as for the subscriber maps); the maps opened are added to {@code maps}.
     */
    static AccountStore openMaps(AccountImage image, int shards, long perShard, boolean unclean,
                                          ChronicleHashCorruption.Listener listener, List<ChronicleMap<?, ?>> maps,
                                          List<MapOpening<?, ?>> report) throws IOException {
        List<MapOpening<?, ?>> openings = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            openings.add(new MapOpening<>(AccountStore.builder(perShard), image.dir(), AccountStore.fileName(i, shards)));
        }
        MapOpening.openAll(openings, unclean, listener, maps);
        report.addAll(openings);
        @SuppressWarnings("unchecked")
        ChronicleMap<LongKey, Account>[] accountMaps = new ChronicleMap[shards];
        for (int i = 0; i < shards; i++) {
            @SuppressWarnings("unchecked")
            ChronicleMap<LongKey, Account> m = (ChronicleMap<LongKey, Account>) openings.get(i).map;
            accountMaps[i] = m;
        }
        return new AccountStore(accountMaps);
    }
}
