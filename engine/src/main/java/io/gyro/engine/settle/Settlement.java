package io.gyro.engine.settle;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.ServiceKind;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
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
                          boolean listGrid) {
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

    private Settlement(Options options) {
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
        Files.createDirectories(o.out());
        Path tmp = Files.createTempDirectory(o.out(), ".settle-");
        try {
            Partitions hostSide = new Partitions(tmp, "host", partitions);
            Partitions gyroSide = new Partitions(tmp, "gyro", partitions);
            try {
                readHost(hostSide);
            } finally {
                hostSide.close();
            }
            try {
                readGyro(gyroSide);
            } finally {
                gyroSide.close();
            }
            report.open(o.out());
            try {
                for (int p = 0; p < partitions; p++) {
                    settlePartition(hostSide, gyroSide, p);
                }
            } finally {
                report.closeDifferences();
            }
            hostSide.delete();
            gyroSide.delete();
        } finally {
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

    // ---- the host file --------------------------------------------------------------------------------------

    private void readHost(Partitions out) throws BadInput, IOException {
        Times times = new Times(o.zone());
        CsvFields f = new CsvFields();
        HostFile.Row row = new HostFile.Row();
        List<String> errors = new ArrayList<>();
        long bad = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        boolean filter = o.from() != null || o.to() != null;
        long lo = Long.MIN_VALUE;
        long hi = Long.MAX_VALUE;
        try (ByteLines lines = new ByteLines(Files.newInputStream(o.hostFile()))) {
            while (lines.next()) {
                if (lines.isBlank() || lines.buffer()[lines.start()] == '#') {
                    continue;
                }
                String problem = f.split(lines.buffer(), lines.start(), lines.end());
                if (host == null) {
                    if (problem != null) {
                        throw new BadInput(o.hostFile() + ":" + lines.number() + ": the header line: " + problem);
                    }
                    try {
                        host = HostFile.header(f, times);
                    } catch (HostFile.BadHeader e) {
                        throw new BadInput(o.hostFile() + ":" + lines.number() + ": the header line: " + e.getMessage()
                                + " (docs/SETTLEMENT.md names the columns)");
                    }
                    report = new SettleReport(o, host, o.exportRecords() != null ? o.exportRecords().toString()
                            : o.journalDir().toString());
                    if (filter) {
                        setPeriod(o.from(), o.to());
                        lo = host.granularity == HostFile.Granularity.PER_DAY ? periodStartMs : periodStartMs - o.toleranceMs();
                        hi = host.granularity == HostFile.Granularity.PER_DAY ? periodEndMs : periodEndMs + o.toleranceMs();
                    }
                    continue;
                }
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
                DataOutputStream d = out.out(row.subscriber);
                d.writeLong(row.subscriber);
                d.writeByte(row.service);
                d.writeLong(row.startMs);
                d.writeLong(row.stopMs);
                d.writeLong(row.quantity);
                d.writeLong(row.amountMicros);
                d.writeLong(lines.number());
                d.writeInt(row.records);
                Partitions.writeText(d, row.visitedPlmn);
                Partitions.writeText(d, row.calledNumber);
                Partitions.writeText(d, row.recordId);
            }
        }
        if (host == null) {
            throw new BadInput(o.hostFile() + ": empty: no header line");
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

    private void readGyro(Partitions out) throws BadInput, IOException {
        long lo = periodStartMs - DAY_MS;
        long hi = periodEndMs + DAY_MS;
        boolean byImsi = host.key == HostFile.SubscriberKey.IMSI;
        GyroRecords.Visitor visitor = r -> {
            report.gyroRecordsRead++;
            if (!(r.isUsage() || r.kind == CdrKind.REFUND) || r.tsMs < lo || r.tsMs >= hi) {
                return;
            }
            int svc = service(r.unit);
            if (svc < 0) {
                report.gyroNotSettled++;
                return;
            }
            long subscriber = byImsi ? r.imsi : r.msisdn;
            if (subscriber <= 0) {
                report.gyroWithoutImsi++;
                return;
            }
            DataOutputStream d = out.out(subscriber);
            d.writeLong(subscriber);
            d.writeByte(svc);
            d.writeByte(r.kind.ordinal());
            d.writeLong(r.sessionId.present() ? r.sessionId.hash64() : ~r.seq);
            d.writeLong(r.seq);
            d.writeLong(r.tsMs);
            d.writeLong(r.usageStartMs);
            d.writeLong(r.usageStopMs);
            d.writeLong(r.units);
            d.writeLong(r.wholesaleMicros);
            Partitions.writeText(d, r.visitedPlmn.bytes(), r.visitedPlmn.present() ? r.visitedPlmn.length() : 0);
            Partitions.writeText(d, r.calledNumber.bytes(), r.calledNumber.present() ? r.calledNumber.length() : 0);
        };
        LocalDate fromUtc = Instant.ofEpochMilli(lo).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate toUtc = Instant.ofEpochMilli(hi).atZone(ZoneOffset.UTC).toLocalDate();
        GyroRecords.Counts counts;
        if (o.exportRecords() != null) {
            if (!Files.exists(o.exportRecords())) {
                throw new BadInput(o.exportRecords() + ": no such file or directory");
            }
            counts = GyroRecords.readExport(o.exportRecords(), day(lo), day(hi), visitor);
        } else {
            if (!Files.isDirectory(o.journalDir())) {
                throw new BadInput(o.journalDir() + ": no such directory (give --data-dir, or --records for a CDR export)");
            }
            counts = GyroRecords.readJournal(o.journalDir(), fromUtc, toUtc, o.catalogue(), visitor);
        }
        report.gyroFiles = counts.files;
        report.gyroUnreadable = counts.unreadable;
        report.gyroUnreadableLines.addAll(counts.unreadableLines);
        if (byImsi && report.gyroWithoutImsi > 0 && report.gyroRecordsRead > 0 && counts.files > 0
                && report.gyroWithoutImsi * 2 > report.gyroRecordsRead) {
            throw new BadInput("the host file names subscribers by imsi, but " + report.gyroWithoutImsi
                    + " of Gyro's usage records carry no imsi: add an msisdn column to the host file");
        }
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

    private void settlePartition(Partitions hostSide, Partitions gyroSide, int p) throws IOException {
        List<Item> hostItems = readHostItems(hostSide, p);
        List<Item> gyroItems = readGyroItems(gyroSide, p);
        Comparator<Item> order = Comparator.comparingLong((Item i) -> i.subscriber).thenComparingInt(i -> i.service)
                .thenComparingLong(i -> i.stopMs).thenComparingLong(i -> i.line).thenComparingLong(i -> i.firstSeq);
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
                report.add(SettleReport.Verdict.UNBILLED, null, unbilled.get(u++));
            }
            Item g = h.partner;
            if (g == null) {
                if (inPeriod(h.stopMs)) {
                    report.add(SettleReport.Verdict.LEAKAGE, h, null);
                }
            } else if (inPeriod(h.stopMs) || inPeriod(g.stopMs)) {
                report.add(verdict(h, g), h, g);
            }
        }
        while (u < unbilled.size()) {
            report.add(SettleReport.Verdict.UNBILLED, null, unbilled.get(u++));
        }
    }

    private boolean inPeriod(long ms) {
        return ms >= periodStartMs && ms < periodEndMs;
    }

    private List<Item> readHostItems(Partitions side, int p) throws IOException {
        List<Item> items = new ArrayList<>();
        try (DataInputStream in = side.in(p)) {
            while (true) {
                long subscriber;
                try {
                    subscriber = in.readLong();
                } catch (EOFException end) {
                    break;
                }
                Item i = new Item();
                i.subscriber = subscriber;
                i.service = in.readByte();
                i.startMs = in.readLong();
                i.stopMs = in.readLong();
                i.quantity = in.readLong();
                i.amountMicros = in.readLong();
                i.line = in.readLong();
                i.records = in.readInt();
                i.visitedPlmn = Partitions.readText(in);
                i.calledNumber = Partitions.readText(in);
                i.recordId = Partitions.readText(in);
                if (i.quantity == 0 && i.amountMicros == 0) {
                    report.zeroItems++;
                    continue;
                }
                items.add(i);
            }
        }
        return items;
    }

    /** Gyro's records of the partition summed per session (events are sessions of one record), refunds applied. */
    private List<Item> readGyroItems(Partitions side, int p) throws IOException {
        Map<SessionKey, Item> sessions = new HashMap<>();
        List<Item> refunds = new ArrayList<>();
        try (DataInputStream in = side.in(p)) {
            while (true) {
                long subscriber;
                try {
                    subscriber = in.readLong();
                } catch (EOFException end) {
                    break;
                }
                int svc = in.readByte();
                CdrKind kind = KINDS[in.readByte()];
                long hash = in.readLong();
                long seq = in.readLong();
                long tsMs = in.readLong();
                long start = in.readLong();
                long stop = in.readLong();
                long units = in.readLong();
                long wholesale = in.readLong();
                String plmn = Partitions.readText(in);
                String called = Partitions.readText(in);
                Item i;
                if (kind == CdrKind.REFUND) {
                    i = new Item();
                    refunds.add(i);
                } else {
                    i = sessions.computeIfAbsent(new SessionKey(subscriber, svc, hash), k -> new Item());
                }
                i.subscriber = subscriber;
                i.service = svc;
                i.sessionHash = hash;
                i.event |= kind == CdrKind.EVENT;
                i.addRecord(seq, tsMs, start, stop, units, wholesale);
                if (!plmn.isEmpty()) {
                    i.visitedPlmn = plmn;
                }
                if (i.calledNumber.isEmpty()) {
                    i.calledNumber = called;
                }
            }
        }
        List<Item> items = new ArrayList<>(sessions.values());
        if (!refunds.isEmpty()) {
            applyRefunds(items, refunds);
        }
        List<Item> kept = new ArrayList<>(items.size());
        long lo = periodStartMs - o.toleranceMs();
        long hi = periodEndMs + o.toleranceMs();
        for (Item i : items) {
            if (i.cancelled || i.stopMs < lo || i.stopMs >= hi) {
                continue;
            }
            if (i.quantity == 0 && i.amountMicros == 0) {
                report.zeroItems++;
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
    private void applyRefunds(List<Item> items, List<Item> refunds) {
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
                report.refundsApplied++;
            } else {
                report.refundsUnmatched++;
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
