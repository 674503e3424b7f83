package io.gyro.engine.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A snapshot of every account, taken while the charging thread runs (fuzzy): it names the journal seq up to which
 * every record was applied to the accounts when the walk began. Records carry the account's whole after-state and an
 * account carries the seq of the last record applied to it, so loading the snapshot and rolling each account forward
 * with the records after that seq whose seq is above the account's own ({@code cdr.JournalRecovery}) gives the
 * accounts as they were at the journal's end, whatever the walk caught mid-way. Reservations are not journaled: start-up
 * recovery recomputes them from the open sessions.
 *
 * <pre>
 *   &lt;data&gt;/snapshots/accounts-&lt;journal seq, 20 digits&gt;.snap
 *    offset size
 *       0    4  magic "GYAC"
 *       4    4  format version (2; 1, written by builds of one evening before it, had one section and is not read)
 *       8    8  journal seq the snapshot starts from
 *      16    8  taken at (epoch ms)
 *      24    4  sections n (one per account map of the store)
 *      28       section i: entries: valueLength u16 (AccountMarshaller's layout, 48..752), account id u64, value;
 *               end: u16 0, entry count u64, CRC32C u32 of the section's bytes before it
 *      ...      index: offset of each section u64 x n, entry count u64, CRC32C u32 of the header and the index
 * </pre>
 * The sections are loaded in parallel, one thread per core, each entry's bytes inserted as they are (nothing decoded):
 * at 10 million accounts a single reader decoding each account took 18.7 s.
 * Written to a temporary file, forced to the device and renamed into place; a torn or corrupt one is never loaded (the
 * one before it is, with the longer journal tail after it). The two newest are kept.
 *
 * <p>Threads: {@link #write} runs on the account snapshot thread ({@link AccountSnapshots}) and only reads the maps;
 * {@link #load} runs at start, before the charging thread.
 */
public final class AccountSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(AccountSnapshot.class);
    private static final int MAGIC = 0x47594143; // "GYAC"
    private static final int VERSION = 2;
    private static final Pattern NAME = Pattern.compile("accounts-(\\d{20})\\.snap");
    /** A snapshot being written; one a kill cut short is left behind. */
    private static final Pattern TEMPORARY = Pattern.compile("accounts-(\\d{20})\\.snap\\.tmp");
    private static final int KEEP = 2;
    private static final int HEADER_BYTES = 24;
    private static final int HEADER_BYTES_V2 = 28;
    /** valueLength u16 and account id u64 before each value. */
    private static final int ENTRY_HEADER_BYTES = 10;
    private static final int TRAILER_BYTES = 2 + 8 + 4;

    private AccountSnapshot() {
    }

    /**
     * What a load found.
     *
     * @param journalSeq          the seq to roll forward after; -1 when there was no usable snapshot
     * @param file                the snapshot loaded, or null
     * @param holdingReservations the accounts loaded with reserved money or units
     */
    public record Loaded(long journalSeq, long accounts, Path file, long[] holdingReservations) {
    }

    /** What a write saw: the file, the accounts written, and the highest {@code lastJournalSeq} among them. */
    public record Written(Path file, long accounts, long maxAccountSeq) {
    }

    /**
     * Writes every account as of now to a new snapshot that starts from {@code journalSeq} (every record up to it is
     * applied to the accounts; read before this call), then keeps only the two newest.
     *
     * @param between run after each map segment (the periodic snapshot pauses there, so as not to starve the
     *                charging thread); the walk holds one segment's lock at a time
     * @param beforePublish run after the walk, before the file is renamed into place, with the highest account seq
     *                seen: the periodic snapshot waits there until the journal holds that record (a snapshot must
     *                never be ahead of the journal); it throws to abandon the snapshot
     */
    public static Written write(Path dataDir, AccountStore store, long journalSeq, long takenAtMs, Runnable between,
                                java.util.function.LongConsumer beforePublish) throws IOException {
        Path dir = dataDir.resolve(SessionSnapshot.DIR_NAME);
        Files.createDirectories(dir);
        Path file = dir.resolve(String.format("accounts-%020d.snap", journalSeq));
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        SectionWriter w = new SectionWriter(journalSeq);
        try {
            int sections = store.shards();
            long[] offsets = new long[sections];
            try (OutputStream fileOut = Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fileOut, 1 << 16))) {
                java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(HEADER_BYTES_V2);
                header.putInt(MAGIC).putInt(VERSION).putLong(journalSeq).putLong(takenAtMs).putInt(sections);
                out.write(header.array());
                long position = HEADER_BYTES_V2;
                for (int section = 0; section < sections; section++) {
                    offsets[section] = position;
                    position += w.section(store, section, out, between);
                }
                java.nio.ByteBuffer index = java.nio.ByteBuffer.allocate(sections * 8 + 8);
                for (long offset : offsets) {
                    index.putLong(offset);
                }
                index.putLong(w.total);
                CRC32C crc = new CRC32C();
                crc.update(header.array());
                crc.update(index.array());
                out.write(index.array());
                out.writeInt((int) crc.getValue());
            }
            beforePublish.accept(w.maxSeq);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        SnapshotFiles.forceDirectory(dir);
        SnapshotFiles.keepNewest(dir, NAME, KEEP);
        return new Written(file, w.total, w.maxSeq);
    }

    /** Writes the sections of one snapshot, one account map each, and keeps the totals. */
    private static final class SectionWriter {
        final java.nio.ByteBuffer entry = java.nio.ByteBuffer.allocate(ENTRY_HEADER_BYTES + AccountMarshaller.MAX_BYTES);
        final CRC32C crc = new CRC32C();
        long total;
        long maxSeq;

        SectionWriter(long journalSeq) {
            this.maxSeq = journalSeq;
        }

        /** Writes map {@code shard}'s accounts as a section; returns its length in bytes. */
        long section(AccountStore store, int shard, DataOutputStream out, Runnable between) throws IOException {
            crc.reset();
            long[] countAndBytes = {0, 0};
            IOException[] failed = {null};
            store.forEachRaw(shard, (accountId, bytes, offset, size) -> {
                if (failed[0] != null) {
                    return;
                }
                entry.putShort(0, (short) size).putLong(2, accountId);
                bytes.read(offset, entry.array(), ENTRY_HEADER_BYTES, size);
                maxSeq = Math.max(maxSeq, bytes.readLong(offset + AccountMarshaller.LAST_JOURNAL_SEQ_OFFSET));
                try {
                    out.write(entry.array(), 0, ENTRY_HEADER_BYTES + size);
                } catch (IOException x) {
                    failed[0] = x;
                    return;
                }
                crc.update(entry.array(), 0, ENTRY_HEADER_BYTES + size);
                countAndBytes[0]++;
                countAndBytes[1] += ENTRY_HEADER_BYTES + size;
            }, between);
            if (failed[0] != null) {
                throw failed[0];
            }
            entry.putShort(0, (short) 0).putLong(2, countAndBytes[0]);
            crc.update(entry.array(), 0, 2 + 8);
            out.write(entry.array(), 0, 2 + 8);
            out.writeInt((int) crc.getValue());
            total += countAndBytes[0];
            return countAndBytes[1] + 2 + 8 + 4;
        }
    }

    /**
     * Loads the newest whole snapshot into {@code store} (which must be empty); a broken one is skipped with a
     * warning, and the store emptied again before the next is tried. The temporary file of a snapshot a kill cut
     * short is deleted first (nothing writes one yet: this runs at open, before the snapshot thread starts); it is as
     * large as a snapshot and, named by a seq a later run need not reach again, would otherwise stay for good.
     */
    public static Loaded load(Path dataDir, AccountStore store) throws IOException {
        Path dir = dataDir.resolve(SessionSnapshot.DIR_NAME);
        if (!Files.isDirectory(dir)) {
            return new Loaded(-1, 0, null, new long[0]);
        }
        List<Path> cut = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> TEMPORARY.matcher(p.getFileName().toString()).matches()).forEach(cut::add);
        }
        for (Path tmp : cut) {
            LOG.warn("deleting {}: an account snapshot a stop cut short", tmp);
            Files.deleteIfExists(tmp);
        }
        for (Path file : SnapshotFiles.newestFirst(dir, NAME)) {
            try {
                Ids holding = new Ids();
                long[] result = read(file, store, holding);
                return new Loaded(result[0], result[1], file, holding.toArray());
            } catch (IOException | RuntimeException e) {
                LOG.warn("account snapshot {} is not usable ({}); trying an older one", file, e.toString());
                store.clear();
            }
        }
        return new Loaded(-1, 0, null, new long[0]);
    }

    /** The journal seq of the newest account snapshot in {@code dataDir} (by its name), -1 when there is none. */
    static long newestSeq(Path dataDir) throws IOException {
        return SnapshotFiles.seqAtEnd(dataDir.resolve(SessionSnapshot.DIR_NAME), NAME, true);
    }

    /** The journal seq of the oldest account snapshot in {@code dataDir}, -1 when there is none or it cannot be listed. */
    static long oldestKeptSeq(Path dataDir) {
        try {
            return SnapshotFiles.seqAtEnd(dataDir.resolve(SessionSnapshot.DIR_NAME), NAME, false);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Whether {@code dataDir} holds an account snapshot (usable or not). */
    public static boolean any(Path dataDir) throws IOException {
        Path dir = dataDir.resolve(SessionSnapshot.DIR_NAME);
        return Files.isDirectory(dir) && !SnapshotFiles.newestFirst(dir, NAME).isEmpty();
    }

    /** Account ids, collected by several loading threads. */
    static final class Ids {
        private long[] ids = new long[1024];
        private int size;

        synchronized void addAll(long[] more, int n) {
            if (size + n > ids.length) {
                ids = java.util.Arrays.copyOf(ids, Math.max(ids.length * 2, size + n));
            }
            System.arraycopy(more, 0, ids, size, n);
            size += n;
        }

        synchronized long[] toArray() {
            return java.util.Arrays.copyOf(ids, size);
        }
    }

    /**
     * Reads and checks one snapshot into the store, the accounts holding reservations into {@code holding}: returns
     * {journal seq, accounts}.
     */
    private static long[] read(Path file, AccountStore store, Ids holding) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES + TRAILER_BYTES) {
                throw new EOFException("shorter than an empty snapshot: " + size + " bytes");
            }
            java.nio.ByteBuffer header = readAt(ch, 0, HEADER_BYTES_V2);
            if (header.getInt(0) != MAGIC) {
                throw new IOException("not an account snapshot");
            }
            int version = header.getInt(4);
            if (version != VERSION) {
                throw new IOException("snapshot format " + version + ", this engine reads " + VERSION);
            }
            long journalSeq = header.getLong(8);
            int sections = header.getInt(24);
            long indexAt = size - (sections * 8L + 8 + 4);
            if (sections < 1 || sections > 1024 || indexAt < HEADER_BYTES_V2) {
                throw new IOException("corrupt header: " + sections + " sections in " + size + " bytes");
            }
            java.nio.ByteBuffer index = readAt(ch, indexAt, (int) (size - indexAt));
            CRC32C crc = new CRC32C();
            crc.update(header.array());
            crc.update(index.array(), 0, index.capacity() - 4);
            if ((int) crc.getValue() != index.getInt(index.capacity() - 4)) {
                throw new IOException("index check failed");
            }
            long[] bounds = new long[sections + 1];
            for (int i = 0; i < sections; i++) {
                bounds[i] = index.getLong(i * 8);
            }
            bounds[sections] = indexAt;
            long expected = index.getLong(sections * 8);
            long loaded = loadSections(ch, bounds, store, holding);
            if (loaded != expected) {
                throw new IOException("snapshot check failed: " + loaded + " accounts read, " + expected + " written");
            }
            return new long[] {journalSeq, loaded};
        }
    }

    /** Loads every section, {@code bounds[i]} to {@code bounds[i + 1]}, one thread per core; returns the accounts. */
    private static long loadSections(FileChannel ch, long[] bounds, AccountStore store, Ids holding)
            throws IOException {
        int sections = bounds.length - 1;
        int threads = Math.min(sections, Runtime.getRuntime().availableProcessors());
        long[] counts = new long[threads];
        Throwable[] failures = new Throwable[threads];
        Thread[] started = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int first = t;
            Runnable load = () -> {
                try {
                    for (int section = first; section < sections; section += threads) {
                        counts[first] += loadSection(ch, bounds[section], bounds[section + 1], store, section, holding);
                    }
                } catch (IOException | RuntimeException e) {
                    failures[first] = e;
                }
            };
            if (threads == 1) {
                load.run();
            } else {
                started[t] = new Thread(load, "gyro-account-load-" + t);
                started[t].start();
            }
        }
        long total = 0;
        for (int t = 0; t < threads; t++) {
            if (started[t] != null) {
                try {
                    started[t].join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while loading the account snapshot", e);
                }
            }
            if (failures[t] instanceof IOException io) {
                throw io;
            }
            if (failures[t] instanceof RuntimeException re) {
                throw re;
            }
            total += counts[t];
        }
        return total;
    }

    /** Reads one section ({@code from} to {@code to}) in 1 MiB chunks and inserts each entry's bytes as they are. */
    private static long loadSection(FileChannel ch, long from, long to, AccountStore store, int section, Ids holding)
            throws IOException {
        long[] held = new long[256];
        int heldCount = 0;
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(1 << 20);
        net.openhft.chronicle.bytes.BytesStore<?, ?> chunkBytes = net.openhft.chronicle.bytes.BytesStore.wrap(chunk.array());
        LongKey key = new LongKey();
        CRC32C crc = new CRC32C();
        long position = from;
        chunk.limit(0);
        long count = 0;
        while (true) {
            if (chunk.remaining() < ENTRY_HEADER_BYTES + AccountMarshaller.MAX_BYTES) {
                chunk.compact();
                int want = (int) Math.min(chunk.remaining(), to - position);
                chunk.limit(chunk.position() + want);
                while (chunk.hasRemaining()) {
                    int n = ch.read(chunk, position);
                    if (n < 0) {
                        throw new EOFException("section " + section + " ends early at " + position);
                    }
                    position += n;
                }
                chunk.flip();
            }
            int at = chunk.position();
            if (chunk.remaining() < 2) {
                throw new EOFException("section " + section + " ends early");
            }
            int size = chunk.getShort(at) & 0xffff;
            if (size == 0) {
                if (chunk.remaining() < 2 + 8 + 4) {
                    throw new EOFException("section " + section + " ends early");
                }
                crc.update(chunk.array(), at, 2 + 8);
                long written = chunk.getLong(at + 2);
                if (written != count || (int) crc.getValue() != chunk.getInt(at + 10)) {
                    throw new IOException("section " + section + " check failed: " + count + " accounts read, "
                            + written + " written");
                }
                if (position != to || chunk.remaining() != 2 + 8 + 4) {
                    throw new IOException("section " + section + " does not end where the index says");
                }
                holding.addAll(held, heldCount);
                return count;
            }
            if (size < AccountMarshaller.HEADER_BYTES || size > AccountMarshaller.MAX_BYTES
                    || chunk.remaining() < ENTRY_HEADER_BYTES + size) {
                throw new IOException("corrupt value size " + size + " after " + count + " accounts of section " + section);
            }
            crc.update(chunk.array(), at, ENTRY_HEADER_BYTES + size);
            long accountId = chunk.getLong(at + 2);
            if (store.restoreRaw(key, accountId, chunkBytes, at + ENTRY_HEADER_BYTES, size)) {
                if (heldCount == held.length) {
                    held = java.util.Arrays.copyOf(held, heldCount * 2);
                }
                held[heldCount++] = accountId;
            }
            chunk.position(at + ENTRY_HEADER_BYTES + size);
            count++;
        }
    }

    private static java.nio.ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new EOFException("shorter than its header says");
            }
        }
        return b;
    }

}
