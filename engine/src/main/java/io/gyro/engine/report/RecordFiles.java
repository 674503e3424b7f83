package io.gyro.engine.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the charging-record files ({@code <data>/journal/cdr-YYYYMMDD-NNNN.jsonl}, one JSON object a line) as a
 * reader from outside the writer: by their documented name and format only, never through the journal's classes,
 * so it works the same on the JSON-lines export of the write-ahead log. Only complete lines are handed over: a file
 * is read up to its first NUL byte (a file the memory-mapped writer of earlier builds left after a kill has a zero
 * tail) and a last line without its newline (being written, or torn by a kill) is left for the next read.
 *
 * <p>Called on the report worker thread and the margin alarm's thread; never on the charging thread or an event
 * loop. Stateless; allocates per call.
 */
public final class RecordFiles {
    private static final Pattern FILE_NAME = Pattern.compile("cdr-(\\d{4})(\\d{2})(\\d{2})-(\\d{4})\\.jsonl");
    private static final int CHUNK = 1 << 20;

    private RecordFiles() {
    }

    /** One record file: its path and the UTC day its name gives (days since 1970-01-01). */
    public record DayFile(Path path, long epochDay) {
    }

    /** Receives one complete line, without its newline: {@code buf[offset, offset + length)}, valid during the call. */
    @FunctionalInterface
    public interface LineSink {
        void line(byte[] buf, int offset, int length);
    }

    /** The record files of {@code dir}, by name (by day, then by counter); empty when the directory does not exist. */
    public static List<DayFile> list(Path dir) throws IOException {
        List<DayFile> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> paths;
        try (Stream<Path> s = Files.list(dir)) {
            paths = s.sorted().toList();
        }
        for (Path p : paths) {
            long day = dayOf(p);
            if (day != Long.MIN_VALUE) {
                out.add(new DayFile(p, day));
            }
        }
        return out;
    }

    /** The UTC day a record file's name gives, or {@code Long.MIN_VALUE} for any other name. */
    public static long dayOf(Path file) {
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return Long.MIN_VALUE;
        }
        try {
            return java.time.LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3))).toEpochDay();
        } catch (java.time.DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /**
     * Hands every complete line of {@code file} from byte {@code from} (a line start) to {@code sink}, and returns the
     * offset just past the last complete line: where the next read of a growing file starts. Stops at the first NUL
     * byte. A line longer than {@code maxLineBytes} is skipped whole (a record is far shorter; that is not one). A file
     * removed since it was listed reads as empty. Lines are handed over in place in a 1 MiB read buffer (no copy per
     * line); the part of a line cut by the buffer's end moves to its start before the next read.
     */
    public static long readLines(Path file, long from, int maxLineBytes, LineSink sink) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (java.nio.file.NoSuchFileException e) {
            return from; // removed since it was listed (housekeeping): nothing to read
        }
        byte[] chunk = new byte[Math.max(CHUNK, maxLineBytes + 1)];
        ByteBuffer buffer = ByteBuffer.wrap(chunk);
        long chunkAt = from;   // file offset of chunk[0]
        long done = from;      // just past the last complete line
        int carried = 0;       // bytes of a cut line at the start of chunk, already scanned
        boolean overlong = false;
        try (ch) {
            while (true) {
                buffer.clear().position(carried);
                int n = ch.read(buffer, chunkAt + carried);
                if (n <= 0) {
                    return done;
                }
                int end = carried + n;
                int lineStart = 0;
                for (int i = carried; i < end; i++) {
                    byte b = chunk[i];
                    if (b == '\n') {
                        if (!overlong && i > lineStart && i - lineStart <= maxLineBytes) {
                            sink.line(chunk, lineStart, i - lineStart);
                        }
                        overlong = false;
                        lineStart = i + 1;
                        done = chunkAt + lineStart;
                    } else if (b == 0) {
                        return done;
                    }
                }
                int tail = end - lineStart;
                if (overlong || tail > maxLineBytes) {
                    overlong = true;     // drop what there is of it; the rest is dropped up to its newline
                    chunkAt += end;
                    carried = 0;
                } else {
                    System.arraycopy(chunk, lineStart, chunk, 0, tail);
                    chunkAt += lineStart;
                    carried = tail;
                }
            }
        }
    }
}
