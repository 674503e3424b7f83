package io.gyro.engine.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;

import io.gyro.engine.cdr.MappedFiles;

/**
 * Reads the records of a {@link Wal} in seq order, from a given seq on, across segments, in place: after
 * {@link #next()} returns true, {@link #kind()}, {@link #seq()}, {@link #timeMs()} and the payload
 * ({@link #buffer()} from {@link #payloadOffset()}, {@link #payloadLength()} bytes) describe the record until the
 * next call. Nothing is copied; a record is allocated nothing (mapping a segment allocates, once per segment).
 *
 * <p>Threads: one reader belongs to one thread, which may be another than the writer's: it reads no record with a
 * seq above the writer's published seq ({@link Wal#publishedSeq()}, read with volatile semantics), so every byte
 * it reads was written before that publication. Each segment is mapped read-only by the reader itself (the same
 * page cache as the writer's mapping); every record's CRC is checked.
 */
public final class WalReader implements AutoCloseable {
    private final Path dir;
    private final LongSupplier published;
    private final CRC32C crc = new CRC32C();

    private MappedByteBuffer segment;
    private ByteBuffer crcView;
    private Path segmentPath;
    private long segmentFirstSeq = -1;
    private int size;
    private int at;
    /** The seq the next record returned must have (or more, when the log jumps at a segment). */
    private long nextSeq;

    private int kind;
    private int layoutVersion;
    private long seq;
    private long timeMs;
    private int payloadOffset;
    private int payloadLength;

    /**
     * @param published the last seq the writer has published, read on each {@link #next()}
     * @param fromSeq   the first seq to return (at least 1)
     */
    WalReader(Path dir, LongSupplier published, long fromSeq) {
        this.dir = dir;
        this.published = published;
        this.nextSeq = Math.max(1, fromSeq);
    }

    /** Reads every record of the log in {@code dir} of a stopped engine; the published seq is the log's end. */
    public static WalReader stopped(Path dir, long fromSeq) {
        return new WalReader(dir, () -> Long.MAX_VALUE, fromSeq);
    }

    /**
     * Moves to the next record with a seq at least the one asked for, if one is published.
     *
     * @return false when no further record is published yet (call again later)
     * @throws IllegalStateException when a published record fails its CRC or breaks the seq order (corruption)
     */
    public boolean next() {
        long limit = published.getAsLong();
        while (nextSeq <= limit) {
            if (segment == null) {
                if (!openSegmentFor(nextSeq)) {
                    return false;
                }
                if (segmentFirstSeq > nextSeq) {
                    // the log continues from a later seq (Wal#continueAfter): nothing in between exists
                    nextSeq = segmentFirstSeq;
                    continue;
                }
            }
            if (at + Wal.PAYLOAD_OFFSET > size || segment.getInt(at + Wal.LENGTH_OFFSET) == 0) {
                if (!nextSegment()) {
                    return false;
                }
                continue;
            }
            int length = segment.getInt(at + Wal.LENGTH_OFFSET);
            if (length < Wal.FRAME_OVERHEAD || length > size - at) {
                throw corrupt("length " + length);
            }
            if (!Wal.crcMatches(segment, crcView, crc, at, length)) {
                throw corrupt("bad CRC");
            }
            long s = segment.getLong(at + Wal.SEQ_OFFSET);
            int recordAt = at;
            at = Wal.align(at + length);
            if (s < nextSeq) {
                // seeking to the first seq asked for
                continue;
            }
            if (s != nextSeq) {
                throw corrupt("seq " + s + " where " + nextSeq + " was due");
            }
            kind = segment.getShort(recordAt + Wal.KIND_OFFSET) & 0xffff;
            layoutVersion = segment.getShort(recordAt + Wal.VERSION_OFFSET) & 0xffff;
            seq = s;
            timeMs = segment.getLong(recordAt + Wal.TIME_OFFSET);
            payloadOffset = recordAt + Wal.PAYLOAD_OFFSET;
            payloadLength = length - Wal.FRAME_OVERHEAD;
            nextSeq = s + 1;
            return true;
        }
        return false;
    }

    /** Maps the segment holding {@code wanted}: the last one whose first seq is at most it, else the first after. */
    private boolean openSegmentFor(long wanted) {
        List<Path> all = list();
        Path pick = null;
        for (Path p : all) {
            if (Wal.firstSeqOf(p) <= wanted || pick == null) {
                pick = p;
            }
            if (Wal.firstSeqOf(p) > wanted) {
                break;
            }
        }
        if (pick == null) {
            return false;
        }
        map(pick);
        return true;
    }

    /** Moves to the segment after the current one; false when it does not exist yet. */
    private boolean nextSegment() {
        for (Path p : list()) {
            long first = Wal.firstSeqOf(p);
            if (first > segmentFirstSeq) {
                if (first > nextSeq) {
                    // the log continues from a later seq (Wal#continueAfter): nothing in between exists
                    nextSeq = first;
                }
                unmap();
                map(p);
                return true;
            }
        }
        return false;
    }

    private void map(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long n = ch.size();
            segment = ch.map(FileChannel.MapMode.READ_ONLY, 0, n);
            segment.order(ByteOrder.LITTLE_ENDIAN);
            crcView = segment.duplicate();
            size = (int) n;
            at = Wal.SEGMENT_HEADER_BYTES;
            segmentPath = p;
            segmentFirstSeq = Wal.firstSeqOf(p);
            if (n < Wal.SEGMENT_HEADER_BYTES || segment.getLong(0) != Wal.MAGIC) {
                throw new IllegalStateException("WAL segment " + p + " has no WAL header");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map WAL segment " + p, e);
        }
    }

    private List<Path> list() {
        try {
            return Wal.segments(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list WAL segments in " + dir, e);
        }
    }

    private IllegalStateException corrupt(String what) {
        return new IllegalStateException("WAL segment " + segmentPath + ": corrupt record at offset " + at + " (" + what
                + "), seq " + nextSeq + " expected");
    }

    private void unmap() {
        if (segment != null) {
            MappedFiles.unmap(segment);
            segment = null;
            crcView = null;
        }
    }

    /** First seq of the segment the reader has mapped (the one of its last record), -1 before it maps one. */
    long segmentFirstSeq() {
        return segmentFirstSeq;
    }

    public int kind() { return kind; }
    public int layoutVersion() { return layoutVersion; }
    public long seq() { return seq; }
    public long timeMs() { return timeMs; }
    /** The mapped segment (little-endian); read the payload with absolute gets only. */
    public ByteBuffer buffer() { return segment; }
    public int payloadOffset() { return payloadOffset; }
    public int payloadLength() { return payloadLength; }

    @Override
    public void close() {
        unmap();
    }
}
