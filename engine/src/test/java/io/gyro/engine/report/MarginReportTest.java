package io.gyro.engine.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The margin report over hand-made record files: what counts, which files are read, only complete lines. */
class MarginReportTest {
    private static final long DEC1 = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;
    private static final LocalDate D1 = LocalDate.parse("2026-12-01");

    @TempDir
    Path dir;

    static String usage(String kind, long tsMs, String pkg, String service, long retail, long wholesale) {
        return "{\"seq\":1,\"ts\":\"x\",\"tsMs\":" + tsMs + ",\"kind\":\"" + kind + "\",\"msisdn\":8617000000001,"
                + "\"accountId\":8617000000001" + (pkg == null ? "" : ",\"packageId\":\"" + pkg + "\"")
                + ",\"service\":0" + (service == null ? "" : ",\"serviceName\":\"" + service + "\"")
                + ",\"units\":1024,\"retailMicros\":" + retail + ",\"retail\":\"0.0\",\"wholesaleMicros\":" + wholesale
                + ",\"bucketsTouched\":[[1,1024,5]],\"moneyAfterMicros\":1,\"buckets\":[[1,0,5,0,9,1,0]],"
                + "\"explanation\":\"a {\\\"quoted\\\"} text\"}";
    }

    private Path write(String name, String... lines) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private static Map<String, MarginReport.Amounts> byPackage(MarginReport r) {
        return r.byPackage();
    }

    @Test
    void usageEventsRefundsAndFeesCountTopUpsStaleReleasesAndAdjustmentsDoNot() throws IOException {
        // given
        write("cdr-20261201-0001.jsonl",
                usage("SESSION_INTERIM", DEC1, "basic", "data", 30_000, 5_000),
                usage("SESSION_END", DEC1 + 1, "basic", "data", 0, 5_000),
                usage("EVENT", DEC1 + 2, "basic", "sms", 100_000, 30_000),
                usage("REFUND", DEC1 + 3, "basic", "sms", -100_000, 0),
                usage("FEE", DEC1 + 4, "basic", null, 19_000_000, 0),
                usage("TOP_UP", DEC1 + 5, "basic", null, -50_000_000, 0),
                usage("STALE_RELEASE", DEC1 + 6, "basic", null, 0, 0),
                usage("ADJUSTMENT", DEC1 + 7, "basic", null, 0, 0),
                usage("SOMETHING_NEW", DEC1 + 8, "basic", null, 7, 7));
        // when
        MarginReport r = MarginReport.read(dir, D1, D1, List.of());
        // then
        MarginReport.Amounts basic = byPackage(r).get("basic");
        assertEquals(5, basic.records());
        assertEquals(30_000 + 100_000 - 100_000 + 19_000_000, basic.revenueMicros());
        assertEquals(40_000, basic.wholesaleMicros());
        assertEquals(19_030_000 - 40_000, basic.marginMicros());
        Map<String, Object> json = r.toJson();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> services = (List<Map<String, Object>>) ((List<Map<String, Object>>) json.get("packages"))
                .get(0).get("services");
        assertEquals(List.of("(fees)", "data", "sms"), services.stream().map(s -> s.get("service")).toList());
        assertEquals(20_000L, services.get(1).get("marginMicros"), "data: 0.03 retail against 0.01 cost");
        assertEquals("19.00", services.get(0).get("revenue"));
        assertEquals(0L, json.get("unreadableLines"));
    }

    @Test
    void filesOfOtherDaysAreNotOpenedAndRecordsOfOtherDaysNotCounted() throws IOException {
        // given: files named for the day before and after hold junk: opening them would count unreadable lines
        write("cdr-20261130-0001.jsonl", "not json");
        write("cdr-20261204-0001.jsonl", "not json");
        write("cdr-20261201-0001.jsonl", usage("EVENT", DEC1, "basic", "sms", 100_000, 30_000),
                // a record of the 30th in the 1st's file (a clock stepped back): outside the range, not counted
                usage("EVENT", DEC1 - DAY, "basic", "sms", 100_000, 30_000));
        write("cdr-20261203-0001.jsonl", usage("EVENT", DEC1 + 2 * DAY, "payg", "sms", 100_000, 30_000));
        write("cdr-20261203-0002.jsonl", usage("EVENT", DEC1 + 2 * DAY, "payg", "sms", 100_000, 30_000));
        write("cdr-2026120-0001.jsonl", "not a record file name");
        write("notes.txt", "not a record file");
        // when
        MarginReport r = MarginReport.read(dir, D1, LocalDate.parse("2026-12-03"), List.of());
        // then
        Map<String, Object> json = r.toJson();
        assertEquals(3L, json.get("filesRead"));
        assertEquals(0L, json.get("unreadableLines"));
        assertEquals(1, byPackage(r).get("basic").records());
        assertEquals(2, byPackage(r).get("payg").records());
        assertEquals(3, r.total().records());
        assertEquals(2, ((List<?>) json.get("perDay")).size(), "the 1st and the 3rd; nothing on the 2nd");
    }

    @Test
    void onlyCompleteLinesAreReadUpToTheZeroTailOfALiveFile() throws IOException {
        // given: the live file is memory-mapped: its content, a line being written, then zeros
        Path f = write("cdr-20261201-0001.jsonl", usage("EVENT", DEC1, "basic", "sms", 100_000, 30_000));
        Files.write(f, usage("EVENT", DEC1 + 1, "basic", "sms", 100_000, 30_000).substring(0, 40)
                .getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        Files.write(f, new byte[4096], StandardOpenOption.APPEND);
        // when
        MarginReport r = MarginReport.read(dir, D1, D1, List.of());
        // then
        assertEquals(1, r.total().records());
        assertEquals(0L, r.toJson().get("unreadableLines"), "the partial line is not handed over");
        assertEquals(1L, r.toJson().get("linesRead"));
    }

    @Test
    void linesCutByTheReadBufferAreReadWholeAndAnOverlongLineIsSkipped() throws IOException {
        // given: about 3 MiB of records (the reader's buffer is 1 MiB, so lines straddle its end), one 40 KiB line
        StringBuilder sb = new StringBuilder();
        int n = 8000;
        for (int i = 0; i < n; i++) {
            sb.append(usage("EVENT", DEC1 + i, "basic", "sms", 100_000, 30_000)).append('\n');
            if (i == n / 2) {
                sb.append("{\"kind\":\"EVENT\",\"tsMs\":").append(DEC1).append(",\"x\":\"").append("y".repeat(40_000))
                        .append("\"}\n");
            }
        }
        Files.writeString(dir.resolve("cdr-20261201-0001.jsonl"), sb);
        // when
        MarginReport r = MarginReport.read(dir, D1, D1, List.of());
        // then
        assertEquals(n, r.total().records());
        assertEquals((long) n, r.toJson().get("linesRead"));
        assertEquals(n * 100_000L, r.total().revenueMicros());
    }

    @Test
    void recordsWrittenBeforePackageAndServiceNamesAreNamedByTheServiceOrder() throws IOException {
        // given
        write("cdr-20261201-0001.jsonl", usage("EVENT", DEC1, null, null, 100_000, 30_000),
                "{\"seq\":2,\"tsMs\":" + DEC1 + ",\"kind\":\"EVENT\",\"service\":7,\"retailMicros\":1}", "{broken");
        // when
        MarginReport r = MarginReport.read(dir, D1, D1, List.of("data", "voice"));
        // then
        Map<String, Object> json = r.toJson();
        @SuppressWarnings("unchecked")
        Map<String, Object> unknown = ((List<Map<String, Object>>) json.get("packages")).get(0);
        assertEquals(MarginLine.UNKNOWN_PACKAGE, unknown.get("package"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> services = (List<Map<String, Object>>) unknown.get("services");
        assertEquals(List.of("#7", "data"), services.stream().map(s -> s.get("service")).toList());
        assertEquals(1L, json.get("unreadableLines"));
    }
}
