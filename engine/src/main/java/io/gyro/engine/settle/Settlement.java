package io.gyro.engine.settle;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.ServiceKind;

import java.io.IOException;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * partition is then read back, Gyro's records are summed per session (a session reports its usage in several
 * interim records), and host lines and sessions of one subscriber and service are matched by stop time. Memory
 * holds one partition: about {@value #LINES_PER_PARTITION} host lines and their Gyro records.
 */
public final class Settlement {
    static final long LINES_PER_PARTITION = 200_000;
    private static final long DAY_MS = 86_400_000L;
    private static final CdrKind[] KINDS = CdrKind.values();

    /** What to settle and how. */
    public record Options(Path hostFile, Path journalDir, Path exportRecords, Catalogue catalogue, ZoneId zone,
                          LocalDate from, LocalDate to, Path out, long hostGridBytes, long hostGridSeconds,
                          long gyroGridBytes, long gyroGridSeconds, long toleranceMs, long amountToleranceMicros,
                          boolean listGrid, int threads) {
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
        long hostBytes = Files.size(o.hostFile());
        int partitions = (int) Math.max(1, Math.min(512, hostBytes / (LINES_PER_PARTITION * 100)));
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
        List<Future<Path>> done = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            done.add(pool.submit(() -> {
                Path diff = tmp.resolve("differences-" + partition + ".csv");
                try (Writer w = new BufferedWriter(Files.newBufferedWriter(diff, StandardCharsets.UTF_8), 1 << 16)) {
                    SettleReport.Tally t = report.new Tally(w);
                    try {
                        settlePartition(hostSide, gyroSides, partition, t);
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
            String problem = f.split(lines.buffer(), lines.start(), lines.end());
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

    // ---- one partition --------------------------------------------------------------------------------------

    private record SessionKey(long subscriber, int service, long hash) {
    }

    /** Subscriber, service, stop time, then host line or first seq: the order of matching and of the differences. */
    private static final Comparator<Item> ORDER = (a, b) -> {
        int c = Long.compare(a.subscriber, b.subscriber);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.service, b.service);
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.stopMs, b.stopMs);
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.line, b.line);
        return c != 0 ? c : Long.compare(a.firstSeq, b.firstSeq);
    };

    private void settlePartition(Partitions hostSide, List<Partitions> gyroSides, int p, SettleReport.Tally tally)
            throws IOException {
        List<Item> hostItems = readHostItems(hostSide, p, tally);
        List<Item> gyroItems = readGyroItems(gyroSides, p, tally);
        Comparator<Item> order = ORDER;
        hostItems.sort(order);
        gyroItems.sort(order);
        if (host.granularity == HostFile.Granularity.PER_RECORD) {
            matchByTime(hostItems, gyroItems);
        } else {
            matchByDay(hostItems, gyroItems);
        }
        // verdicts in subscriber, service and time order: host lines and their partners first as they come, then
        // the Gyro sessions nobody billed, merged in by the same order
        List<Item> unbilled = new ArrayList<>();
        for (Item g : gyroItems) {
            if (g.partner == null && inPeriod(g.stopMs)) {
                unbilled.add(g);
            }
        }
        int u = 0;
        for (Item h : hostItems) {
            while (u < unbilled.size() && order.compare(unbilled.get(u), h) < 0) {
                tally.add(SettleReport.Verdict.UNBILLED, null, unbilled.get(u++));
            }
            Item g = h.partner;
            if (g == null) {
                if (inPeriod(h.stopMs)) {
                    tally.add(SettleReport.Verdict.LEAKAGE, h, null);
                }
            } else if (inPeriod(h.stopMs) || inPeriod(g.stopMs)) {
                tally.add(verdict(h, g), h, g);
            }
        }
        while (u < unbilled.size()) {
            tally.add(SettleReport.Verdict.UNBILLED, null, unbilled.get(u++));
        }
    }

    private boolean inPeriod(long ms) {
        return ms >= periodStartMs && ms < periodEndMs;
    }

    private List<Item> readHostItems(Partitions side, int p, SettleReport.Tally tally) throws IOException {
        List<Item> items = new ArrayList<>();
        try (Partitions.Reader in = new Partitions.Reader(side.file(p))) {
            while (in.next()) {
                ByteBuffer b = in.buffer();
                Item i = new Item();
                i.subscriber = b.getLong();
                i.service = b.get();
                i.startMs = b.getLong();
                i.stopMs = b.getLong();
                i.quantity = b.getLong();
                i.amountMicros = b.getLong();
                i.line = b.getLong();
                i.records = b.getInt();
                i.textFile = in.file();
                i.textPosition = in.position();
                in.skipText();
                in.skipText();
                in.skipText();
                if (i.quantity == 0 && i.amountMicros == 0) {
                    tally.zeroItems++;
                    continue;
                }
                items.add(i);
            }
        }
        return items;
    }

    /** Gyro's records of the partition summed per session (events are sessions of one record), refunds applied. */
    private List<Item> readGyroItems(List<Partitions> sides, int p, SettleReport.Tally tally) throws IOException {
        SessionIndex sessions = new SessionIndex(1 << 16);
        List<Item> refunds = new ArrayList<>();
        for (Partitions side : sides) {
          try (Partitions.Reader in = new Partitions.Reader(side.file(p))) {
            while (in.next()) {
                ByteBuffer b = in.buffer();
                long subscriber = b.getLong();
                int svc = b.get();
                CdrKind kind = KINDS[b.get()];
                long hash = b.getLong();
                long seq = b.getLong();
                long tsMs = b.getLong();
                long start = b.getLong();
                long stop = b.getLong();
                long units = b.getLong();
                long wholesale = b.getLong();
                long texts = in.position();
                in.skipText();
                in.skipText();
                Item i;
                if (kind == CdrKind.REFUND) {
                    i = new Item();
                    refunds.add(i);
                } else {
                    i = sessions.get(subscriber, svc, hash);
                }
                i.subscriber = subscriber;
                i.service = svc;
                i.sessionHash = hash;
                i.event |= kind == CdrKind.EVENT;
                if (seq < i.firstSeq) {
                    // the texts of the session's first record, whichever reader spilled it
                    i.textFile = in.file();
                    i.textPosition = texts;
                }
                i.addRecord(seq, tsMs, start, stop, units, wholesale);
            }
          }
        }
        List<Item> items = sessions.items();
        if (!refunds.isEmpty()) {
            applyRefunds(items, refunds, tally);
        }
        List<Item> kept = new ArrayList<>(items.size());
        long lo = periodStartMs - o.toleranceMs();
        long hi = periodEndMs + o.toleranceMs();
        for (Item i : items) {
            if (i.cancelled || i.stopMs < lo || i.stopMs >= hi) {
                continue;
            }
            if (i.quantity == 0 && i.amountMicros == 0) {
                tally.zeroItems++;
                continue;
            }
            kept.add(i);
        }
        return host.granularity == HostFile.Granularity.PER_DAY ? perDay(kept) : kept;
    }

    /**
     * A refund gives back an event that did not happen (an SMS not delivered): it cancels the latest event of the
     * same subscriber and service, at or before it, with the same units; the host bills neither.
     */
    private void applyRefunds(List<Item> items, List<Item> refunds, SettleReport.Tally tally) {
        Map<Long, List<Item>> events = new HashMap<>();
        for (Item i : items) {
            if (i.event) {
                events.computeIfAbsent(i.subscriber * 4 + i.service, k -> new ArrayList<>()).add(i);
            }
        }
        for (List<Item> l : events.values()) {
            l.sort(Comparator.comparingLong(i -> i.stopMs));
        }
        refunds.sort(Comparator.comparingLong(i -> i.firstSeq));
        for (Item r : refunds) {
            List<Item> l = events.get(r.subscriber * 4 + r.service);
            boolean done = false;
            if (l != null) {
                for (int k = l.size() - 1; k >= 0 && !done; k--) {
                    Item e = l.get(k);
                    if (!e.cancelled && e.firstSeq < r.firstSeq && e.quantity == r.quantity) {
                        e.cancelled = true;
                        done = true;
                    }
                }
            }
            if (done) {
                tally.refundsApplied++;
            } else {
                tally.refundsUnmatched++;
            }
        }
    }

    /** Sessions summed per subscriber, service and local day of their stop. */
    private List<Item> perDay(List<Item> sessions) {
        Times times = new Times(o.zone());
        Map<SessionKey, Item> days = new HashMap<>();
        for (Item s : sessions) {
            long day = times.dayStartMs(s.stopMs);
            Item d = days.computeIfAbsent(new SessionKey(s.subscriber, s.service, day), k -> new Item());
            d.subscriber = s.subscriber;
            d.service = s.service;
            d.startMs = day;
            d.stopMs = day;
            d.quantity += s.quantity;
            d.amountMicros = Math.addExact(d.amountMicros, s.amountMicros);
            d.records += s.records;
            d.sessions++;
            d.firstSeq = Math.min(d.firstSeq, s.firstSeq);
            d.lastSeq = Math.max(d.lastSeq, s.lastSeq);
        }
        List<Item> out = new ArrayList<>(days.values());
        out.removeIf(d -> !inPeriod(d.stopMs));
        return out;
    }

    // ---- matching -------------------------------------------------------------------------------------------

    /**
     * Per subscriber and service, in stop order: each host line takes the unmatched Gyro session whose stop time is
     * nearest within the tolerance, preferring one whose quantity and amount agree (so that of two SMS a minute
     * apart, the roaming one pairs with the roaming one).
     */
    private void matchByTime(List<Item> hostItems, List<Item> gyroItems) {
        long tol = o.toleranceMs();
        int g0 = 0;
        int h = 0;
        while (h < hostItems.size()) {
            Item first = hostItems.get(h);
            int hEnd = h;
            while (hEnd < hostItems.size() && sameGroup(hostItems.get(hEnd), first)) {
                hEnd++;
            }
            while (g0 < gyroItems.size() && groupBefore(gyroItems.get(g0), first)) {
                g0++;
            }
            int gEnd = g0;
            while (gEnd < gyroItems.size() && sameGroup(gyroItems.get(gEnd), first)) {
                gEnd++;
            }
            int lo = g0;
            for (int k = h; k < hEnd; k++) {
                Item hi = hostItems.get(k);
                while (lo < gEnd && gyroItems.get(lo).stopMs < hi.stopMs - tol) {
                    lo++;
                }
                Item best = null;
                long bestScore = Long.MAX_VALUE;
                for (int j = lo; j < gEnd; j++) {
                    Item g = gyroItems.get(j);
                    if (g.stopMs > hi.stopMs + tol) {
                        break;
                    }
                    if (g.partner != null) {
                        continue;
                    }
                    long score = Math.abs(g.stopMs - hi.stopMs);
                    SettleReport.Verdict v = verdict(hi, g);
                    if (v == SettleReport.Verdict.QUANTITY) {
                        score += 4 * tol + 4;
                    } else if (v == SettleReport.Verdict.AMOUNT) {
                        score += 2 * tol + 2;
                    }
                    if (score < bestScore) {
                        bestScore = score;
                        best = g;
                    }
                }
                if (best != null) {
                    best.partner = hi;
                    hi.partner = best;
                }
            }
            h = hEnd;
            g0 = gEnd;
        }
    }

    /** Per-day files: the host's line and Gyro's sum for the same subscriber, service and day. */
    private void matchByDay(List<Item> hostItems, List<Item> gyroItems) {
        int g = 0;
        for (Item h : hostItems) {
            while (g < gyroItems.size() && before(gyroItems.get(g), h)) {
                g++;
            }
            if (g < gyroItems.size()) {
                Item c = gyroItems.get(g);
                if (sameGroup(c, h) && c.stopMs == h.stopMs && c.partner == null) {
                    c.partner = h;
                    h.partner = c;
                }
            }
        }
    }

    private static boolean sameGroup(Item a, Item b) {
        return a.subscriber == b.subscriber && a.service == b.service;
    }

    private static boolean groupBefore(Item a, Item b) {
        return a.subscriber < b.subscriber || (a.subscriber == b.subscriber && a.service < b.service);
    }

    private static boolean before(Item a, Item b) {
        return groupBefore(a, b) || (sameGroup(a, b) && a.stopMs < b.stopMs);
    }

    /**
     * The verdict on a pair. Quantities may differ by one host grid step per host record (the host rounds each
     * record up, Gyro records what the network reported) plus one Gyro step per Gyro record; amounts by what that
     * difference costs at the pair's own rate (Gyro's amount over Gyro's quantity), plus the amount tolerance.
     */
    SettleReport.Verdict verdict(Item h, Item g) {
        long qtyDiff = Math.abs(h.quantity - g.quantity);
        long amountDiff = Math.abs(h.amountMicros - g.amountMicros);
        if (qtyDiff == 0 && amountDiff <= o.amountToleranceMicros()) {
            return amountDiff == 0 ? SettleReport.Verdict.EXACT : SettleReport.Verdict.GRID;
        }
        long hostStep = h.service == HostFile.DATA ? o.hostGridBytes() : h.service == HostFile.VOICE ? o.hostGridSeconds() : 0;
        long gyroStep = g.service == HostFile.DATA ? o.gyroGridBytes() : g.service == HostFile.VOICE ? o.gyroGridSeconds() : 0;
        long hostRecords = h.records > 0 ? h.records : Math.max(1, g.sessions);
        long allowance = hostStep * hostRecords + gyroStep * g.records;
        if (qtyDiff > allowance) {
            return SettleReport.Verdict.QUANTITY;
        }
        long explained = g.quantity > 0 ? mulDivCeil(qtyDiff, Math.abs(g.amountMicros), g.quantity) : 0;
        if (amountDiff > explained + o.amountToleranceMicros()) {
            return SettleReport.Verdict.AMOUNT;
        }
        return SettleReport.Verdict.GRID;
    }

    /** {@code ceil(a * b / c)} for non-negative a, b and positive c, exact. */
    static long mulDivCeil(long a, long b, long c) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            return low / c + (low % c == 0 ? 0 : 1);
        }
        BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(c));
        return qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
    }
}
