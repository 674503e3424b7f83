package io.gyro.engine.settle;

import io.gyro.rating.money.Money;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded month (or any number of days) of charging records written straight as the journal's JSON-lines files,
 * as the engine writes them, with the fields the settlement reads (imsi, visitedMccMnc when roaming, calledNumber,
 * usageStartMs, usageStopMs, packageId, serviceName), and each session handed to a {@link SessionSink} so a test derives the host file from
 * the same traffic. Services are numbered as in config/catalogue.yaml: 0 data, 1 voice, 2 sms. Wholesale costs are
 * the catalogue's: data 0.005 per MB on a 1 KB grid per record, roaming data (Asia) 0.05 per MB on 10 KB, voice 0.05
 * per started minute, SMS 0.03.
 *
 * <p>Per subscriber and day: a data session with probability {@link #pData} (1 to 3 interim records and a final
 * one), a call with {@link #pVoice} (one final record), an SMS with {@link #pSms} (one event). One data session in
 * 50 roams in Hong Kong (45400). Half the subscribers are on {@code basic}, half on {@code data-max}.
 */
final class TrafficGenerator implements Closeable {
    static final long FIRST_MSISDN = 8617000000001L;
    static final long FIRST_IMSI = 460990000000001L;
    static final long MB = 1L << 20;
    static final String HOME_PLMN = "46001";
    static final String ROAMING_PLMN = "45400";

    /** One session or event as the network saw it, with what Gyro charged for it. */
    static final class Session {
        long number;
        long msisdn;
        long imsi;
        String packageId;
        int service;
        String sessionId;
        long startMs;
        long stopMs;
        long units;
        long wholesaleMicros;
        String visitedPlmn;
        String calledNumber = "";
        boolean roaming;
        int records;
    }

    interface SessionSink {
        /** @return false to leave the session out of Gyro's records (Gyro "lost" it) */
        boolean accept(Session s) throws IOException;
    }

    double pData = 0.30;
    double pVoice = 0.15;
    double pSms = 0.20;

    private final Path journalDir;
    private final SplittableRandom random;
    private final List<String[]> pending = new ArrayList<>();
    private long seq;
    private long sessionNumber;
    private Writer file;
    private long fileDay = Long.MIN_VALUE;
    long records;

    TrafficGenerator(Path journalDir, long seed) throws IOException {
        this.journalDir = journalDir;
        this.random = new SplittableRandom(seed);
        Files.createDirectories(journalDir);
    }

    /** Generates {@code days} local days from {@code first} in {@code zone} for {@code subscribers}. */
    void generate(LocalDate first, int days, int subscribers, ZoneId zone, SessionSink sink) throws IOException {
        List<Rec> queue = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            long dayStart = first.plusDays(d).atStartOfDay(zone).toInstant().toEpochMilli();
            long dayEnd = first.plusDays(d + 1).atStartOfDay(zone).toInstant().toEpochMilli();
            for (int i = 0; i < subscribers; i++) {
                long msisdn = FIRST_MSISDN + i;
                long imsi = FIRST_IMSI + i;
                String pkg = i % 2 == 0 ? "basic" : "data-max";
                if (random.nextDouble() < pData) {
                    data(queue, sink, msisdn, imsi, pkg, dayStart + random.nextLong(86_400_000L - 4 * 3_600_000L));
                }
                if (random.nextDouble() < pVoice) {
                    voice(queue, sink, msisdn, imsi, pkg, dayStart + random.nextLong(86_400_000L - 3_600_000L));
                }
                if (random.nextDouble() < pSms) {
                    sms(queue, sink, msisdn, imsi, pkg, dayStart + random.nextLong(86_400_000L - 60_000L));
                }
            }
            queue.sort(Comparator.comparingLong(r -> r.tsMs));
            int k = 0;
            for (; k < queue.size() && queue.get(k).tsMs < dayEnd; k++) {
                write(queue.get(k));
            }
            queue.subList(0, k).clear();
        }
        for (Rec r : queue) {
            write(r);
        }
    }

    /** A record waiting for its turn in time order. */
    private static final class Rec {
        long tsMs;
        String kind;
        Session s;
        long ccRequestNumber;
        long units;
        long wholesaleMicros;
        long usageStartMs;
        long usageStopMs;
    }

    private void data(List<Rec> queue, SessionSink sink, long msisdn, long imsi, String pkg, long startMs) throws IOException {
        Session s = session(msisdn, imsi, pkg, 0, startMs);
        s.roaming = random.nextInt(50) == 0;
        s.visitedPlmn = s.roaming ? ROAMING_PLMN : HOME_PLMN;
        int interims = 1 + random.nextInt(3);
        long t = startMs;
        List<Rec> recs = new ArrayList<>();
        for (int r = 0; r <= interims; r++) {
            long next = t + 60_000L + random.nextLong(30 * 60_000L);
            long units = r == interims && random.nextInt(4) == 0 ? random.nextLong(2048) : 50_000 + random.nextLong(20 * MB);
            long cost = s.roaming ? Money.priceOf(Money.roundUp(units, 10 * 1024), 50_000, MB)
                    : Money.priceOf(Money.roundUp(units, 1024), 5_000, MB);
            Rec rec = new Rec();
            rec.tsMs = next;
            rec.kind = r == interims ? "SESSION_END" : "SESSION_INTERIM";
            rec.s = s;
            rec.ccRequestNumber = r + 1;
            rec.units = units;
            rec.wholesaleMicros = cost;
            rec.usageStartMs = t;
            rec.usageStopMs = next;
            recs.add(rec);
            s.units += units;
            s.wholesaleMicros += cost;
            t = next;
        }
        s.stopMs = t;
        s.records = recs.size();
        if (sink.accept(s)) {
            queue.addAll(recs);
        }
    }

    private void voice(List<Rec> queue, SessionSink sink, long msisdn, long imsi, String pkg, long startMs) throws IOException {
        Session s = session(msisdn, imsi, pkg, 1, startMs);
        s.visitedPlmn = HOME_PLMN;
        s.calledNumber = Long.toString(13_800_000_000L + random.nextInt(100_000_000));
        long seconds = 5 + random.nextInt(900);
        s.units = seconds;
        s.stopMs = startMs + seconds * 1000L;
        s.wholesaleMicros = Money.priceOf(Money.roundUp(seconds, 60), 50_000, 60);
        s.records = 1;
        Rec rec = new Rec();
        rec.tsMs = s.stopMs;
        rec.kind = "SESSION_END";
        rec.s = s;
        rec.ccRequestNumber = 1;
        rec.units = seconds;
        rec.wholesaleMicros = s.wholesaleMicros;
        rec.usageStartMs = startMs;
        rec.usageStopMs = s.stopMs;
        if (sink.accept(s)) {
            queue.add(rec);
        }
    }

    private void sms(List<Rec> queue, SessionSink sink, long msisdn, long imsi, String pkg, long atMs) throws IOException {
        Session s = session(msisdn, imsi, pkg, 2, atMs);
        s.visitedPlmn = HOME_PLMN;
        s.calledNumber = Long.toString(13_900_000_000L + random.nextInt(100_000_000));
        s.units = 1;
        s.stopMs = atMs;
        s.wholesaleMicros = 30_000;
        s.records = 1;
        Rec rec = new Rec();
        rec.tsMs = atMs;
        rec.kind = "EVENT";
        rec.s = s;
        rec.ccRequestNumber = 0;
        rec.units = 1;
        rec.wholesaleMicros = 30_000;
        rec.usageStartMs = Long.MIN_VALUE;
        rec.usageStopMs = Long.MIN_VALUE;
        if (sink.accept(s)) {
            queue.add(rec);
        }
    }

    private Session session(long msisdn, long imsi, String pkg, int service, long startMs) {
        Session s = new Session();
        s.number = ++sessionNumber;
        s.msisdn = msisdn;
        s.imsi = imsi;
        s.packageId = pkg;
        s.service = service;
        s.startMs = startMs;
        s.sessionId = "pgw.gyro-mobile.cn;" + (startMs / 1000) + ";" + s.number;
        return s;
    }

    private void write(Rec r) throws IOException {
        long utcDay = Math.floorDiv(r.tsMs, 86_400_000L);
        if (utcDay != fileDay) {
            if (file != null) {
                file.close();
            }
            LocalDate d = LocalDate.ofEpochDay(utcDay);
            file = new BufferedWriter(Files.newBufferedWriter(journalDir.resolve(String.format("cdr-%04d%02d%02d-0001.jsonl",
                    d.getYear(), d.getMonthValue(), d.getDayOfMonth())), StandardCharsets.UTF_8), 1 << 16);
            fileDay = utcDay;
        }
        Session s = r.s;
        long retail = s.service == 0 ? (s.packageId.equals("basic") ? Money.priceOf(Money.roundUp(r.units, 1024), 30_000, MB) : 0)
                : s.service == 1 ? Money.priceOf(Money.roundUp(r.units, 60), 150_000, 60) : 100_000;
        StringBuilder b = new StringBuilder(512);
        b.append("{\"seq\":").append(++seq)
                .append(",\"ts\":\"");
        Times.appendIsoUtc(b, r.tsMs).append('"')
                .append(",\"tsMs\":").append(r.tsMs)
                .append(",\"kind\":\"").append(r.kind).append('"')
                .append(",\"msisdn\":").append(s.msisdn)
                .append(",\"accountId\":").append(s.msisdn)
                .append(",\"sessionId\":\"").append(s.sessionId).append('"');
        if (r.ccRequestNumber > 0) {
            b.append(",\"ccRequestNumber\":").append(r.ccRequestNumber);
        }
        b.append(",\"service\":").append(s.service)
                .append(",\"ratingGroup\":").append(s.service == 0 ? 100 : s.service == 1 ? 300 : 200)
                .append(",\"units\":").append(r.units)
                .append(",\"retailMicros\":").append(retail)
                .append(",\"retail\":\"").append(DailyCdrExport.fixed6(retail)).append('"')
                .append(",\"wholesaleMicros\":").append(r.wholesaleMicros)
                .append(",\"serviceName\":\"").append(s.service == 0 ? "data" : s.service == 1 ? "voice" : "sms").append('"')
                .append(",\"imsi\":").append(s.imsi);
        if (s.roaming) {
            // as the engine writes it: the visited network's MCC-MNC digits, left out at home
            b.append(",\"visitedMccMnc\":").append(s.visitedPlmn);
        }
        if (!s.calledNumber.isEmpty()) {
            b.append(",\"calledNumber\":\"").append(s.calledNumber).append('"');
        }
        if (r.usageStartMs != Long.MIN_VALUE) {
            b.append(",\"usageStartMs\":").append(r.usageStartMs).append(",\"usageStopMs\":").append(r.usageStopMs);
        }
        b.append(",\"packageId\":\"").append(s.packageId).append('"')
                .append(",\"bucketsTouched\":[[1,").append(r.units).append(",0]]")
                .append(",\"moneyAfterMicros\":50000000,\"reservedAfterMicros\":0,\"nextBucketId\":4")
                .append(",\"buckets\":[[1,0,3221225472,0,1799337600000,30,0],[2,1,6000,0,1799337600000,30,1]]")
                .append(",\"explanation\":\"").append(s.service == 0 ? (s.roaming ? "roam-data-asia" : "data-std")
                        : s.service == 1 ? "voice-national" : "sms-std").append(" \\\"rated\\\"\"}\n");
        file.write(b.toString());
        records++;
    }

    /** A host line of the per-record layout (see {@link #HOST_HEADER}) for {@code s}. */
    static String hostLine(Session s, long quantity, long amountMicros, ZoneId zone) {
        StringBuilder b = new StringBuilder(160);
        b.append(s.imsi).append(',').append(s.msisdn).append(',');
        local(b, s.startMs, zone).append(',');
        local(b, s.stopMs, zone).append(',');
        b.append(s.service == 0 ? "data" : s.service == 1 ? "voice" : "sms").append(',').append(quantity).append(',')
                .append(s.visitedPlmn).append(',').append(s.calledNumber).append(',').append(DailyCdrExport.fixed6(amountMicros))
                .append(",H").append(s.number).append('\n');
        return b.toString();
    }

    /** ISO-8601 with the zone's offset at that instant, {@code 2026-11-03T08:15:02.123+08:00}. */
    private static StringBuilder local(StringBuilder b, long ms, ZoneId zone) {
        int offset = zone.getRules().getOffset(Instant.ofEpochMilli(ms)).getTotalSeconds();
        Times.appendIsoUtc(b, ms + offset * 1000L);
        b.setLength(b.length() - 1);
        return b.append(java.time.ZoneOffset.ofTotalSeconds(offset).getId().replace("Z", "+00:00"));
    }

    static final String HOST_HEADER = "imsi,msisdn,start_time,stop_time,service,quantity,visited_plmn,called_number,amount,record_id\n";

    /** The host's data quantity: the session rounded up to its 10 KB grid, priced at its rate. */
    static long hostGridQuantity(Session s) {
        return s.service == 0 ? Money.roundUp(s.units, 10 * 1024) : s.units;
    }

    static long hostAmount(Session s) {
        if (s.service != 0) {
            return s.wholesaleMicros;
        }
        // the host prices its rounded volume; Gyro priced each record on its own 1 KB grid
        long rate = s.roaming ? 50_000 : 5_000;
        return Money.priceOf(hostGridQuantity(s), rate, MB);
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }

    static ZoneId utc() {
        return ZoneOffset.UTC;
    }

    /**
     * Writes a data directory's journal and the matching host file (on the host's 10 KB grid), for timing
     * {@code gyro settle} at scale: {@code TrafficGenerator DIR SUBSCRIBERS DAYS} writes DIR/data/journal and
     * DIR/host.csv for the days from 2026-11-01 in Asia/Shanghai.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int subscribers = Integer.parseInt(args[1]);
        int days = Integer.parseInt(args[2]);
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        long startNs = System.nanoTime();
        long[] lines = {0};
        try (Writer host = new BufferedWriter(Files.newBufferedWriter(dir.resolve("host.csv"), StandardCharsets.UTF_8), 1 << 20);
             TrafficGenerator g = new TrafficGenerator(dir.resolve("data").resolve("journal"), 42)) {
            host.write(HOST_HEADER);
            g.generate(LocalDate.of(2026, 11, 1), days, subscribers, zone, s -> {
                host.write(hostLine(s, hostGridQuantity(s), hostAmount(s), zone));
                lines[0]++;
                return true;
            });
            System.out.printf("%,d host lines, %,d Gyro records in %.1f s%n", lines[0], g.records,
                    (System.nanoTime() - startNs) / 1e9);
        }
    }
}
