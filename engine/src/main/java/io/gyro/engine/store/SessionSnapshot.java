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
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A snapshot of the open sessions, taken while the charging thread runs (fuzzy): it names the log position it starts
 * from, and every session change after that position is in the log, so loading the snapshot and applying the log's
 * session records after it gives the sessions as they were at the log's end, whatever the snapshot caught mid-way
 * (each record is a session's whole after-state, applied in log order).
 *
 * <pre>
 *   &lt;data&gt;/snapshots/sessions-&lt;log seq, 20 digits&gt;.snap
 *    offset size
 *       0    4  magic "GYSN"
 *       4    4  format version (1)
 *       8    8  log seq the snapshot starts from
 *      16    8  taken at (epoch ms, the engine clock)
 *      24       entries: keyLength u16 (1..256), key bytes, valueLength u32, value (SessionMarshaller's layout)
 *               end: u16 0, entry count u64, CRC32C u32 of every byte before the CRC
 * </pre>
 * A snapshot is written to a temporary file, forced to the device and renamed into place; a torn or corrupt one is
 * never loaded (the one before it is, with the longer log after it). The two newest are kept.
 *
 * <p>Threads: {@link #write} runs on a snapshot thread of its own and only reads the map; {@link #load} runs at start,
 * before the charging thread.
 */
public final class SessionSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(SessionSnapshot.class);
    public static final String DIR_NAME = "snapshots";
    private static final int MAGIC = 0x4759534E; // "GYSN"
    private static final int VERSION = 1;
    private static final Pattern NAME = Pattern.compile("sessions-(\\d{20})\\.snap");
    private static final int KEEP = 2;
    private static final long PAUSE_FACTOR = 4;
    private static final long MAX_PAUSE_NS = 20_000_000L;

    private SessionSnapshot() {
    }

    /** What a load found. */
    public static final class Loaded {
        /** The log seq to replay after; -1 when there was no usable snapshot (replay the whole log). */
        public final long logSeq;
        public final long sessions;
        public final Path file;

        Loaded(long logSeq, long sessions, Path file) {
            this.logSeq = logSeq;
            this.sessions = sessions;
            this.file = file;
        }
    }

    /**
     * Writes every session of {@code map} as of now to a new snapshot that starts from {@code logSeq} (read before
     * this call: every change after it must be in the log). Returns the file.
     */
    public static Path write(Path dataDir, SessionStore store, long logSeq, long takenAtMs) throws IOException {
        return write(dataDir, store, logSeq, takenAtMs, false);
    }

    /**
     * @param paced when true (the periodic snapshot, beside a running charging thread), after each map segment the
     *              writer pauses {@value #PAUSE_FACTOR} times as long as the segment took (at most 20 ms), so that it
     *              takes at most about a fifth of a core and holds no segment for long: on a 2-core box a snapshot
     *              written flat out starves the charging thread (measured: a 165 ms stall at 25,000 requests/s)
     */
    public static Path write(Path dataDir, SessionStore store, long logSeq, long takenAtMs, boolean paced)
            throws IOException {
        Path dir = dataDir.resolve(DIR_NAME);
        Files.createDirectories(dir);
        Path file = dir.resolve(String.format("sessions-%020d.snap", logSeq));
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        long[] count = {0};
        try (OutputStream fileOut = Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
             CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(fileOut, 1 << 16), crc);
             DataOutputStream out = new DataOutputStream(checked)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(logSeq);
            out.writeLong(takenAtMs);
            byte[] value = new byte[SessionMarshaller.MAX_BYTES];
            Bytes<byte[]> valueBytes = Bytes.wrapForWrite(value);
            IOException[] failed = {null};
            long[] segmentStartNs = {System.nanoTime()};
            Runnable between = !paced ? () -> { } : () -> {
                long spentNs = System.nanoTime() - segmentStartNs[0];
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(PAUSE_FACTOR * spentNs, MAX_PAUSE_NS));
                segmentStartNs[0] = System.nanoTime();
            };
            store.forEachBySegment(reused -> {
                if (failed[0] != null) {
                    return;
                }
                int size = (int) SessionMarshaller.INSTANCE.size(reused);
                SessionMarshaller.INSTANCE.writeInPlace(valueBytes, 0, reused);
                try {
                    out.writeShort(reused.id.length);
                    out.write(reused.id.bytes, 0, reused.id.length);
                    out.writeInt(size);
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
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SnapshotFiles.forceDirectory(dir);
        SnapshotFiles.keepNewest(dir, NAME, KEEP);
        return file;
    }

    /** Loads the newest whole snapshot into {@code map} (emptied first); a broken one is skipped with a warning. */
    public static Loaded load(Path dataDir, SessionStore store) throws IOException {
        Path dir = dataDir.resolve(DIR_NAME);
        if (!Files.isDirectory(dir)) {
            return new Loaded(-1, 0, null);
        }
        for (Path file : SnapshotFiles.newestFirst(dir, NAME)) {
            store.clear();
            try {
                long[] result = read(file, store);
                return new Loaded(result[0], result[1], file);
            } catch (IOException | RuntimeException e) {
                LOG.warn("session snapshot {} is not usable ({}); trying an older one", file, e.toString());
            }
        }
        store.clear();
        return new Loaded(-1, 0, null);
    }

    /** Reads and checks one snapshot into the map: returns {log seq, sessions}. */
    private static long[] read(Path file, SessionStore store) throws IOException {
        long total = Files.size(file);
        if (total < 24 + 2 + 8 + 4) {
            throw new EOFException("shorter than an empty snapshot: " + total + " bytes");
        }
        CRC32C crc = new CRC32C();
        try (InputStream fileIn = Files.newInputStream(file);
             BufferedInputStream buffered = new BufferedInputStream(fileIn, 1 << 16);
             CheckedInputStream checked = new CheckedInputStream(buffered, crc);
             DataInputStream in = new DataInputStream(checked)) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a session snapshot");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("snapshot format " + version + ", this engine reads " + VERSION);
            }
            long logSeq = in.readLong();
            in.readLong(); // taken at
            byte[] value = new byte[SessionMarshaller.MAX_BYTES];
            Bytes<byte[]> valueBytes = Bytes.wrapForRead(value);
            Session session = new Session();
            long count = 0;
            while (true) {
                int keyLength = in.readUnsignedShort();
                if (keyLength == 0) {
                    break;
                }
                if (keyLength > SessionKey.MAX_BYTES) {
                    throw new IOException("corrupt key length " + keyLength + " after " + count + " sessions");
                }
                in.readFully(session.id.bytes, 0, keyLength);
                session.id.length = keyLength;
                int size = in.readInt();
                if (size < SessionMarshaller.HEADER_BYTES || size > SessionMarshaller.MAX_BYTES) {
                    throw new IOException("corrupt value size " + size + " after " + count + " sessions");
                }
                in.readFully(value, 0, size);
                valueBytes.readPositionRemaining(0, size);
                SessionMarshaller.INSTANCE.read(valueBytes, size, session);
                store.apply(session);
                count++;
            }
            long written = in.readLong();
            int expected = (int) crc.getValue();
            int stored = buffered.read() << 24 | buffered.read() << 16 | buffered.read() << 8 | buffered.read();
            if (written != count || stored != expected) {
                throw new IOException("snapshot check failed: " + count + " sessions read, " + written
                        + " written; CRC " + Integer.toHexString(stored) + " vs " + Integer.toHexString(expected));
            }
            return new long[] {logSeq, count};
        }
    }

    /** The log seq of the newest snapshot, or -1 when there is none. */
    public static long newestSeq(Path dataDir) throws IOException {
        Path dir = dataDir.resolve(DIR_NAME);
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        List<Path> all = SnapshotFiles.newestFirst(dir, NAME);
        return all.isEmpty() ? -1 : SnapshotFiles.seqOf(all.get(0), NAME);
    }

    /**
     * The log seq of the oldest snapshot kept (the one a start falls back to when the newest is damaged): the session
     * log must keep every record after it. -1 when there is none.
     */
    public static long oldestKeptSeq(Path dataDir) throws IOException {
        return SnapshotFiles.seqAtEnd(dataDir.resolve(DIR_NAME), NAME, false);
    }

}
