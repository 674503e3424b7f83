package io.gyro.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.rating.rehearsal.RehearsalCommand;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live margin against a real engine on the sample catalogue: traffic over Diameter on two UTC days, then
 * {@code GET /reports/margin} equals, per package, the rehearsal of the same records through the same catalogue
 * (issue 20: "margin per package equals the rehearsal's on the same usage"); the negative-margin alarm through the
 * engine; bad query parameters answered 400 with what is wrong.
 */
class MarginEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIB = 1024 * 1024;
    /** Monday 2026-12-07, 12:00 in Asia/Shanghai: no band. */
    private static final long DAY1 = Instant.parse("2026-12-07T04:00:00Z").toEpochMilli();
    private static final long DAY_MS = 86_400_000L;
    private static final long PAYG = 8617100000011L;
    private static final long BASIC_INCLUDED = 8617100000021L;
    private static final long BASIC = 8617100000022L;
    private static final long DATA_MAX = 8617100000031L;

    @TempDir
    Path dataDir;
    private final AtomicLong clockMs = new AtomicLong(DAY1);
    @AutoClose
    private GyTestClient gy;

    private void start() throws Exception {
        Map<String, String> o = EngineHarness.overrides(dataDir, 0);
        o.put("reports.marginAlarmSeconds", "0"); // the test runs the alarm's passes itself
        gy = GyTestClient.start(o, clockMs::get);
    }

    private void send(String sessionId, String context, int type, long number, long ratingGroup,
                      Consumer<CreditControlRequestWriter> body) throws Exception {
        GyTestClient.Cca cca = gy.exchange(sessionId, context, type, number, ratingGroup, body);
        assertEquals(ResultCode.DIAMETER_SUCCESS, cca.resultCode(), sessionId + " #" + number);
    }

    private void sms(String sessionId, long msisdn, int action) throws Exception {
        send(sessionId, "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0, -1, w -> w.msisdn(msisdn)
                .requestedAction(action).requestedUnits(1));
    }

    private void dataSession(String s, long msisdn, long... reports) throws Exception {
        send(s, "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, 100, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedOctets(MIB).endMscc());
        for (int n = 0; n < reports.length; n++) {
            long used = reports[n];
            boolean last = n == reports.length - 1;
            send(s, "32251@3gpp.org", last ? Enumerations.TERMINATION_REQUEST : Enumerations.UPDATE_REQUEST, n + 1,
                    last ? -1 : 100, w -> {
                        w.msisdn(msisdn);
                        if (last) {
                            w.terminationCause(Enumerations.DIAMETER_LOGOUT);
                        }
                        w.beginMscc(100, -1).usedOctets(used, 0, last ? Enumerations.RR_FINAL
                                : Enumerations.RR_QUOTA_EXHAUSTED);
                        if (!last) {
                            w.requestedOctets(MIB);
                        }
                        w.endMscc();
                    });
        }
    }

    private void nationalCall(String s, long msisdn, long... reports) throws Exception {
        send(s, "32260@3gpp.org", Enumerations.INITIAL_REQUEST, 0, 300, w -> w.msisdn(msisdn)
                .beginMscc(300, -1).requestedTime(60).endMscc().calledParty("tel:13800138000"));
        for (int n = 0; n < reports.length; n++) {
            long used = reports[n];
            boolean last = n == reports.length - 1;
            send(s, "32260@3gpp.org", last ? Enumerations.TERMINATION_REQUEST : Enumerations.UPDATE_REQUEST, n + 1,
                    last ? -1 : 300, w -> {
                        w.msisdn(msisdn);
                        if (last) {
                            w.terminationCause(Enumerations.DIAMETER_LOGOUT);
                        }
                        w.beginMscc(300, -1).usedTime(used, last ? Enumerations.RR_FINAL
                                : Enumerations.RR_QUOTA_EXHAUSTED);
                        if (!last) {
                            w.requestedTime(60);
                        }
                        w.endMscc();
                    });
        }
    }

    private JsonNode margin(String from, String to) throws Exception {
        HttpResponse<String> r = gy.http("GET", "/reports/margin?from=" + from + "&to=" + to, null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** package -> {revenue, wholesale, margin} in micros, from the API's answer. */
    private static Map<String, long[]> perPackage(JsonNode report) {
        Map<String, long[]> out = new TreeMap<>();
        for (JsonNode p : report.get("packages")) {
            out.put(p.get("package").asText(), new long[] {p.get("revenueMicros").asLong(),
                    p.get("wholesaleMicros").asLong(), p.get("marginMicros").asLong()});
        }
        return out;
    }

    /** package -> {revenue, wholesale, margin} in micros, from a rehearsal's "Totals for {name}" table. */
    private static Map<String, long[]> rehearsalTotals(String output, String name) {
        Map<String, long[]> out = new TreeMap<>();
        int at = output.indexOf("Totals for " + name);
        assertTrue(at >= 0, output);
        String[] lines = output.substring(at).split("\n");
        // header, column names, rows until TOTAL: package records refused usage fee refunds wholesale margin uncollected
        for (int i = 2; i < lines.length && !lines[i].startsWith("TOTAL"); i++) {
            String[] c = lines[i].trim().split("\\s+");
            long revenue = micros(c[3]) + micros(c[4]) + micros(c[5]);
            out.put(c[0], new long[] {revenue, micros(c[6]), micros(c[7])});
        }
        return out;
    }

    private static long micros(String decimal) {
        return new BigDecimal(decimal).movePointRight(6).longValueExact();
    }

    private static String[] rehearse(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = new CommandLine(new RehearsalCommand()).execute(args);
        } finally {
            System.setOut(oldOut);
        }
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void marginPerPackageEqualsTheRehearsalOfTheSameRecordsAndTheAlarmSaysANegativeDayOnce() throws Exception {
        start();
        // given: four subscribers (one basic with its first period included: no fee), traffic on two UTC days
        gy.createSubscriber(PAYG, 460990100000011L, "payg", "10.00");
        HttpResponse<String> included = gy.http("POST", "/subscribers", "{\"msisdn\":\"" + BASIC_INCLUDED
                + "\",\"imsi\":\"460990100000021\",\"package\":\"basic\",\"balance\":\"5.00\",\"firstPeriodIncluded\":true}");
        assertEquals(201, included.statusCode(), included.body());
        gy.createSubscriber(BASIC, 460990100000022L, "basic", "50.00");
        gy.createSubscriber(DATA_MAX, 460990100000031L, "data-max", "100.00");
        dataSession("pgw;payg-data", PAYG, MIB / 2, MIB / 2, MIB / 2);      // 1.5 MiB at 0.05: 0.08 for the session
        clockMs.addAndGet(60_000);
        nationalCall("pgw;payg-call", PAYG, 30, 30);                         // 60 s at 0.20 per minute
        sms("smsc;payg-refund", PAYG, Enumerations.REFUND_ACCOUNT);          // 0.10 back
        sms("smsc;basic-sms", BASIC_INCLUDED, Enumerations.DIRECT_DEBITING); // from the allowance, cost 0.03
        dataSession("pgw;basic-data", BASIC_INCLUDED, MIB);
        nationalCall("pgw;basic-call", BASIC, 90);                           // from the allowance
        dataSession("pgw;max-data", DATA_MAX, MIB, MIB);
        assertEquals(200, gy.http("POST", "/subscribers/" + PAYG + "/topups",
                "{\"amount\":\"5.00\",\"idempotencyKey\":\"margin-1\"}").statusCode());

        // when: day 1, nothing below cost
        assertEquals(0, gy.engine().reports().alarm().pass(clockMs.get()));
        // the next UTC day: an SMS from basic's allowance and nothing else: basic's day is below cost
        clockMs.set(DAY1 + DAY_MS);
        sms("smsc;basic-sms-2", BASIC_INCLUDED, Enumerations.DIRECT_DEBITING);
        dataSession("pgw;payg-data-2", PAYG, 3 * MIB);
        int first = gy.engine().reports().alarm().pass(clockMs.get());
        sms("smsc;basic-sms-3", BASIC_INCLUDED, Enumerations.DIRECT_DEBITING);
        int second = gy.engine().reports().alarm().pass(clockMs.get() + 60_000);
        JsonNode report = margin("2026-12-07", "2026-12-08");
        JsonNode status = JSON.readTree(gy.http("GET", "/status", null).body());
        gy.close();
        gy = null;
        String catalogue = EngineHarness.repoRoot().resolve("config/catalogue.yaml").toString();
        String[] rehearsal = rehearse("-c", catalogue, "--records", dataDir.resolve("journal").toString(),
                "--totals-only");

        // then
        assertEquals(1, first, "basic on 2026-12-08");
        assertEquals(0, second, "once per package and day");
        assertEquals(1, status.get("negativeMarginAlarms").asLong());
        assertEquals("0", rehearsal[0], rehearsal[1]);
        Map<String, long[]> live = perPackage(report);
        assertEquals(Map.of("basic", 3, "data-max", 3, "payg", 3).keySet(), live.keySet());
        // payg: 0.08 data + 0.20 call - 0.10 refund + 0.15 (3 MiB on the 8th), no fee
        assertEquals(80_000 + 200_000 - 100_000 + 150_000, live.get("payg")[0]);
        assertEquals(19_000_000, report.get("packages").get(0).get("feeRevenueMicros").asLong(),
                "basic: one first-period fee; the included one brings none");
        Map<String, long[]> rehearsed = rehearsalTotals(rehearsal[1], catalogue);
        Map<String, long[]> recorded = rehearsalTotals(rehearsal[1], "recorded charges");
        for (String pkg : live.keySet()) {
            assertEquals(java.util.Arrays.toString(live.get(pkg)), java.util.Arrays.toString(rehearsed.get(pkg)),
                    pkg + ": revenue, wholesale, margin: live report vs rehearsal\n" + rehearsal[1]);
            assertEquals(java.util.Arrays.toString(live.get(pkg)), java.util.Arrays.toString(recorded.get(pkg)),
                    pkg + ": live report vs the rehearsal's sum of the records");
        }
        JsonNode basicDays = report.get("packages").get(0).get("days");
        assertEquals("2026-12-08", basicDays.get(1).get("day").asText());
        assertEquals(-60_000, basicDays.get(1).get("marginMicros").asLong(), "two SMS from the allowance at 0.03");
    }

    @Test
    void badQueryParametersAreRefusedWithWhatIsWrong() throws Exception {
        start();
        String[][] cases = {
                {"", "from is required: a UTC day such as 2026-12-01 (YYYY-MM-DD)"},
                {"?from=2026-12-01", "to is required"},
                {"?from=2026-12-1&to=2026-12-01", "from=2026-12-1: must be a UTC day YYYY-MM-DD"},
                {"?from=2026-12-01T00:00:00Z&to=2026-12-01", "from=2026-12-01T00:00:00Z: must be a UTC day"},
                {"?from=2026-02-29&to=2026-03-01", "from=2026-02-29: no such day"},
                {"?from=2026-12-02&to=2026-12-01", "from=2026-12-02 is after to=2026-12-01"},
                {"?from=2025-12-01&to=2026-12-01", "spans 366 days"},
                {"?from=2025-01-01&to=2026-12-31", "spans 730 days; at most 366 per request"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = gy.http("GET", "/reports/margin" + c[0], null);
            if (c[1].startsWith("spans 366")) {
                assertEquals(200, r.statusCode(), "366 days is the limit, allowed: " + r.body());
                continue;
            }
            assertEquals(400, r.statusCode(), c[0] + ": " + r.body());
            assertTrue(JSON.readTree(r.body()).get("error").asText().contains(c[1]), c[0] + ": " + r.body());
        }
        HttpResponse<String> empty = gy.http("GET", "/reports/margin?from=2026-12-01&to=2026-12-01", null);
        assertEquals(200, empty.statusCode());
        assertEquals(0, JSON.readTree(empty.body()).get("total").get("records").asLong());
        assertEquals(404, gy.http("POST", "/reports/margin?from=2026-12-01&to=2026-12-01", "{}").statusCode());
    }

    @Test
    void theMarginCommandPrintsTheReportAsTables() throws Exception {
        start();
        gy.createSubscriber(PAYG, 460990100000011L, "payg", "10.00");
        dataSession("pgw;payg-data", PAYG, MIB / 2, MIB / 2, MIB / 2);
        String api = "http://127.0.0.1:" + gy.engine().httpAddress().getPort();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int ok;
        int bad;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            ok = new CommandLine(new Main()).execute("margin", "--api", api, "--token", gy.engine().apiToken(),
                    "--from", "2026-12-07");
            bad = new CommandLine(new Main()).execute("margin", "--api", api, "--token", gy.engine().apiToken(),
                    "--from", "2026-12-08", "--to", "2026-12-07");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, ok, err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.contains("Margin from 2026-12-07 to 2026-12-07 (UTC days)"), printed);
        assertTrue(printed.matches("(?s).*\\n  data\\s+3\\s+0\\.08\\s+0\\.0075\\s+0\\.0725\\s+0\\.00\\n.*"), printed);
        assertEquals(1, bad);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("is after to=2026-12-07"), err.toString(StandardCharsets.UTF_8));
    }
}
