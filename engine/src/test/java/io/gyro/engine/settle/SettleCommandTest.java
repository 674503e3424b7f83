package io.gyro.engine.settle;

import io.gyro.engine.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gyro settle} through picocli, in-process, on a generated month: 10,000 subscribers on two packages over
 * November 2026 (Asia/Shanghai, the sample catalogue's zone), data sessions with interim records (one in 50 roaming),
 * calls and SMS (about 0.26 sessions per subscriber and day: 78,000 sessions, 140,000 records), written as the journal's JSON-lines files by {@link TrafficGenerator}. The host files are derived
 * from the same sessions: every data session rounded up to the host's 10 KB grid; the dirty one also bills a session
 * Gyro lost, prices a roaming session at another rate, and lacks one SMS.
 */
@Timeout(120)
class SettleCommandTest {
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final LocalDate FIRST = LocalDate.of(2026, 11, 1);
    static final int DAYS = 30;
    static final int SUBSCRIBERS = 10_000;

    @TempDir
    static Path root;
    static Path data;
    static Path catalogue;
    static final List<TrafficGenerator.Session> charged = new ArrayList<>();
    static TrafficGenerator.Session lost;
    static TrafficGenerator.Session roamingRepriced;
    static TrafficGenerator.Session smsHostLacks;
    static long recordsWritten;

    @BeforeAll
    static void generateAMonth() throws IOException {
        data = root.resolve("data");
        catalogue = repoRoot().resolve("config/catalogue.yaml");
        try (TrafficGenerator g = new TrafficGenerator(data.resolve("journal"), 20261101L)) {
            // about 0.26 sessions per subscriber and day (78,000 in the month, 140,000 records): enough for every
            // case and a month of partitions, small enough to settle several times in a test
            g.pData = 0.12;
            g.pVoice = 0.06;
            g.pSms = 0.08;
            g.generate(FIRST, DAYS, SUBSCRIBERS, ZONE, s -> {
                if (lost == null && s.service == 0 && !s.roaming && s.number > 30_000) {
                    lost = s; // the host billed it, Gyro has no record of it
                    return false;
                }
                if (roamingRepriced == null && s.roaming && s.units > 10 * TrafficGenerator.MB && s.number > 20_000) {
                    roamingRepriced = s;
                }
                if (smsHostLacks == null && s.service == 2 && s.number > 60_000) {
                    smsHostLacks = s;
                }
                charged.add(s);
                return true;
            });
            recordsWritten = g.records;
        }
        assertTrue(lost != null && roamingRepriced != null && smsHostLacks != null, "the generator made each case");
    }

    record Run(int code, String out, String err) {
    }

    static Run gyro(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run settle(Path hostFile, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("settle", hostFile.toString(), "--data-dir", data.toString(),
                "--set", "catalogue=" + catalogue, "--out", out.toString()));
        args.addAll(List.of(more));
        return gyro(args.toArray(String[]::new));
    }

    /** The host's per-record file: every charged session on the host's grid, and the dirty file's differences. */
    static Path hostFile(String name, boolean dirty) throws IOException {
        Path file = root.resolve(name);
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            w.write(TrafficGenerator.HOST_HEADER);
            for (TrafficGenerator.Session s : charged) {
                if (dirty && s == smsHostLacks) {
                    continue;
                }
                long amount = TrafficGenerator.hostAmount(s);
                if (dirty && s == roamingRepriced) {
                    amount = io.gyro.rating.money.Money.priceOf(TrafficGenerator.hostGridQuantity(s), 80_000, TrafficGenerator.MB);
                }
                w.write(TrafficGenerator.hostLine(s, TrafficGenerator.hostGridQuantity(s), amount, ZONE));
            }
            if (dirty) {
                w.write(TrafficGenerator.hostLine(lost, TrafficGenerator.hostGridQuantity(lost), TrafficGenerator.hostAmount(lost), ZONE));
            }
        }
        return file;
    }

    /** Data sessions whose host quantity or amount differs from Gyro's only by the grid. */
    static long expectedGrid(boolean dirty) {
        long n = 0;
        for (TrafficGenerator.Session s : charged) {
            if (s.service == 0 && !(dirty && s == roamingRepriced)
                    && (TrafficGenerator.hostGridQuantity(s) != s.units || TrafficGenerator.hostAmount(s) != s.wholesaleMicros)) {
                n++;
            }
        }
        return n;
    }

    static List<String[]> differences(Path out) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("differences.csv"));
        assertEquals(SettleReport.CSV_HEADER.trim(), lines.get(0));
        List<String[]> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            rows.add(l.split(",", -1));
        }
        return rows;
    }

    @Test
    void cleanHostFileReconcilesWithOnlyGridDifferences() throws IOException {
        Path out = root.resolve("out-clean");
        Run r = settle(hostFile("host-clean.csv", false), out);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("RECONCILED"), r.out());
        assertTrue(r.out().contains("grid " + String.format(java.util.Locale.ROOT, "%,d", expectedGrid(false)) + " (explained"), r.out());
        assertTrue(r.out().contains("leakage 0"), r.out());
        assertEquals(List.of(), differences(out), "nothing to list");
        String html = Files.readString(out.resolve("summary.html"));
        assertTrue(html.contains("reconciled") && !html.contains("http://") && !html.contains("https://")
                && !html.contains("<script") && !html.contains("<link"), "self-contained");
        // totals to the fen: the host's sum is Gyro's plus what the grid adds
        long host = 0;
        long gyro = 0;
        for (TrafficGenerator.Session s : charged) {
            host += TrafficGenerator.hostAmount(s);
            gyro += s.wholesaleMicros;
        }
        assertTrue(r.out().contains("totals to the fen: host " + SettleReport.fen(host) + " CNY, Gyro " + SettleReport.fen(gyro)
                + " CNY"), r.out());
    }

    @Test
    void dirtyHostFileReportsExactlyTheInjectedDifferences() throws IOException {
        Path out = root.resolve("out-dirty");
        Path host = hostFile("host-dirty.csv", true);
        // across 5 partitions settled on 2 threads, where the month alone would take one
        Run r = settle(host, out, "--partitions", "5", "--threads", "2");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("NOT RECONCILED"), r.out());
        assertTrue(r.out().contains("differences: leakage 1 ("), r.out());
        assertTrue(r.out().contains("unbilled 1 ("), r.out());
        assertTrue(r.out().contains("quantity 0 ("), r.out());
        assertTrue(r.out().contains("amount 1 ("), r.out());
        assertTrue(r.out().contains("grid " + String.format(java.util.Locale.ROOT, "%,d", expectedGrid(true)) + " (explained"), r.out());

        Map<String, String[]> byClass = new TreeMap<>();
        for (String[] row : differences(out)) {
            byClass.put(row[0], row);
        }
        assertEquals(List.of("amount", "leakage", "unbilled"), List.copyOf(byClass.keySet()));
        String[] leakage = byClass.get("leakage");
        assertEquals(Long.toString(lost.msisdn), leakage[2]);
        assertEquals("data", leakage[1]);
        assertEquals(Long.toString(charged.size() + 1), leakage[3], "the host line of the lost session (header is line 1)");
        assertEquals("H" + lost.number, leakage[4]);
        String[] unbilled = byClass.get("unbilled");
        assertEquals(Long.toString(smsHostLacks.msisdn), unbilled[2]);
        assertEquals("sms", unbilled[1]);
        assertEquals("", unbilled[3], "no host line");
        assertEquals(DailyCdrExport.fixed6(smsHostLacks.wholesaleMicros), unbilled[15]);
        String[] amount = byClass.get("amount");
        assertEquals(Long.toString(roamingRepriced.msisdn), amount[2]);
        assertEquals(TrafficGenerator.ROAMING_PLMN, amount[18]);
        assertEquals(Long.toString(roamingRepriced.units), amount[14]);
        assertEquals(Integer.toString(roamingRepriced.records), amount[11], "Gyro's interim and final records summed");
        assertTrue(Files.readString(out.resolve("summary.html")).contains("not reconciled"));
    }

    @Test
    void perDayHostFileReconciles() throws IOException {
        // the host's daily totals per subscriber and service, with how many records each sums
        Map<String, long[]> days = new TreeMap<>();
        for (TrafficGenerator.Session s : charged) {
            String day = java.time.Instant.ofEpochMilli(s.stopMs).atZone(ZONE).toLocalDate().toString();
            long[] t = days.computeIfAbsent(day + "," + s.msisdn + "," + (s.service == 0 ? "data" : s.service == 1 ? "voice" : "sms"),
                    k -> new long[3]);
            t[0] += TrafficGenerator.hostGridQuantity(s);
            t[1] += TrafficGenerator.hostAmount(s);
            t[2]++;
        }
        Path file = root.resolve("host-per-day.csv");
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("Date,MSISDN,Service,Quantity,Amount,Records\n");
            for (Map.Entry<String, long[]> e : days.entrySet()) {
                long[] t = e.getValue();
                w.write(e.getKey() + "," + t[0] + "," + DailyCdrExport.fixed6(t[1]) + "," + t[2] + "\n");
            }
        }
        Path out = root.resolve("out-per-day");
        Run r = settle(file, out);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("per day: matched by msisdn"), r.out());
    }

    @Test
    void imsiKeyedHostFileReconcilesOnTheRecordsImsi() throws IOException {
        Path file = root.resolve("host-imsi.csv");
        try (Writer w = Files.newBufferedWriter(file)) {
            w.write("IMSI,Start Time,Duration,Service Type,Volume,Wholesale Amount\n");
            for (TrafficGenerator.Session s : charged) {
                w.write(s.imsi + "," + java.time.Instant.ofEpochMilli(s.startMs) + "," + (s.stopMs - s.startMs) / 1000 + ","
                        + (s.service == 0 ? "data" : s.service == 1 ? "voice" : "sms") + ","
                        + TrafficGenerator.hostGridQuantity(s) + "," + DailyCdrExport.fixed6(TrafficGenerator.hostAmount(s)) + "\n");
            }
        }
        Run r = settle(file, root.resolve("out-imsi"), "--from", "2026-11-10", "--to", "2026-11-12");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("matched by imsi"), r.out());
        assertTrue(r.out().contains("outside the period"), r.out());
    }

    @Test
    void aRefundCancelsTheEventItGivesBack() throws IOException {
        Path dir = root.resolve("refund").resolve("journal");
        Files.createDirectories(dir);
        long t = java.time.OffsetDateTime.parse("2026-11-05T10:00:00+08:00").toInstant().toEpochMilli();
        String common = ",\"msisdn\":8617000000042,\"accountId\":8617000000042,\"service\":2,\"ratingGroup\":200,\"units\":1";
        Files.writeString(dir.resolve("cdr-20261105-0001.jsonl"),
                "{\"seq\":1,\"tsMs\":" + t + ",\"kind\":\"EVENT\",\"sessionId\":\"smsc;1\"" + common
                        + ",\"retailMicros\":100000,\"wholesaleMicros\":30000,\"explanation\":\"sms\"}\n"
                        + "{\"seq\":2,\"tsMs\":" + (t + 5_000) + ",\"kind\":\"REFUND\",\"sessionId\":\"smsc;2\"" + common
                        + ",\"retailMicros\":-100000,\"wholesaleMicros\":0,\"explanation\":\"not delivered\"}\n"
                        + "{\"seq\":3,\"tsMs\":" + (t + 60_000) + ",\"kind\":\"EVENT\",\"sessionId\":\"smsc;3\"" + common
                        + ",\"retailMicros\":100000,\"wholesaleMicros\":30000,\"explanation\":\"sms\"}\n");
        Path file = root.resolve("refund").resolve("host.csv");
        Files.writeString(file, "msisdn,start,duration,service,quantity,amount\n"
                + "8617000000042,2026-11-05 10:01:00,0,sms,1,0.03\n");
        Run r = gyro("settle", file.toString(), "--data-dir", root.resolve("refund").toString(), "--set",
                "catalogue=" + catalogue, "--out", root.resolve("refund").resolve("out").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("refunds cancelling an event 1, without one 0"), r.out());
    }

    @Test
    void badHostFilesExitTwoNamingTheLine() throws IOException {
        Path out = root.resolve("out-bad");
        Map<String, String> cases = new HashMap<>();
        String header = "msisdn,start,stop,service,quantity,amount\n";
        String good = "8617000000001,2026-11-03 08:00:00,2026-11-03 08:10:00,data,1024000,0.01\n";
        cases.put(header + good + "8617000000001,2026-11-03 08:00:00,2026-11-03 08:10:00,data,1024000,0.0100001\n",
                "host.csv:3: amount: '0.0100001' has more than 6 decimals");
        cases.put(header + good + good + "8617000000001,2026-11-03 08:00:00,2026-11-03 08:10:00,mms,1,0.01\n",
                "host.csv:4: service 'mms' is not data, voice or sms");
        cases.put(header + "8617000000001,2026-11-31 08:00:00,2026-11-03 08:10:00,data,1,0.01\n",
                "host.csv:2: start '2026-11-31 08:00:00' is not a time");
        cases.put(header + "8617000000001,2026-11-03 08:00:00,2026-11-03 08:10:00,data,1\n",
                "host.csv:2: 5 fields, the header has 6");
        cases.put(header + "8617000000001,2026-11-03 08:00:00,2026-11-03 08:10:00,data,-5,0.01\n",
                "host.csv:2: quantity '-5' is not a whole number");
        cases.put(header + "8617000000001,2026-11-03 09:00:00,2026-11-03 08:10:00,data,5,0.01\n",
                "host.csv:2: stop is before start");
        cases.put("# host operator wholesale, November\nmsisdn,start,stop,service,quantity\n" + good,
                "host.csv:2: the header line: the header lacks amount");
        cases.put("msisdn,start,stop,service,quantity,amount,date\n", "host.csv:1: the header line: the header has both date");
        cases.put("start,stop,service,quantity,amount\n", "needs a subscriber column: msisdn or imsi");
        cases.put(header + "\"8617000000001,2026-11-03 08:00:00\n", "host.csv:2: field 1: a quote is not closed");
        cases.put("", "empty: no header line");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = root.resolve("bad").resolve("host.csv");
            Files.createDirectories(file.getParent());
            Files.writeString(file, c.getKey());
            Run r = settle(file, out);
            assertEquals(2, r.code(), c.getValue() + "\n" + r.out() + r.err());
            assertTrue(r.err().contains(c.getValue()), "expected '" + c.getValue() + "' in:\n" + r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        }
        // every bad line counted, the first 20 quoted
        StringBuilder many = new StringBuilder(header);
        for (int i = 0; i < 25; i++) {
            many.append("8617000000001,yesterday,2026-11-03 08:10:00,data,1,0.01\n");
        }
        Path file = root.resolve("bad").resolve("host.csv");
        Files.writeString(file, many);
        Run r = settle(file, out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("25 bad lines") && r.err().contains("host.csv:21:") && !r.err().contains("host.csv:22:")
                && r.err().contains("... 5 more"), r.err());
        assertEquals(2, settle(root.resolve("no-such.csv"), out).code());
        // a spreadsheet's byte order mark and CRLF line ends are a good file, not a bad header
        Files.write(file, ("\uFEFF" + header + good).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        Run bom = settle(file, out);
        assertTrue(bom.code() == 0 || bom.code() == 1, bom.out() + bom.err());
        assertTrue(bom.out().contains("host 1 lines"), bom.out());
        assertEquals(2, settle(hostFile("host-clean-2.csv", false), out, "--from", "2026-11-31").code());
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !p.resolve("config/catalogue.yaml").toFile().exists()) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (config/catalogue.yaml)");
        }
        return p;
    }
}
