package io.gyro.engine.settle;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.ServiceKind;

import java.io.IOException;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code gyro settle}: matches the host operator's wholesale usage file against Gyro's charging records for the
 * same period and sorts every host line and every Gyro session into a {@link SettleReport.Verdict}
 * (docs/SETTLEMENT.md "Matching"). Caller's thread.
 *
 * <p>Scale: both sides are streamed once into spill files partitioned by subscriber ({@link Partitions}); each
 * partition is then read back and settled by {@link PartitionSettlement}. Memory holds one partition per thread:
 * about {@value #LINES_PER_PARTITION} host lines and their Gyro records.
 */
public final class Settlement {
    static final long LINES_PER_PARTITION = 200_000;
    private static final long DAY_MS = 86_400_000L;

    /** What to settle and how. */
    public record Options(Path hostFile, Path journalDir, Path exportRecords, Catalogue catalogue, ZoneId zone,
                          LocalDate from, LocalDate to, Path out, long hostGridBytes, long hostGridSeconds,
                          long gyroGridBytes, long gyroGridSeconds, long toleranceMs, long amountToleranceMicros,
                          boolean listGrid, int threads, int partitions) {
    }

    /** The input cannot be settled (a bad host file, no records to read); nothing was written to --out. */
    public static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message);
        }
    }

    /** Bad host lines quoted in the message; every one is counted. */
    static final int MAX_QUOTED_ERRORS = 20;

    private final Options o;
    private HostFile host;
    private SettleReport report;
    private long periodStartMs;
    private long periodEndMs;

    Settlement(Options options) {
        this.o = options;
    }

    public static SettleReport run(Options options) throws BadInput, IOException {
        return new Settlement(options).run();
    }

    private SettleReport run() throws BadInput, IOException {
        long startNs = System.nanoTime();
        if (!Files.isRegularFile(o.hostFile())) {
            throw new BadInput(o.hostFile() + ": no such file");
        }
        if (o.from() != null && o.to() != null && o.to().isBefore(o.from())) {
            throw new BadInput("--to " + o.to() + " is before --from " + o.from());
        }
        int partitions = partitions();
        int threads = Math.max(1, Math.min(o.threads(), Runtime.getRuntime().availableProcessors()));
        Files.createDirectories(o.out());
        Path tmp = Files.createTempDirectory(o.out(), ".settle-");
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "settle");
            t.setDaemon(true);
            return t;
        });
        try (ByteLines hostLines = new ByteLines(Files.newInputStream(o.hostFile()))) {
            readHostHeader(hostLines);
            boolean periodKnown = o.from() != null || o.to() != null;
            Partitions hostSide = new Partitions(tmp, "host", partitions);
            // with the period known, the host file is read beside Gyro's records; else it sets the period first
            Future<?> host = pool.submit(() -> {
                try (hostSide) {
                    readHostRows(hostLines, hostSide);
                }
                report.hostReadMs = (System.nanoTime() - startNs) / 1_000_000;
                return null;
            });
            if (!periodKnown) {
                join(host);
            }
            List<Partitions> gyroSides = readGyro(pool, threads, tmp, partitions);
            join(host);
            report.gyroReadMs = (System.nanoTime() - startNs) / 1_000_000 - report.hostReadMs;
            settleAll(pool, hostSide, gyroSides, partitions, tmp);
        } finally {
            pool.shutdownNow();
            try (var s = Files.list(tmp)) {
                for (Path f : s.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(tmp);
        }
        report.elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        report.writeHtml();
        return report;
    }

    /**
     * How many partitions: about {@value #LINES_PER_PARTITION} host lines (100 bytes each) or twice as many of Gyro's
     * records (600 bytes each as JSON) per partition, whichever side is larger, so that a small host file against a
     * large journal still spills. Gyro's side is measured on the files of the period (all of them when the period
     * comes from the host file), at most 512.
     */
    private int partitions() throws IOException {
        if (o.partitions() > 0) {
            return Math.min(512, o.partitions());
        }
        long hostBytes = Files.size(o.hostFile());
        long gyroBytes = 0;
        Path dir = o.exportRecords() != null ? o.exportRecords() : o.journalDir();
        if (Files.isDirectory(dir)) {
            java.util.regex.Pattern pattern = o.exportRecords() != null ? GyroRecords.EXPORT_FILE : GyroRecords.JOURNAL_FILE;
            LocalDate from = o.from() != null ? o.from() : o.to() != null ? o.to() : LocalDate.of(1970, 1, 1);
            LocalDate to = o.to() != null ? o.to() : o.from() != null ? o.from() : LocalDate.of(9999, 12, 31);
            for (Path f : GyroRecords.files(dir, pattern, from.minusDays(2), to.plusDays(2))) {
                gyroBytes += Files.size(f);
            }
        } else if (Files.isRegularFile(dir)) {
            gyroBytes = Files.size(dir);
        }
        long byHost = hostBytes / (LINES_PER_PARTITION * 100);
        long byGyro = gyroBytes / (2 * LINES_PER_PARTITION * 600);
        return (int) Math.max(1, Math.min(512, Math.max(byHost, byGyro)));
    }

    /** Waits for a task; its failure is thrown as it was. */
    private static <T> T join(Future<T> f) throws BadInput, IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof BadInput b) {
                throw b;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        }
    }

    /**
     * Settles the partitions on the pool, each into its own differences file, then joins those files in partition
     * order, so the output does not depend on which thread finished first.
     */
    private void settleAll(ExecutorService pool, Partitions hostSide, List<Partitions> gyroSides, int partitions,
                           Path tmp) throws BadInput, IOException {
        PartitionSettlement matcher = new PartitionSettlement(o, host.granularity, periodStartMs, periodEndMs);
        List<Future<Path>> done = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            done.add(pool.submit(() -> {
                Path diff = tmp.resolve("differences-" + partition + ".csv");
                try (Writer w = new BufferedWriter(Files.newBufferedWriter(diff, StandardCharsets.UTF_8), 1 << 16)) {
                    SettleReport.Tally t = report.new Tally(w);
                    try {
                        matcher.settle(hostSide, gyroSides, partition, t);
                    } finally {
                        t.closeFiles();
                    }
                    report.merge(t);
                }
                Files.deleteIfExists(hostSide.file(partition));
                for (Partitions g : gyroSides) {
                    Files.deleteIfExists(g.file(partition));
                }
                return diff;
            }));
        }
        report.files(o.out());
        try (OutputStream out = Files.newOutputStream(report.differencesFile)) {
            out.write(SettleReport.CSV_HEADER.getBytes(StandardCharsets.US_ASCII));
            for (Future<Path> f : done) {
                Path diff = join(f);
                Files.copy(diff, out);
                Files.delete(diff);
            }
        }
    }

    // ---- the host file --------------------------------------------------------------------------------------

    private void readHostHeader(ByteLines lines) throws BadInput, IOException {
        CsvFields f = new CsvFields();
        while (lines.next()) {
            if (lines.isBlank() || lines.buffer()[lines.start()] == '#') {
                continue;
            }
            byte[] b = lines.buffer();
            int from = lines.start();
            if (lines.number() == 1 && lines.end() - from >= 3 && b[from] == (byte) 0xEF && b[from + 1] == (byte) 0xBB
                    && b[from + 2] == (byte) 0xBF) {
                from += 3; // the UTF-8 byte order mark spreadsheet programs write
            }
            String problem = f.split(b, from, lines.end());
            if (problem != null) {
                throw new BadInput(o.hostFile() + ":" + lines.number() + ": the header line: " + problem);
            }
            try {
                host = HostFile.header(f, new Times(o.zone()));
            } catch (HostFile.BadHeader e) {
                throw new BadInput(o.hostFile() + ":" + lines.number() + ": the header line: " + e.getMessage()
                        + " (docs/SETTLEMENT.md names the columns)");
            }
            report = new SettleReport(o, host, o.exportRecords() != null ? o.exportRecords().toString()
                    : o.journalDir().toString());
            if (o.from() != null || o.to() != null) {
                setPeriod(o.from(), o.to());
            }
            return;
        }
        throw new BadInput(o.hostFile() + ": empty: no header line");
    }

    private void readHostRows(ByteLines lines, Partitions out) throws BadInput, IOException {
        CsvFields f = new CsvFields();
        HostFile.Row row = new HostFile.Row();
        List<String> errors = new ArrayList<>();
        long bad = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        boolean filter = o.from() != null || o.to() != null;
        long lo = Long.MIN_VALUE;
        long hi = Long.MAX_VALUE;
        if (filter) {
            lo = host.granularity == HostFile.Granularity.PER_DAY ? periodStartMs : periodStartMs - o.toleranceMs();
            hi = host.granularity == HostFile.Granularity.PER_DAY ? periodEndMs : periodEndMs + o.toleranceMs();
        }
        while (lines.next()) {
            if (lines.isBlank() || lines.buffer()[lines.start()] == '#') {
                continue;
            }
            String problem = f.split(lines.buffer(), lines.start(), lines.end());
            if (problem == null) {
                problem = host.read(f, row);
            }
            if (problem != null) {
                if (++bad <= MAX_QUOTED_ERRORS) {
                    errors.add(o.hostFile().getFileName() + ":" + lines.number() + ": " + problem);
                }
                continue;
            }
            report.hostLines++;
            if (row.stopMs < lo || row.stopMs >= hi) {
                report.hostOutsidePeriod++;
                continue;
            }
            min = Math.min(min, row.stopMs);
            max = Math.max(max, row.stopMs);
            ByteBuffer d = out.row(row.subscriber);
            d.putLong(row.subscriber);
            d.put((byte) row.service);
            d.putLong(row.startMs);
            d.putLong(row.stopMs);
            d.putLong(row.quantity);
            d.putLong(row.amountMicros);
            d.putLong(lines.number());
            d.putInt(row.records);
            Partitions.putText(d, row.visitedPlmn);
            Partitions.putText(d, row.calledNumber);
            Partitions.putText(d, row.recordId);
        }
        if (bad > 0) {
            StringBuilder sb = new StringBuilder(o.hostFile() + ": " + bad + " bad line" + (bad == 1 ? "" : "s")
                    + ", nothing settled:");
            for (String e : errors) {
                sb.append("\n  ").append(e);
            }
            if (bad > errors.size()) {
                sb.append("\n  ... ").append(bad - errors.size()).append(" more");
            }
            throw new BadInput(sb.toString());
        }
        if (!filter) {
            if (min == Long.MAX_VALUE) {
                throw new BadInput(o.hostFile() + ": no records, and no --from/--to to say which period to settle");
            }
            setPeriod(day(min), day(max));
        }
    }

    private LocalDate day(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(o.zone()).toLocalDate();
    }

    private void setPeriod(LocalDate from, LocalDate to) {
        LocalDate f = from != null ? from : to;
        LocalDate t = to != null ? to : from;
        periodStartMs = f.atStartOfDay(o.zone()).toInstant().toEpochMilli();
        periodEndMs = t.plusDays(1).atStartOfDay(o.zone()).toInstant().toEpochMilli();
        report.from = f;
        report.to = t;
    }

    // ---- Gyro's records -------------------------------------------------------------------------------------

    /** What one reader of Gyro's files counted. */
    private static final class GyroCounts {
        long read;
        long notSettled;
        long withoutImsi;
    }

    /**
     * Reads Gyro's records of the period (and a day either side, for sessions that cross its edges) on
     * {@code threads} readers, each over its share of the files into its own spill files.
     */
    private List<Partitions> readGyro(ExecutorService pool, int threads, Path tmp, int partitions)
            throws BadInput, IOException {
        long lo = periodStartMs - DAY_MS;
        long hi = periodEndMs + DAY_MS;
        List<Path> files;
        boolean export = o.exportRecords() != null;
        if (export) {
            if (!Files.exists(o.exportRecords())) {
                throw new BadInput(o.exportRecords() + ": no such file or directory");
            }
            files = Files.isDirectory(o.exportRecords())
                    ? GyroRecords.files(o.exportRecords(), GyroRecords.EXPORT_FILE, day(lo), day(hi))
                    : List.of(o.exportRecords());
        } else {
            if (!Files.isDirectory(o.journalDir())) {
                throw new BadInput(o.journalDir() + ": no such directory (give --data-dir, or --records for a CDR export)");
            }
            files = GyroRecords.files(o.journalDir(), GyroRecords.JOURNAL_FILE,
                    Instant.ofEpochMilli(lo).atZone(ZoneOffset.UTC).toLocalDate(),
                    Instant.ofEpochMilli(hi).atZone(ZoneOffset.UTC).toLocalDate());
        }
        int readers = Math.max(1, Math.min(threads, files.size()));
        List<Partitions> sides = new ArrayList<>();
        List<Future<GyroRecords.Counts>> counts = new ArrayList<>();
        List<GyroCounts> gyroCounts = new ArrayList<>();
        boolean byImsi = host.key == HostFile.SubscriberKey.IMSI;
        // readers take the next file as they finish one, so that a reader that started late (behind the host
        // file's) does not leave the other idle at the end
        java.util.concurrent.atomic.AtomicInteger nextFile = new java.util.concurrent.atomic.AtomicInteger();
        for (int k = 0; k < readers; k++) {
            Partitions out = new Partitions(tmp, "gyro-" + k, partitions);
            sides.add(out);
            GyroCounts c = new GyroCounts();
            gyroCounts.add(c);
            GyroRecords.Visitor visitor = r -> {
                c.read++;
                if (!(r.isUsage() || r.kind == CdrKind.REFUND) || r.tsMs < lo || r.tsMs >= hi) {
                    return;
                }
                int svc = service(r.unit);
                if (svc < 0) {
                    c.notSettled++;
                    return;
                }
                long subscriber = byImsi ? r.imsi : r.msisdn;
                if (subscriber <= 0) {
                    c.withoutImsi++;
                    return;
                }
                ByteBuffer d = out.row(subscriber);
                d.putLong(subscriber);
                d.put((byte) svc);
                d.put((byte) r.kind.ordinal());
                d.putLong(r.sessionId.present() ? r.sessionId.hash64() : ~r.seq);
                d.putLong(r.seq);
                d.putLong(r.tsMs);
                d.putLong(r.usageStartMs);
                d.putLong(r.usageStopMs);
                d.putLong(r.units);
                d.putLong(r.wholesaleMicros);
                Partitions.putText(d, r.visitedPlmn.bytes(), r.visitedPlmn.present() ? r.visitedPlmn.length() : 0);
                Partitions.putText(d, r.calledNumber.bytes(), r.calledNumber.present() ? r.calledNumber.length() : 0);
            };
            counts.add(pool.submit(() -> {
                GyroRecords.Counts all = new GyroRecords.Counts();
                try (out) {
                    for (int i = nextFile.getAndIncrement(); i < files.size(); i = nextFile.getAndIncrement()) {
                        List<Path> one = List.of(files.get(i));
                        all.add(export ? GyroRecords.readExport(one, visitor) : GyroRecords.readJournal(one, o.catalogue(), visitor));
                    }
                }
                return all;
            }));
        }
        for (int k = 0; k < readers; k++) {
            GyroRecords.Counts c = join(counts.get(k));
            GyroCounts g = gyroCounts.get(k);
            report.gyroFiles += c.files;
            report.gyroUnreadable += c.unreadable;
            for (String line : c.unreadableLines) {
                if (report.gyroUnreadableLines.size() < GyroRecords.MAX_QUOTED) {
                    report.gyroUnreadableLines.add(line);
                }
            }
            report.gyroRecordsRead += g.read;
            report.gyroNotSettled += g.notSettled;
            report.gyroWithoutImsi += g.withoutImsi;
        }
        if (byImsi && report.gyroWithoutImsi > 0 && report.gyroWithoutImsi * 2 > report.gyroRecordsRead) {
            throw new BadInput("the host file names subscribers by imsi, but " + report.gyroWithoutImsi
                    + " of Gyro's usage records carry no imsi: add an msisdn column to the host file");
        }
        return sides;
    }

    /** The host's service of a catalogue unit: octets are data, seconds voice, events SMS; -1 for other units. */
    static int service(ServiceKind unit) {
        if (unit == null) {
            return -1;
        }
        return switch (unit) {
            case BYTES -> HostFile.DATA;
            case SECONDS -> HostFile.VOICE;
            case EVENTS -> HostFile.SMS;
            default -> -1;
        };
    }
}
