package io.gyro.engine.cdr;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The charging-record journal: every chargeable act is appended as one JSON line, with one global,
 * gap-free, increasing {@code seq}, before its answer leaves. Files live in {@code <data>/journal/} as
 * {@code cdr-YYYYMMDD-NNNN.jsonl} (UTC day of the records, then a counter from 0001), rotated at each
 * new day and before a file would pass {@link JournalConfig#maxFileBytes()}.
 *
 * <p>Threads: {@link #append}, {@link #endOfBatch} and the readers are called by the charging processor
 * thread only (the HTTP API's queries travel through it too). {@link #open} and {@link #close} by the
 * lifecycle thread while the processor is stopped.
 *
 * <p>Durability: {@link #append} returns after {@code FileChannel.write}, so the line is in the OS page
 * cache and survives kill -9 of the process; with {@link JournalConfig#fsyncPerBatch()} the file is also
 * forced to the device at each {@link #endOfBatch()}, which survives a power cut, at the price of one
 * fsync per batch. A kill during a write can leave a torn last line: {@link #open} cuts it off (that
 * record's answer never left) and logs it once.
 */
public final class Journal implements AutoCloseable {
    public static final String DIR_NAME = "journal";
    /** Largest JSON line a record can produce (every string is capped in {@link CdrRecord}). */
    static final int MAX_LINE_BYTES = 32 * 1024;
    private static final long MS_PER_DAY = 86_400_000L;
    private static final Pattern FILE_NAME = Pattern.compile("cdr-(\\d{8})-(\\d{4})\\.jsonl");
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;
    private final JournalConfig config;
    private final CdrRecord record = new CdrRecord();
    private final ByteBuffer line = ByteBuffer.allocateDirect(MAX_LINE_BYTES);
    private final JsonLineWriter writer = new JsonLineWriter().wrap(line);
    private final long tornBytesTruncated;

    private FileChannel channel;
    private long currentDay = Long.MIN_VALUE;
    private int currentIndex;
    private long currentSize;
    private long lastSeq;
    private boolean dirty;
    private boolean failed;

    private Journal(Path dir, JournalConfig config, long lastSeq, FileChannel channel, long currentDay,
                    int currentIndex, long currentSize, long tornBytesTruncated) {
        this.dir = dir;
        this.config = config;
        this.lastSeq = lastSeq;
        this.channel = channel;
        this.currentDay = currentDay;
        this.currentIndex = currentIndex;
        this.currentSize = currentSize;
        this.tornBytesTruncated = tornBytesTruncated;
    }

    /**
     * Opens the journal in {@code dir} (normally {@code <data>/journal}), creating it if needed. Finds the
     * last seq from the tail of the newest non-empty file, cutting off a torn last line, and continues
     * appending to the newest file.
     */
    public static Journal open(Path dir, JournalConfig config) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = listFiles(dir);
        long lastSeq = 0;
        long torn = 0;
        for (int i = files.size() - 1; i >= 0; i--) {
            Path f = files.get(i);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = ch.size();
                long end = lastNewlineEnd(ch, size);
                if (end < size) {
                    torn += size - end;
                    ch.truncate(end);
                    ch.force(true);
                    LOG.warn("journal {}: cut off a torn last line of {} bytes (a write interrupted by a crash; "
                            + "its answer was never sent)", f.getFileName(), size - end);
                }
                if (end > 0) {
                    lastSeq = seqOfLastLine(ch, end, f);
                    break;
                }
            }
        }
        if (files.isEmpty()) {
            return new Journal(dir, config, 0, null, Long.MIN_VALUE, 0, 0, 0);
        }
        Path newest = files.get(files.size() - 1);
        Matcher m = FILE_NAME.matcher(newest.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalStateException("unexpected journal file name " + newest);
        }
        FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        long day = epochDayOf(Long.parseLong(m.group(1)));
        Journal j = new Journal(dir, config, lastSeq, ch, day, Integer.parseInt(m.group(2)), ch.size(), torn);
        LOG.info("journal open in {}: {} files, last seq {}", dir, files.size(), lastSeq);
        return j;
    }

    /** The reusable record builder; fill it, then {@link #append} it. */
    public CdrRecord record() {
        return record;
    }

    /**
     * Writes {@code r} as the next record and returns its seq. Rotates first if the record's UTC day is
     * later than the current file's, or if the file would pass the size limit.
     *
     * @throws UncheckedIOException when the write fails; the journal then refuses further appends (the
     *                              caller must not answer: the charge is not recorded)
     */
    public long append(CdrRecord r) {
        if (failed) {
            throw new IllegalStateException("journal failed earlier; appends refused");
        }
        long seq = lastSeq + 1;
        line.clear();
        r.writeTo(writer, seq);
        line.flip();
        int len = line.remaining();
        long day = Math.floorDiv(r.tsMs, MS_PER_DAY);
        try {
            if (channel == null || day > currentDay || (currentSize > 0 && currentSize + len > config.maxFileBytes())) {
                rotate(Math.max(day, currentDay));
            }
            long before = currentSize;
            try {
                while (line.hasRemaining()) {
                    channel.write(line);
                }
            } catch (IOException e) {
                failed = true;
                try {
                    channel.truncate(before);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            currentSize += len;
        } catch (IOException e) {
            failed = true;
            throw new UncheckedIOException("journal append failed at seq " + seq, e);
        }
        lastSeq = seq;
        dirty = true;
        return seq;
    }

    /**
     * End of a processor batch: with {@link JournalConfig#fsyncPerBatch()} forces what this batch wrote
     * to the device; otherwise does nothing. Call before flushing the batch's answers.
     */
    public void endOfBatch() {
        if (config.fsyncPerBatch() && dirty && channel != null) {
            try {
                channel.force(false);
            } catch (IOException e) {
                failed = true;
                throw new UncheckedIOException("journal fsync failed", e);
            }
        }
        dirty = false;
    }

    private void rotate(long day) throws IOException {
        if (channel != null) {
            if (config.fsyncPerBatch()) {
                channel.force(false);
            }
            channel.close();
        }
        int index = day == currentDay ? currentIndex + 1 : 1;
        Path f;
        while (Files.exists(f = dir.resolve(fileName(day, index)))) {
            index++;
        }
        channel = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        currentDay = day;
        currentIndex = index;
        currentSize = 0;
    }

    /** Seq of the last record written (0 when the journal is empty). */
    public long lastSeq() {
        return lastSeq;
    }

    /** Bytes of a torn last line cut off by {@link #open} (0 normally). */
    public long tornBytesTruncated() {
        return tornBytesTruncated;
    }

    public Path directory() {
        return dir;
    }

    /**
     * Records of one subscriber with {@code fromMs <= tsMs < toMs}, oldest first, at most {@code limit}.
     * For the HTTP API: allocates, reads files from the first UTC day of the period on.
     */
    public List<JournalEntry> read(long msisdn, long fromMs, long toMs, int limit) throws IOException {
        List<JournalEntry> out = new ArrayList<>();
        long fromDay = Math.floorDiv(fromMs, MS_PER_DAY);
        String needle = "\"msisdn\":" + msisdn + ",";
        for (Path f : listFiles(dir)) {
            Matcher m = FILE_NAME.matcher(f.getFileName().toString());
            // a file of day D holds records of day D (or earlier, if the clock stepped back): skip older days
            if (!m.matches() || epochDayOf(Long.parseLong(m.group(1))) < fromDay) {
                continue;
            }
            try (BufferedReader r = reader(f)) {
                String s;
                while ((s = r.readLine()) != null) {
                    if (!s.contains(needle)) {
                        continue;
                    }
                    JournalEntry e = JSON.readValue(s, JournalEntry.class);
                    if (e.msisdn == msisdn && e.tsMs >= fromMs && e.tsMs < toMs) {
                        out.add(e);
                        if (out.size() >= limit) {
                            return out;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Every record in seq order, for recovery and tests; close it when done. */
    public Scanner scan() throws IOException {
        return new Scanner(listFiles(dir));
    }

    /** Iterates every record of every journal file in order; parses with Jackson. */
    public static final class Scanner implements Iterator<JournalEntry>, Closeable {
        private final List<Path> files;
        private int nextFile;
        private BufferedReader reader;
        private String nextLine;

        private Scanner(List<Path> files) {
            this.files = files;
        }

        @Override
        public boolean hasNext() {
            try {
                while (nextLine == null) {
                    if (reader == null) {
                        if (nextFile == files.size()) {
                            return false;
                        }
                        reader = reader(files.get(nextFile++));
                    }
                    nextLine = reader.readLine();
                    if (nextLine == null) {
                        reader.close();
                        reader = null;
                    } else if (nextLine.isEmpty()) {
                        nextLine = null;
                    }
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public JournalEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String s = nextLine;
            nextLine = null;
            try {
                return JSON.readValue(s, JournalEntry.class);
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable journal line in " + files.get(nextFile - 1), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (reader != null) {
                reader.close();
                reader = null;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.force(false);
            channel.close();
            channel = null;
        }
    }

    static String fileName(long epochDay, int index) {
        long ymd = JsonLineWriter.civilDate(epochDay);
        return String.format("cdr-%08d-%04d.jsonl", ymd, index);
    }

    private static long epochDayOf(long yyyymmdd) {
        return java.time.LocalDate.of((int) (yyyymmdd / 10_000), (int) (yyyymmdd / 100 % 100), (int) (yyyymmdd % 100))
                .toEpochDay();
    }

    /** Journal files sorted by name: by day, then by counter. */
    static List<Path> listFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new ArrayList<>();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> FILE_NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    private static BufferedReader reader(Path f) throws IOException {
        return new BufferedReader(new InputStreamReader(Files.newInputStream(f), StandardCharsets.UTF_8), 1 << 16);
    }

    /** Offset just past the last '\n' in the first {@code size} bytes (0 when there is none). */
    private static long lastNewlineEnd(FileChannel ch, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8192);
        long pos = size;
        while (pos > 0) {
            int n = (int) Math.min(b.capacity(), pos);
            pos -= n;
            b.clear().limit(n);
            while (b.hasRemaining()) {
                if (ch.read(b, pos + b.position()) < 0) {
                    throw new IOException("unexpected end of journal file");
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                if (b.get(i) == '\n') {
                    return pos + i + 1;
                }
            }
        }
        return 0;
    }

    /** Reads the seq of the line that ends at {@code end} (which is just past its '\n'). */
    private static long seqOfLastLine(FileChannel ch, long end, Path f) throws IOException {
        long start = lastNewlineEnd(ch, end - 1);
        int len = (int) Math.min(end - start, MAX_LINE_BYTES);
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, start + b.position()) < 0) {
                break;
            }
        }
        String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        try {
            return JSON.readValue(s, JournalEntry.class).seq;
        } catch (IOException e) {
            throw new IOException("journal " + f + ": last complete line at offset " + start + " is not a record", e);
        }
    }
}
