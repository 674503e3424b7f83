package io.gyro.engine.cdr;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
 * <p>Two ways to feed it. Directly ({@code pipeline.Records(Journal)}: tests, benchmarks), the writer calls
 * {@link #append(CdrRecord)}, and the journal is the record of truth. In the engine it is the export of the
 * write-ahead log ({@code io.gyro.engine.wal.CdrExport}): the exporter's thread calls
 * {@link #append(CdrRecord, long)} with the log's seq, and {@link #exportOf} names the log ({@link Upstream}), whose
 * last seq {@link #lastSeq()} then answers, as the charging processor expects of it.
 *
 * <p>Threads: {@link #append}, {@link #endOfBatch} on the writing thread (the charging processor when fed
 * directly, the exporter's thread when it is an export). The readers ({@link #read}, {@link #scan},
 * {@link #scanAfter}) may run on another thread at the same time: they read only complete lines, up to the size
 * of the file being written that the writer publishes each time it writes lines to it (a release store), and no
 * file started after that. With an {@link Upstream}, the readers first wait for the export of every record the log
 * holds ({@link Upstream#awaitExport}), and are then called on the log's writer thread only (the charging
 * processor: the HTTP API's queries travel through it, and so does its failure path). {@link #open} and
 * {@link #close} by the lifecycle thread while nothing writes.
 *
 * <p>Durability. Lines go to the current file with positional {@code FileChannel.write}s from a reused direct
 * buffer of {@link #CHUNK_BYTES}. Fed directly, {@link #append(CdrRecord)} writes its line before it returns: the
 * line is then in the OS page cache, which survives kill -9 of the process, before the caller writes its maps and
 * answers. As an export, {@link #append(CdrRecord, long)} only adds the line to the buffer, which is written when
 * the next line would not fit and at each {@link #endOfBatch()} (and at rotation and close): one system call per
 * batch or per 256 KiB instead of a page fault per 4 KiB of a mapped file; a kill loses at most the lines of a
 * batch not yet ended, which the log still holds and the next start exports again. With
 * {@link JournalConfig#fsyncPerBatch()}, {@link #endOfBatch()} also forces what was written to the device
 * (fdatasync), which survives a power cut. A kill can stop a write part way and leave a torn last line:
 * {@link #open} cuts it off and logs it once (its record's answer never left: a direct append had not returned; an
 * exported batch had not ended). Files that the memory-mapped writer of earlier builds left after a kill, zero
 * past their content, are cut to their content at open too.
 */
public final class Journal implements AutoCloseable {
    public static final String DIR_NAME = "journal";
    /** Largest JSON line a record can produce (every string is capped in {@link CdrRecord}). */
    static final int MAX_LINE_BYTES = 32 * 1024;
    /** The write buffer: one system call per this many bytes of lines at most. */
    static final int CHUNK_BYTES = 256 * 1024;
    /**
     * The next file that the memory-mapped writer of earlier builds prepared ahead, under a name readers ignore; a
     * kill could leave it behind, and {@link #open} deletes it.
     */
    static final String OLD_SPARE_NAME = "cdr-spare.tmp";
    private static final long MS_PER_DAY = 86_400_000L;
    private static final Pattern FILE_NAME = Pattern.compile("cdr-(\\d{8})-(\\d{4})\\.jsonl");
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path dir;
    private final JournalConfig config;
    private final CdrRecord record = new CdrRecord();
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private final JsonLineWriter writer = new JsonLineWriter().wrap(line);
    private final long tornBytesTruncated;
    /** Lines appended to the current file and not yet handed to it; flipped and cleared by {@link #writeOut}. */
    private final ByteBuffer pending = ByteBuffer.allocateDirect(CHUNK_BYTES);

    private FileChannel channel;
    private long currentDay = Long.MIN_VALUE;
    private int currentIndex;
    /** Bytes of the current file, the pending lines included. */
    private long currentSize;
    /** Bytes handed to the current file: {@link #currentSize} less the pending lines. */
    private long writtenSize;
    /** Bytes of the current file forced to the device (fsyncPerBatch only). */
    private long forcedUpTo;
    private long lastSeq;
    /** The file being written and how far, for readers on other threads; replaced at each rotation. */
    private volatile Live live;
    /** The write-ahead log this journal is the export of, or null. */
    private volatile Upstream upstream;
    private boolean failed;

    private Journal(Path dir, JournalConfig config, long lastSeq, FileChannel channel, Path currentFile,
                    long currentDay, int currentIndex, long currentSize, long tornBytesTruncated) {
        this.dir = dir;
        this.config = config;
        this.lastSeq = lastSeq;
        this.channel = channel;
        this.currentDay = currentDay;
        this.currentIndex = currentIndex;
        this.currentSize = currentSize;
        this.writtenSize = currentSize;
        this.forcedUpTo = currentSize;
        this.tornBytesTruncated = tornBytesTruncated;
        this.live = currentFile == null ? null : new Live(currentFile, currentSize);
    }

    /**
     * Opens the journal in {@code dir} (normally {@code <data>/journal}), creating it if needed. Finds the
     * last seq from the tail of the newest non-empty file, cutting off a torn last line, and continues
     * appending to the newest file.
     */
    public static Journal open(Path dir, JournalConfig config) throws IOException {
        Files.createDirectories(dir);
        // left by a kill of the memory-mapped writer of earlier builds; never written to
        Files.deleteIfExists(dir.resolve(OLD_SPARE_NAME));
        List<Path> files = listFiles(dir);
        long lastSeq = -1;
        long torn = 0;
        for (int i = files.size() - 1; i >= 0; i--) {
            Path f = files.get(i);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = ch.size();
                // A file the memory-mapped writer of earlier builds had mapped when its process died is zero past
                // its content: its live file, and full files its housekeeper had not cut yet (cut in order, so the
                // first file found already cut ends the search once the last seq is known). A power cut can leave
                // zeros at a file's end on some file systems too.
                long content = contentEnd(ch, size);
                long end = lastNewlineEnd(ch, content);
                if (end < size) {
                    ch.truncate(end);
                    ch.force(true);
                }
                if (end < content) {
                    torn += content - end;
                    LOG.warn("journal {}: cut off a torn last line of {} bytes (a write interrupted by a crash; "
                            + "its answer was never sent)", f.getFileName(), content - end);
                }
                if (lastSeq < 0 && end > 0) {
                    lastSeq = seqOfLastLine(ch, end, f);
                }
                if (lastSeq >= 0 && end == size) {
                    break;
                }
            }
        }
        lastSeq = Math.max(lastSeq, 0);
        if (files.isEmpty()) {
            return new Journal(dir, config, 0, null, null, Long.MIN_VALUE, 0, 0, 0);
        }
        Path newest = files.get(files.size() - 1);
        Matcher m = FILE_NAME.matcher(newest.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalStateException("unexpected journal file name " + newest);
        }
        FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE);
        long day = epochDayOf(Long.parseLong(m.group(1)));
        Journal j = new Journal(dir, config, lastSeq, ch, newest, day, Integer.parseInt(m.group(2)), ch.size(), torn);
        LOG.info("journal open in {}: {} files, last seq {}", dir, files.size(), lastSeq);
        return j;
    }

    /** The reusable record builder; fill it, then {@link #append} it. */
    public CdrRecord record() {
        return record;
    }

    /**
     * Writes {@code r} to the file as the next record and returns its seq (fed directly: the line is in the file
     * when this returns). Rotates first if the record's UTC day is later than the current file's, or if the file
     * would pass the size limit.
     *
     * @throws UncheckedIOException when the write fails; the journal then refuses further appends (the
     *                              caller must not answer: the charge is not recorded)
     */
    public long append(CdrRecord r) {
        long seq = append(r, lastSeq + 1);
        try {
            writeOut();
        } catch (IOException e) {
            failed = true;
            throw new UncheckedIOException("journal append failed at seq " + seq, e);
        }
        return seq;
    }

    /**
     * Adds {@code r} with the seq it already has (the write-ahead log's, for the export), which must follow the
     * last one appended; its line reaches the file by the end of the batch ({@link #endOfBatch()}). Rotates as
     * {@link #append(CdrRecord)} does.
     *
     * @throws IllegalArgumentException when {@code seq} is not above the last seq appended
     * @throws UncheckedIOException     when a file cannot be started or written (this record's rotation, or the
     *                                  write of the lines before it); the journal then refuses further appends
     */
    public long append(CdrRecord r, long seq) {
        if (failed) {
            throw new IllegalStateException("journal failed earlier; appends refused");
        }
        if (seq <= lastSeq) {
            throw new IllegalArgumentException("journal seq " + seq + " is not after the last one written, " + lastSeq);
        }
        writer.reset();
        r.writeTo(writer, seq);
        int len = writer.position();
        long day = Math.floorDiv(r.tsMs, MS_PER_DAY);
        try {
            if (channel == null || day > currentDay || (currentSize > 0 && currentSize + len > config.maxFileBytes())) {
                rotate(Math.max(day, currentDay));
            }
            if (pending.remaining() < len) {
                writeOut();
            }
        } catch (IOException e) {
            failed = true;
            throw new UncheckedIOException("journal append failed at seq " + seq, e);
        }
        pending.put(line, 0, len);
        currentSize += len;
        lastSeq = seq;
        return seq;
    }

    /**
     * End of a batch: hands the batch's lines to the file (the readers see them from then on) and, with
     * {@link JournalConfig#fsyncPerBatch()}, forces them to the device. Call before flushing the batch's answers.
     *
     * @throws UncheckedIOException when the write or the force fails: the batch's records may not all be in the
     *                              file (the caller must not answer them); the journal refuses further appends
     */
    public void endOfBatch() {
        if (failed || channel == null) {
            return;
        }
        try {
            writeOut();
            if (config.fsyncPerBatch() && forcedUpTo < writtenSize) {
                channel.force(false);
                forcedUpTo = writtenSize;
            }
        } catch (IOException e) {
            failed = true;
            throw new UncheckedIOException("journal write failed at seq " + lastSeq, e);
        }
    }

    /** Writes the pending lines at the end of the current file and publishes its new size to the readers. */
    private void writeOut() throws IOException {
        if (pending.position() == 0) {
            return;
        }
        pending.flip();
        while (pending.hasRemaining()) {
            writtenSize += channel.write(pending, writtenSize);
        }
        pending.clear();
        Live.SIZE.setRelease(live, writtenSize);
    }

    /** Closes the current file (its pending lines written out first) and starts the next one. */
    private void rotate(long day) throws IOException {
        int index = day == currentDay ? currentIndex + 1 : 1;
        Path f;
        while (Files.exists(f = dir.resolve(fileName(day, index)))) {
            index++;
        }
        closeCurrent(config.fsyncPerBatch());
        channel = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        currentDay = day;
        currentIndex = index;
        currentSize = 0;
        writtenSize = 0;
        forcedUpTo = 0;
        live = new Live(f, 0);
    }

    /**
     * Seq of the last record written (0 when the journal is empty); when the journal is the export of a
     * write-ahead log ({@link #exportOf}), the last seq of the log, whose records up to it reach this journal
     * through the export (the charging processor reads it on the log's writer thread).
     */
    public long lastSeq() {
        Upstream u = upstream;
        return u == null ? lastSeq : u.lastSeq();
    }

    /**
     * With {@link JournalConfig#fsyncPerBatch()}, forces the journal's directory to the device, so the names of the
     * files started since survive a power cut as their lines do: forcing a file does not force its name. The
     * write-ahead log's export calls it before it deletes log segments whose records these files hold. Without fsync,
     * nothing (the page cache keeps names as it keeps lines). Any thread.
     */
    public void syncDirectory() throws IOException {
        if (config.fsyncPerBatch()) {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
    }

    /**
     * Seq of the last record appended to this journal (the writing thread's view; an exported one is in the files
     * once its batch ends).
     */
    public long writtenSeq() {
        return lastSeq;
    }

    /**
     * The write-ahead log whose export this journal is, as the readers and {@link #lastSeq()} see it: a record of
     * the log may not be in the files yet. Implemented by {@code io.gyro.engine.wal.CdrExport}.
     */
    public interface Upstream {
        /** Seq of the last record appended to the log (its writer's thread). */
        long lastSeq();

        /**
         * Returns once every record appended to the log is in the journal's files; on the log's writer thread.
         *
         * @throws IllegalStateException when the export does not get there in time
         */
        void awaitExport();
    }

    /** Makes this journal the export of {@code log} (lifecycle thread, before the log's writer starts); null: none. */
    public void exportOf(Upstream log) {
        this.upstream = log;
    }

    private void awaitUpstream() {
        Upstream u = upstream;
        if (u != null) {
            u.awaitExport();
        }
    }

    /** The file being written and its published size (a release store after each line). */
    private static final class Live {
        static final java.lang.invoke.VarHandle SIZE;

        static {
            try {
                SIZE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Live.class, "size", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Path file;
        @SuppressWarnings("unused")
        private long size;

        Live(Path file, long size) {
            this.file = file;
            this.size = size;
        }

        long size() {
            return (long) SIZE.getAcquire(this);
        }
    }

    /** The journal's files a reader may read now: none started after the live one, which is read to its size. */
    private record View(List<Path> files, Path liveFile, long liveSize) {
    }

    private View view() throws IOException {
        Live l = live;
        if (l == null) {
            return new View(new ArrayList<>(), null, 0);
        }
        long size = l.size();
        String liveName = l.file.getFileName().toString();
        List<Path> files = new ArrayList<>();
        for (Path f : listFiles(dir)) {
            if (f.getFileName().toString().compareTo(liveName) <= 0) {
                files.add(f);
            }
        }
        return new View(files, l.file, size);
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
        awaitUpstream();
        return readExported(msisdn, fromMs, toMs, limit);
    }

    /**
     * As {@link #read}, of what the journal holds now, without first making the write-ahead log publish its last
     * records (which only its writer, the charging thread, may do): for a reader on another thread that has waited
     * for the export itself ({@code CdrExport#awaitExported}, thread-safe).
     */
    public List<JournalEntry> readExported(long msisdn, long fromMs, long toMs, int limit) throws IOException {
        View view = view();
        List<JournalEntry> out = new ArrayList<>();
        long fromDay = Math.floorDiv(fromMs, MS_PER_DAY);
        String needle = "\"msisdn\":" + msisdn + ",";
        for (Path f : view.files()) {
            Matcher m = FILE_NAME.matcher(f.getFileName().toString());
            // a file of day D holds records of day D (or earlier, if the clock stepped back): skip older days
            if (!m.matches() || epochDayOf(Long.parseLong(m.group(1))) < fromDay) {
                continue;
            }
            try (BufferedReader r = reader(f, f.equals(view.liveFile()) ? view.liveSize() : Long.MAX_VALUE)) {
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
        awaitUpstream();
        View view = view();
        return new Scanner(view.files(), view.liveFile(), view.liveSize(), 0);
    }

    /**
     * Every record of the journal in {@code dir} of a stopped engine, in file order, without opening it for
     * writing: nothing is cut, deleted or created (an offline audit reads a directory it must not change). Each
     * file is read up to its first NUL byte; a torn last line, which only a kill leaves and {@link #open} cuts,
     * is handed over as it is and fails to parse, so run this on a journal that was opened and closed since.
     */
    public static Scanner scanStopped(Path dir) throws IOException {
        return new Scanner(listFiles(dir), null, 0, 0);
    }

    /**
     * The records with a seq above {@code afterSeq}, in seq order, for start-up recovery from a checkpoint:
     * finds the first such record by reading a few bytes per file and a binary search over line starts in
     * one file ({@link JournalSeek}), so nothing before it is parsed. {@code afterSeq = 0} is {@link #scan()}.
     */
    public Scanner scanAfter(long afterSeq) throws IOException {
        awaitUpstream();
        View view = view();
        List<Path> files = view.files();
        JournalSeek.Position at = JournalSeek.find(files, afterSeq, view.liveFile(), view.liveSize());
        return new Scanner(files.subList(at.fileIndex(), files.size()), view.liveFile(), view.liveSize(), at.offset());
    }

    /** Iterates every record of every journal file in order; parses with Jackson. */
    public static final class Scanner implements EntrySource {
        private final List<Path> files;
        private final Path liveFile;
        private final long liveSize;
        /** Where reading starts in the first file (a line start); 0 for every other file. */
        private final long firstOffset;
        private int nextFile;
        private BufferedReader reader;
        private String nextLine;

        private Scanner(List<Path> files, Path liveFile, long liveSize, long firstOffset) {
            this.files = files;
            this.liveFile = liveFile;
            this.liveSize = liveSize;
            this.firstOffset = firstOffset;
        }

        @Override
        public boolean hasNext() {
            try {
                while (nextLine == null) {
                    if (reader == null) {
                        if (nextFile == files.size()) {
                            return false;
                        }
                        Path f = files.get(nextFile++);
                        reader = reader(f, f.equals(liveFile) ? liveSize : Long.MAX_VALUE, nextFile == 1 ? firstOffset : 0);
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
        closeCurrent(true);
    }

    /** Writes out the current file's pending lines, forces it to the device if asked, and closes it. */
    private void closeCurrent(boolean force) throws IOException {
        if (channel == null) {
            return;
        }
        try (FileChannel ch = channel) {
            writeOut();
            if (force) {
                ch.force(true);
            }
        } finally {
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

    /**
     * Reads {@code f} up to {@code limit} bytes (the live file's content) and in any case up to its first NUL byte:
     * a file the memory-mapped writer of earlier builds left after a kill, not opened since, has a zero tail.
     */
    private static BufferedReader reader(Path f, long limit) throws IOException {
        return new BufferedReader(new InputStreamReader(new ContentInputStream(Files.newInputStream(f), limit),
                StandardCharsets.UTF_8), 1 << 16);
    }

    /** As {@link #reader(Path, long)}, from byte {@code from} (a line start) on; {@code limit} counts from 0. */
    private static BufferedReader reader(Path f, long limit, long from) throws IOException {
        if (from == 0) {
            return reader(f, limit);
        }
        FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
        ch.position(from);
        InputStream in = new ContentInputStream(java.nio.channels.Channels.newInputStream(ch),
                limit == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, limit - from));
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** The bytes before the first NUL, and at most {@code limit} of them. */
    private static final class ContentInputStream extends java.io.FilterInputStream {
        private long left;

        ContentInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b <= 0) {
                left = 0;
                return -1;
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n <= 0) {
                return n;
            }
            for (int i = off; i < off + n; i++) {
                if (b[i] == 0) {
                    left = 0;
                    return i == off ? -1 : i - off;
                }
            }
            left -= n;
            return n;
        }
    }

    /** Offset just past the last non-zero byte in the first {@code size} bytes (0 when all are zero). */
    private static long contentEnd(FileChannel ch, long size) throws IOException {
        return endOfLast(ch, size, 1 << 20, false);
    }

    /** Offset just past the last '\n' in the first {@code size} bytes (0 when there is none). */
    private static long lastNewlineEnd(FileChannel ch, long size) throws IOException {
        return endOfLast(ch, size, 8192, true);
    }

    /**
     * Reads the first {@code size} bytes backwards, {@code chunk} at a time, for the last '\n'
     * ({@code newline}) or the last non-zero byte; returns the offset just past it, 0 when none.
     */
    private static long endOfLast(FileChannel ch, long size, int chunk, boolean newline) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(chunk);
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
                byte x = b.get(i);
                if (newline ? x == '\n' : x != 0) {
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
