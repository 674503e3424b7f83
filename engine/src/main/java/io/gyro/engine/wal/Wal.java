package io.gyro.engine.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import io.gyro.engine.cdr.MappedFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: every state change is appended here, binary, before its answer leaves. Segmented,
 * memory-mapped, append-only, in {@code <data>/wal/}; one global, gap-free, increasing {@code seq} (the seq the
 * JSON journal, the checkpoint and the accounts' {@code lastJournalSeq} name).
 *
 * <p>Files: {@code NNNNNNNNNNNNNNNNNNNN.wal}, the seq of the segment's first record, zero-padded to 20 digits,
 * each {@link WalConfig#segmentBytes()} long from its creation (sparse: blocks are allocated as they are
 * written) and mapped whole. A segment starts with a 16-byte header, then records, each 8-byte aligned:
 *
 * <pre>
 *  segment header                         record frame (little-endian)
 *  0  int64 magic "GYROWAL\0"             0   int32  length: 24 + payload + 4 (before padding)
 *  8  int32 format version (1)            4   uint16 kind ({@link WalRecordKind})
 *  12 int32 0                             6   uint16 layout version of that kind's payload
 *  16 first record                        8   int64  seq
 *                                         16  int64  timeMs (epoch ms, the act's time, handed in)
 *                                         24  payload (length - 28 bytes)
 *                                         length-4 int32 CRC32C of bytes [0, length - 4)
 *                                         then zero padding to the next multiple of 8
 * </pre>
 *
 * A zero length, or a header that would run past the segment, ends the segment; the next record is in the
 * segment named by its seq. Unused space is zero (the file is created sparse and never reused). Old segments are
 * deleted whole, never cut, by {@link #deleteSegmentsBefore} when the log's owner knows no reader needs them (the
 * CDR export once exported, the session log once in a snapshot); the log then starts at a later seq, and only the
 * newest segment is read at {@link #open}.
 *
 * <p>Threads: {@link #append}, {@link #endOfBatch} and {@link #close} on the writer's thread (the charging
 * processor; the lifecycle thread before the processor starts and after it stops). {@link #publishedSeq()} on
 * any thread: {@link WalReader}s on other threads read up to it. {@link #open} on the lifecycle thread.
 *
 * <p>Durability: {@link #append} copies the record into the mapping, so once it returns the record is in the OS
 * page cache and survives a kill -9 of the process, without a system call; with {@link WalConfig#prefault()} a
 * {@link WalPrefaulter} has made the pages ahead writable, so it takes no page fault either. {@link #endOfBatch} forces the
 * batch's bytes to the device when {@link WalConfig#fsyncPerBatch()} is set (survives a power cut), then
 * publishes them to readers (a volatile store), so an export never runs ahead of what is durable. A kill can leave
 * a torn last record: {@link #open} finds the last valid one (stopping at a zero length, a bad CRC, a seq out of
 * order or a record running past the segment) and zeroes what follows, logging it once (a torn record's answer
 * never left).
 */
public final class Wal implements AutoCloseable {
    public static final String DIR_NAME = "wal";
    static final long MAGIC = 0x004c41574f525947L; // "GYROWAL\0" read as a little-endian long
    static final int FORMAT_VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 16;

    static final int LENGTH_OFFSET = 0;
    static final int KIND_OFFSET = 4;
    static final int VERSION_OFFSET = 6;
    static final int SEQ_OFFSET = 8;
    static final int TIME_OFFSET = 16;
    static final int PAYLOAD_OFFSET = 24;
    static final int CRC_BYTES = 4;
    /** Frame bytes besides the payload. */
    public static final int FRAME_OVERHEAD = PAYLOAD_OFFSET + CRC_BYTES;
    private static final Pattern FILE_NAME = Pattern.compile("\\d{20}\\.wal");
    private static final Logger LOG = LoggerFactory.getLogger(Wal.class);

    private final Path dir;
    private final WalConfig config;
    private final CRC32C crc = new CRC32C();
    private final long tornBytesCut;
    /** Null when {@link WalConfig#prefault()} is off. */
    private final WalPrefaulter prefaulter;

    private FileChannel channel;
    /** The current segment, mapped whole, little-endian; null until the first append of a new log. */
    private MappedByteBuffer mapped;
    /** {@link #mapped} seen through a second buffer whose position and limit the CRC moves. */
    private ByteBuffer crcView;
    private int capacity;
    private int position;
    private int forcedUpTo;
    private long lastSeq;
    /** The next append starts a segment even if this one has room (after {@link #continueAfter}). */
    private boolean rotateNext;
    private boolean dirty;
    private boolean failed;
    private volatile long publishedSeq;

    private Wal(Path dir, WalConfig config, long lastSeq, long tornBytesCut) {
        this.dir = dir;
        this.config = config;
        this.lastSeq = lastSeq;
        this.publishedSeq = lastSeq;
        this.tornBytesCut = tornBytesCut;
        this.prefaulter = config.prefault() ? new WalPrefaulter() : null;
    }

    /**
     * Opens the log in {@code dir} (normally {@code <data>/wal}), creating the directory if needed: finds the last
     * valid record of the newest segment, zeroes a torn tail after it and continues the seq from it.
     */
    public static Wal open(Path dir, WalConfig config) throws IOException {
        Files.createDirectories(dir);
        List<Path> segments = new ArrayList<>(segments(dir));
        while (!segments.isEmpty() && Files.size(segments.get(segments.size() - 1)) == 0) {
            // created by a process killed before it could map it: it never held a record
            Path empty = segments.remove(segments.size() - 1);
            LOG.warn("WAL {}: removed an empty segment a crash left", empty.getFileName());
            Files.delete(empty);
        }
        if (segments.isEmpty()) {
            return new Wal(dir, config, 0, 0);
        }
        Path newest = segments.get(segments.size() - 1);
        long firstSeq = firstSeqOf(newest);
        FileChannel ch = FileChannel.open(newest, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = ch.size();
            if (size < SEGMENT_HEADER_BYTES || size > WalConfig.MAX_SEGMENT_BYTES) {
                throw new IOException("WAL segment " + newest + " has an impossible size " + size);
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            m.order(ByteOrder.LITTLE_ENDIAN);
            long magic = m.getLong(0);
            if (magic == 0) {
                // created, header not yet written when the process died: an empty segment
                writeSegmentHeader(m);
            } else if (magic != MAGIC) {
                throw new IOException("WAL segment " + newest + " does not start with the WAL magic");
            }
            Scan scan = scan(m, (int) size, firstSeq, new CRC32C());
            long torn = 0;
            int contentEnd = contentEnd(m, scan.end, (int) size);
            if (contentEnd > scan.end) {
                torn = contentEnd - scan.end;
                for (int i = scan.end; i < contentEnd; i++) {
                    m.put(i, (byte) 0);
                }
                m.force();
                LOG.warn("WAL {}: cut a torn tail of {} bytes after seq {} ({}; a write interrupted by a crash, its "
                        + "answer was never sent)", newest.getFileName(), torn, scan.lastSeq, scan.stop);
            }
            Wal wal = new Wal(dir, config, scan.lastSeq, torn);
            wal.channel = ch;
            wal.mapped = m;
            wal.crcView = m.duplicate();
            wal.capacity = (int) size;
            wal.position = scan.end;
            wal.forcedUpTo = scan.end;
            if (wal.prefaulter != null) {
                wal.prefaulter.writing(m, scan.end);
            }
            LOG.info("WAL open in {}: {} segments, last seq {}", dir, segments.size(), scan.lastSeq);
            return wal;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Where a scan of one segment stopped: past its last valid record, and why. */
    record Scan(int end, long lastSeq, int records, String stop) {
    }

    /**
     * Walks the records of a segment whose first record has {@code firstSeq} from its header on, checking each;
     * stops at the first that is not a valid next record.
     */
    static Scan scan(ByteBuffer m, int size, long firstSeq, CRC32C crc) {
        ByteBuffer view = m.duplicate();
        int at = SEGMENT_HEADER_BYTES;
        long expect = firstSeq;
        int records = 0;
        String stop = "end of segment";
        while (at + PAYLOAD_OFFSET <= size) {
            int length = m.getInt(at + LENGTH_OFFSET);
            if (length == 0) {
                stop = "zero length";
                break;
            }
            if (length < FRAME_OVERHEAD || length > size - at) {
                stop = "length " + length + " at offset " + at + " runs past the segment";
                break;
            }
            if (!crcMatches(m, view, crc, at, length)) {
                stop = "bad CRC at offset " + at;
                break;
            }
            long seq = m.getLong(at + SEQ_OFFSET);
            if (seq != expect) {
                stop = "seq " + seq + " where " + expect + " was due, at offset " + at;
                break;
            }
            expect++;
            records++;
            at = align(at + length);
        }
        return new Scan(Math.min(at, size), expect - 1, records, stop);
    }

    static boolean crcMatches(ByteBuffer m, ByteBuffer view, CRC32C crc, int at, int length) {
        crc.reset();
        view.limit(at + length - CRC_BYTES);
        view.position(at);
        crc.update(view);
        return (int) crc.getValue() == m.getInt(at + length - CRC_BYTES);
    }

    /** Offset just past the last non-zero byte in [from, size), or {@code from} when they are all zero. */
    private static int contentEnd(ByteBuffer m, int from, int size) {
        int end = from;
        int i = from;
        for (; i + 8 <= size; i += 8) {
            if (m.getLong(i) != 0) {
                end = i + 8;
            }
        }
        for (; i < size; i++) {
            if (m.get(i) != 0) {
                end = i + 1;
            }
        }
        return end;
    }

    private static void writeSegmentHeader(ByteBuffer m) {
        m.putLong(0, MAGIC);
        m.putInt(8, FORMAT_VERSION);
        m.putInt(12, 0);
    }

    /**
     * Makes the next record's seq {@code seq + 1} when the log is behind {@code seq} (a data directory from before
     * the log, whose JSON journal already holds records 1..seq): the next append starts a segment named by it.
     */
    public void continueAfter(long seq) {
        if (seq > lastSeq) {
            LOG.warn("WAL in {} ends at seq {}, the JSON journal at {}: continuing the log from seq {}", dir, lastSeq,
                    seq, seq + 1);
            lastSeq = seq;
            publishedSeq = seq;
            rotateNext = true;
        }
    }

    /**
     * Appends one record and returns its seq. Starts the next segment first when the record would not fit in
     * this one. Allocates nothing (except the mapping when a segment starts).
     *
     * @throws UncheckedIOException when a segment cannot be started; the log then refuses further appends (the
     *                              caller must not answer: the act is not recorded)
     */
    public long append(long timeMs, WalPayload payload) {
        if (failed) {
            throw new IllegalStateException("WAL failed earlier; appends refused");
        }
        int length = FRAME_OVERHEAD + payload.length();
        int aligned = align(length);
        long seq = lastSeq + 1;
        if (mapped == null || rotateNext || position + aligned > capacity) {
            if (aligned > config.segmentBytes() - SEGMENT_HEADER_BYTES) {
                throw new IllegalArgumentException("WAL record of " + length + " bytes does not fit a segment of "
                        + config.segmentBytes());
            }
            try {
                startSegment(seq);
            } catch (IOException e) {
                failed = true;
                throw new UncheckedIOException("WAL append failed at seq " + seq, e);
            }
        }
        MappedByteBuffer m = mapped;
        int at = position;
        m.putInt(at + LENGTH_OFFSET, length);
        m.putShort(at + KIND_OFFSET, (short) payload.kind());
        m.putShort(at + VERSION_OFFSET, (short) payload.layoutVersion());
        m.putLong(at + SEQ_OFFSET, seq);
        m.putLong(at + TIME_OFFSET, timeMs);
        payload.write(m, at + PAYLOAD_OFFSET);
        crc.reset();
        crcView.limit(at + length - CRC_BYTES);
        crcView.position(at);
        crc.update(crcView);
        m.putInt(at + length - CRC_BYTES, (int) crc.getValue());
        position = at + aligned;
        lastSeq = seq;
        dirty = true;
        return seq;
    }

    /**
     * End of a batch: with {@link WalConfig#fsyncPerBatch()} forces what was written since the last one to the
     * device, then publishes the last seq to readers. Call before the batch's answers leave.
     */
    public void endOfBatch() {
        if (!dirty) {
            return;
        }
        if (config.fsyncPerBatch() && mapped != null && position > forcedUpTo) {
            try {
                mapped.force(forcedUpTo, position - forcedUpTo);
                forcedUpTo = position;
            } catch (UncheckedIOException e) {
                failed = true;
                throw new UncheckedIOException("WAL fsync failed", e.getCause());
            }
        }
        publishedSeq = lastSeq;
        dirty = false;
        if (prefaulter != null) {
            prefaulter.writing(mapped, position);
        }
    }

    /** Ends the current segment (forced when fsync is on, so nothing unforced is left behind) and starts one. */
    private void startSegment(long firstSeq) throws IOException {
        closeSegment(config.fsyncPerBatch());
        Path f = dir.resolve(segmentName(firstSeq));
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, config.segmentBytes());
            m.order(ByteOrder.LITTLE_ENDIAN);
            writeSegmentHeader(m);
            channel = ch;
            mapped = m;
            crcView = m.duplicate();
            capacity = (int) config.segmentBytes();
            position = SEGMENT_HEADER_BYTES;
            forcedUpTo = 0;
            rotateNext = false;
            if (prefaulter != null) {
                prefaulter.writing(m, position);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void closeSegment(boolean force) throws IOException {
        if (channel == null) {
            return;
        }
        if (force && position > forcedUpTo) {
            mapped.force(forcedUpTo, position - forcedUpTo);
        }
        if (prefaulter == null || prefaulter.stopped()) {
            MappedFiles.unmap(mapped);
        }
        // else the prefaulter may still touch it: dropped, the garbage collector unmaps it
        mapped = null;
        crcView = null;
        if (force) {
            channel.force(true);
        }
        channel.close();
        channel = null;
    }

    /** Seq of the last record appended (writer's thread; 0 for an empty log). */
    public long lastSeq() {
        return lastSeq;
    }

    /** Seq of the last record published by {@link #endOfBatch} (any thread). */
    public long publishedSeq() {
        return publishedSeq;
    }

    /** Bytes of a torn tail {@link #open} zeroed (0 normally). */
    public long tornBytesCut() {
        return tornBytesCut;
    }

    public Path directory() {
        return dir;
    }

    /**
     * What a {@link #deleteSegmentsBefore} pass left: the segments deleted by it, and the segments and bytes (their
     * file sizes: each is {@link WalConfig#segmentBytes()} long from its creation, sparse until written) still on
     * disk.
     */
    public record Retained(int deleted, int segments, long bytes) {
    }

    /**
     * Retention: deletes the segments all of whose records have a seq below {@code seq} (what follows them is named
     * by a later segment whose first seq is at most {@code seq}), except the {@code keep} newest such segments. The
     * newest segment is never deleted: it is the one being written (the writer only starts segments with higher
     * names, so a segment it starts after the listing only makes this pass more careful). One listing, then one
     * stat or delete per segment; nothing per record. The caller decides what {@code seq} is: the charging log's
     * CDR export (every record below it exported and durable), the session log (every record below it in a kept
     * snapshot). Any thread (it touches files only, never the writer's mapping); one pass at a time per log.
     *
     * @return what was deleted and what is left
     */
    public Retained deleteSegmentsBefore(long seq, int keep) throws IOException {
        if (keep < 0) {
            throw new IllegalArgumentException("keep=" + keep + ": must be 0 or more");
        }
        List<Path> all = segments(dir);
        int done = 0;
        while (done + 1 < all.size() && firstSeqOf(all.get(done + 1)) <= seq) {
            done++;
        }
        int deleted = 0;
        for (int i = 0; i < done - keep; i++) {
            Path p = all.get(i);
            if (Files.deleteIfExists(p)) {
                deleted++;
                LOG.debug("WAL {}: deleted segment {} (all its records are below seq {})", dir, p.getFileName(), seq);
            }
        }
        int segments = 0;
        long bytes = 0;
        for (int i = Math.max(0, done - keep); i < all.size(); i++) {
            try {
                bytes += Files.size(all.get(i));
                segments++;
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed meanwhile (by hand, or a crash's empty segment at the next open): not retained
            }
        }
        return new Retained(deleted, segments, bytes);
    }

    /** Records from {@code fromSeq} on, up to {@link #publishedSeq()} as it moves; for one thread, any thread. */
    public WalReader reader(long fromSeq) {
        return new WalReader(dir, this::publishedSeq, fromSeq);
    }

    /** Publishes what was appended, forces the segment and closes it (writer's thread, at the end). */
    @Override
    public void close() throws IOException {
        endOfBatch();
        if (prefaulter != null) {
            prefaulter.close();
        }
        closeSegment(true);
    }

    /** Pages the prefaulter faulted in (0 without one), for tests. */
    long pagesPrefaulted() {
        return prefaulter == null ? 0 : prefaulter.pagesTouched();
    }

    static int align(int offset) {
        return (offset + 7) & ~7;
    }

    static String segmentName(long firstSeq) {
        return String.format("%020d.wal", firstSeq);
    }

    static long firstSeqOf(Path segment) {
        String n = segment.getFileName().toString();
        return Long.parseLong(n.substring(0, n.length() - 4));
    }

    /** Segment files sorted by their first seq (the names sort as numbers: same width). */
    static List<Path> segments(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new ArrayList<>();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> FILE_NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }
}
