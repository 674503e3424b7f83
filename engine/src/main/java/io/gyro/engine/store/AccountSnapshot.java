package io.gyro.engine.store;

import net.openhft.chronicle.bytes.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

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
 *       4    4  format version (1)
 *       8    8  journal seq the snapshot starts from
 *      16    8  taken at (epoch ms)
 *      24       entries: valueLength u16 (AccountMarshaller's layout, 48..752), account id u64, value
 *               end: u16 0, entry count u64, CRC32C u32 of every byte before the CRC
 * </pre>
 * Written to a temporary file, forced to the device and renamed into place; a torn or corrupt one is never loaded (the
 * one before it is, with the longer journal tail after it). The two newest are kept.
 *
 * <p>Threads: {@link #write} runs on the account snapshot thread ({@link AccountSnapshots}) and only reads the maps;
 * {@link #load} runs at start, before the charging thread.
 */
public final class AccountSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(AccountSnapshot.class);
    private static final int MAGIC = 0x47594143; // "GYAC"
    private static final int VERSION = 1;
    private static final Pattern NAME = Pattern.compile("accounts-(\\d{20})\\.snap");
    private static final int KEEP = 2;
    private static final int HEADER_BYTES = 24;
    private static final int TRAILER_BYTES = 2 + 8 + 4;

    private AccountSnapshot() {
    }

    /**
     * What a load found.
     *
     * @param journalSeq the seq to roll forward after; -1 when there was no usable snapshot
     * @param file       the snapshot loaded, or null
     */
    public record Loaded(long journalSeq, long accounts, Path file) {
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
        CRC32C crc = new CRC32C();
        long[] count = {0};
        long[] maxSeq = {journalSeq};
        try {
            try (OutputStream fileOut = Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(fileOut, 1 << 16), crc);
                 DataOutputStream out = new DataOutputStream(checked)) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeLong(journalSeq);
                out.writeLong(takenAtMs);
                byte[] value = new byte[AccountMarshaller.MAX_BYTES];
                IOException[] failed = {null};
                store.forEachRaw((accountId, bytes, offset, size) -> {
                    if (failed[0] != null) {
                        return;
                    }
                    bytes.read(offset, value, 0, size);
                    maxSeq[0] = Math.max(maxSeq[0], bytes.readLong(offset + AccountMarshaller.LAST_JOURNAL_SEQ_OFFSET));
                    try {
                        out.writeShort(size);
                        out.writeLong(accountId);
                        out.write(value, 0, size);
                        count[0]++;
                    } catch (IOException x) {
                        failed[0] = x;
                    }
                }, between);
                if (failed[0] != null) {
                    throw failed[0];
                }
                out.writeShort(0);
                out.writeLong(count[0]);
                out.flush();
                int sum = (int) crc.getValue();
                fileOut.write(new byte[] {(byte) (sum >>> 24), (byte) (sum >>> 16), (byte) (sum >>> 8), (byte) sum});
            }
            beforePublish.accept(maxSeq[0]);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        forceDirectory(dir);
        List<Path> all = snapshots(dir);
        for (int i = KEEP; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i));
        }
        return new Written(file, count[0], maxSeq[0]);
    }

    /**
     * Loads the newest whole snapshot into {@code store} (which must be empty); a broken one is skipped with a
     * warning, and the store emptied again before the next is tried.
     */
    public static Loaded load(Path dataDir, AccountStore store) throws IOException {
        Path dir = dataDir.resolve(SessionSnapshot.DIR_NAME);
        if (!Files.isDirectory(dir)) {
            return new Loaded(-1, 0, null);
        }
        for (Path file : snapshots(dir)) {
            try {
                long[] result = read(file, store);
                return new Loaded(result[0], result[1], file);
            } catch (IOException | RuntimeException e) {
                LOG.warn("account snapshot {} is not usable ({}); trying an older one", file, e.toString());
                store.clear();
            }
        }
        return new Loaded(-1, 0, null);
    }

    /** Whether {@code dataDir} holds an account snapshot (usable or not). */
    public static boolean any(Path dataDir) throws IOException {
        Path dir = dataDir.resolve(SessionSnapshot.DIR_NAME);
        return Files.isDirectory(dir) && !snapshots(dir).isEmpty();
    }

    /** Reads and checks one snapshot into the store: returns {journal seq, accounts}. */
    private static long[] read(Path file, AccountStore store) throws IOException {
        long total = Files.size(file);
        if (total < HEADER_BYTES + TRAILER_BYTES) {
            throw new EOFException("shorter than an empty snapshot: " + total + " bytes");
        }
        CRC32C crc = new CRC32C();
        try (InputStream fileIn = Files.newInputStream(file);
             BufferedInputStream buffered = new BufferedInputStream(fileIn, 1 << 16);
             CheckedInputStream checked = new CheckedInputStream(buffered, crc);
             DataInputStream in = new DataInputStream(checked)) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not an account snapshot");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("snapshot format " + version + ", this engine reads " + VERSION);
            }
            long journalSeq = in.readLong();
            in.readLong(); // taken at
            byte[] value = new byte[AccountMarshaller.MAX_BYTES];
            Bytes<byte[]> valueBytes = Bytes.wrapForRead(value);
            Account account = new Account();
            long count = 0;
            while (true) {
                int size = in.readUnsignedShort();
                if (size == 0) {
                    break;
                }
                if (size < AccountMarshaller.HEADER_BYTES || size > AccountMarshaller.MAX_BYTES) {
                    throw new IOException("corrupt value size " + size + " after " + count + " accounts");
                }
                long accountId = in.readLong();
                in.readFully(value, 0, size);
                valueBytes.readPositionRemaining(0, size);
                AccountMarshaller.INSTANCE.read(valueBytes, size, account);
                account.accountId = accountId;
                store.restore(account);
                count++;
            }
            long written = in.readLong();
            int expected = (int) crc.getValue();
            int stored = buffered.read() << 24 | buffered.read() << 16 | buffered.read() << 8 | buffered.read();
            if (written != count || stored != expected) {
                throw new IOException("snapshot check failed: " + count + " accounts read, " + written
                        + " written; CRC " + Integer.toHexString(stored) + " vs " + Integer.toHexString(expected));
            }
            return new long[] {journalSeq, count};
        }
    }

    /** Snapshots of the directory, newest (highest journal seq) first. */
    private static List<Path> snapshots(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(p);
                }
            });
        }
        out.sort((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()));
        return out;
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot force a directory; the rename is then as durable as they make it.
        }
    }
}
