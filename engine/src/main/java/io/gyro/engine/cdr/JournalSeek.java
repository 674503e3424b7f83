package io.gyro.engine.cdr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Finds where the first record after a given seq starts, without parsing the records before it: for
 * {@link Journal#scanAfter}, which start-up recovery uses to read only the journal's tail after a
 * checkpoint ({@link JournalCheckpoint}). Called by the lifecycle thread at start.
 *
 * <p>Every line starts with its seq ({@link CdrRecord} writes it first) and seqs increase through the
 * files in name order, so the file is the last one whose first record is at or below the seq, and the
 * line within it is found by a binary search over byte offsets: the line starting at or after an offset
 * has a seq that never decreases with the offset. Each step reads one line's first bytes (about 26 steps
 * for a 64 MiB file) instead of parsing every line before it.
 *
 * <pre>
 *   a line:  {"seq":1234,"kind":...}\n
 *            ^ line start: offset 0, or just past a '\n'
 * </pre>
 */
final class JournalSeek {
    private static final byte[] PREFIX = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
    /** Seq of "no record here" (the end of the content, or the zero tail of a file an earlier build's writer left). */
    private static final long END = Long.MAX_VALUE;

    private JournalSeek() {
    }

    /** File {@code fileIndex} of the list, from byte {@code offset} (a line start, or its content end). */
    record Position(int fileIndex, long offset) {
    }

    /**
     * Where the first record with a seq above {@code afterSeq} starts in {@code files} (sorted by name);
     * the start of the first file when {@code afterSeq <= 0} or when every file begins after it.
     *
     * @param liveFile the file being written (its content ends at {@code liveSize}), or null
     * @throws IOException when a line that should start a record does not (a damaged file)
     */
    static Position find(List<Path> files, long afterSeq, Path liveFile, long liveSize) throws IOException {
        if (afterSeq <= 0) {
            return new Position(0, 0);
        }
        for (int i = files.size() - 1; i >= 0; i--) {
            Path f = files.get(i);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                long end = f.equals(liveFile) ? Math.min(liveSize, ch.size()) : ch.size();
                long first = end == 0 ? END : seqAt(ch, 0, end, f);
                if (first == END || first > afterSeq) {
                    continue; // empty, or every record of it is after afterSeq: an earlier file may hold it
                }
                return new Position(i, firstLineAfter(ch, end, afterSeq, f));
            }
        }
        return new Position(0, 0);
    }

    /** Start of the first line of {@code ch} (content ending at {@code end}) whose seq is above {@code afterSeq}. */
    static long firstLineAfter(FileChannel ch, long end, long afterSeq, Path f) throws IOException {
        long lo = 0;
        long hi = end;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            long start = lineStartAtOrAfter(ch, mid, end);
            long seq = start >= end ? END : seqAt(ch, start, end, f);
            if (seq > afterSeq) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lineStartAtOrAfter(ch, lo, end);
    }

    /**
     * {@code p} when a line starts there, else just past the next '\n' at or after {@code p}; {@code end} if none
     * (or if a NUL comes first: a file the memory-mapped writer of earlier builds left after a kill is zero past its
     * content until the journal is opened again).
     */
    private static long lineStartAtOrAfter(FileChannel ch, long p, long end) throws IOException {
        if (p == 0) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.allocate(4096);
        long pos = p - 1;
        while (pos < end) {
            b.clear().limit((int) Math.min(b.capacity(), end - pos));
            int n = readFully(ch, b, pos);
            for (int i = 0; i < n; i++) {
                byte x = b.get(i);
                if (x == '\n') {
                    return pos + i + 1;
                }
                if (x == 0) {
                    return end; // the zero tail of a file not cut yet: no line starts in it
                }
            }
            pos += n;
        }
        return end;
    }

    /** The seq of the line starting at {@code start}; {@link #END} for a zero tail. */
    private static long seqAt(FileChannel ch, long start, long end, Path f) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(PREFIX.length + 20);
        b.limit((int) Math.min(b.capacity(), end - start));
        int n = readFully(ch, b, start);
        if (n > 0 && b.get(0) == 0) {
            return END;
        }
        int i = 0;
        for (; i < PREFIX.length; i++) {
            if (i >= n || b.get(i) != PREFIX[i]) {
                throw notARecord(f, start);
            }
        }
        long seq = 0;
        int digits = 0;
        for (; i < n && b.get(i) >= '0' && b.get(i) <= '9'; i++, digits++) {
            seq = Math.addExact(Math.multiplyExact(seq, 10), b.get(i) - '0');
        }
        if (digits == 0 || i >= n || b.get(i) != ',') {
            throw notARecord(f, start);
        }
        return seq;
    }

    private static IOException notARecord(Path f, long offset) {
        return new IOException("journal " + f + ": the line at offset " + offset + " does not start with {\"seq\":N,");
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int n = 0;
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }
}
