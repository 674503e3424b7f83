package io.gyro.rating.rehearsal;

import io.gyro.rating.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rehearsal --records}: Gyro's own charging records, as the engine writes them, replayed through a catalogue. */
class RehearsalRecordsTest {
    /** 2026-11-25 10:00 in Asia/Shanghai (a Wednesday, no band). */
    private static final long T0 = Instant.parse("2026-11-25T02:00:00Z").toEpochMilli();
    private static final long PAYG = 8617100000001L;
    private static final long BASIC = 8617100000002L;

    @TempDir
    Path dir;

    private String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new RehearsalCommand()).execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    /** A record line as the engine writes it (fields in its order, bucket arrays included). */
    private static String record(long seq, String kind, long tsMs, long msisdn, String pkg, String extra,
                                 long retail, long wholesale) {
        return "{\"seq\":" + seq + ",\"ts\":\"" + Instant.ofEpochMilli(tsMs) + "\",\"tsMs\":" + tsMs + ",\"kind\":\""
                + kind + "\",\"msisdn\":" + msisdn + ",\"accountId\":" + msisdn
                + (pkg == null ? "" : ",\"packageId\":\"" + pkg + "\"") + extra + ",\"units\":"
                + (extra.contains("\"units\"") ? "" : "0") + ",\"retailMicros\":" + retail
                + ",\"retail\":\"0.000000\",\"wholesaleMicros\":" + wholesale + ",\"bucketsTouched\":[[3,1,49]],"
                + "\"moneyAfterMicros\":1,\"reservedAfterMicros\":0,\"nextBucketId\":4,\"buckets\":[[3,2,49,0,1,10,2]],"
                + "\"explanation\":\"{not: a field}\"}\n";
    }

    private static String usage(long seq, String kind, long tsMs, long msisdn, String pkg, String session, int service,
                                String serviceName, long rg, long units, long retail, long wholesale) {
        String extra = (session == null ? "" : ",\"sessionId\":\"" + session + "\",\"ccRequestNumber\":" + seq)
                + ",\"service\":" + service + (serviceName == null ? "" : ",\"serviceName\":\"" + serviceName + "\"")
                + (rg < 0 ? "" : ",\"ratingGroup\":" + rg);
        return record(seq, kind, tsMs, msisdn, pkg, extra, retail, wholesale).replace(",\"units\":0,",
                ",\"units\":" + units + ",");
    }

    @Test
    void recordsAreRepricedPerSubscriberOnTheirSessionsGridNextToWhatWasRecorded() throws IOException {
        // given: a payg subscriber's data session reported in three 0.5 MiB parts (1.5 MiB at 0.05/MB, the session's
        // price rounded once to the fen: 0.08, as the engine charged it) and an SMS refunded; a basic subscriber whose
        // first period came with the SIM sends one SMS from the allowance (no money, cost 0.03)
        long half = 512 * 1024;
        String journal = record(1, "TOP_UP", T0, PAYG, "payg", "", -10_000_000, 0)
                + usage(2, "SESSION_INTERIM", T0 + 1000, PAYG, "payg", "pgw;1", 0, "data", 100, half, 30_000, 2_500)
                + usage(3, "SESSION_INTERIM", T0 + 2000, PAYG, "payg", "pgw;1", 0, "data", 100, half, 20_000, 2_500)
                + usage(4, "SESSION_END", T0 + 3000, PAYG, "payg", "pgw;1", 0, "data", 100, half, 30_000, 2_500)
                + usage(5, "REFUND", T0 + 4000, PAYG, "payg", "smsc;1", 2, "sms", -1, 1, -100_000, 0)
                + record(6, "ADJUSTMENT", T0, BASIC, "basic", "", 0, 0)
                // written before records named the service: index 2 of the catalogue is sms
                + usage(7, "EVENT", T0 + 5000, BASIC, "basic", "smsc;2", 2, null, 200, 1, 0, 30_000)
                + record(8, "STALE_RELEASE", T0 + 6000, BASIC, "basic", "", 0, 0);
        Path journalDir = Files.createDirectories(dir.resolve("journal"));
        Files.writeString(journalDir.resolve("cdr-20261125-0001.jsonl"), journal);
        // the next file: an old record without its package, a line that is not JSON, a line being written and the
        // live file's zero tail
        Path second = journalDir.resolve("cdr-20261125-0002.jsonl");
        Files.writeString(second, usage(9, "EVENT", T0 + 7000, BASIC, null, "smsc;3", 2, "sms", 200, 1, 0, 30_000)
                + "not json\n" + usage(10, "EVENT", T0 + 8000, BASIC, "basic", "smsc;4", 2, "sms", 200, 1, 0, 30_000)
                .substring(0, 60));
        Files.write(second, new byte[1000], StandardOpenOption.APPEND);
        Files.writeString(journalDir.resolve("notes.txt"), "not a record file");
        // when
        String[] r = run("-c", Fixtures.configDir().resolve("catalogue.yaml").toString(),
                "--records", journalDir.toString());
        // then
        assertEquals("3", r[0], "two lines skipped: " + r[2]);
        assertTrue(r[2].contains("cdr-20261125-0002.jsonl:1: skipped: the record names no package"), r[2]);
        assertTrue(r[2].contains("cdr-20261125-0002.jsonl:2: skipped: not JSON"), r[2]);
        assertFalse(r[2].contains("jsonl:3"), "the line being written is not read: " + r[2]);
        // package, records, refused, usage revenue, fee revenue, refunds, wholesale, margin, uncollected
        String payg = "(?s).*\\n%s\\s+4\\s+0\\s+0\\.08\\s+0\\.00\\s+-0\\.10\\s+0\\.0075\\s+-0\\.0275\\s+0\\.00\\n.*";
        String basic = "(?s).*\\n%s\\s+1\\s+0\\s+0\\.00\\s+0\\.00\\s+0\\.00\\s+0\\.03\\s+-0\\.03\\s+0\\.00\\n.*";
        int at = r[1].indexOf("Totals for recorded");
        String recorded = r[1].substring(at, r[1].indexOf("Totals for", at + 1));
        assertTrue(recorded.matches(payg.formatted("payg")), r[1]);
        assertTrue(recorded.matches(basic.formatted("basic")), r[1]);
        assertTrue(recorded.matches("(?s).*\\n\\(unknown\\)\\s+1\\s+0\\s+0\\.00.*"),
                "what was recorded counts, even where it cannot be priced again: " + r[1]);
        String rehearsed = r[1].substring(r[1].indexOf("catalogue.yaml (CNY)"));
        assertTrue(rehearsed.matches(payg.formatted("payg")), "the session is priced on one grid: " + r[1]);
        assertTrue(rehearsed.matches(basic.formatted("basic")), "the included first period brings no fee: " + r[1]);
        assertTrue(r[1].matches("(?s).*Difference per package \\(.*catalogue.yaml minus recorded\\).*"
                + "\\npayg\\s+-0\\.02\\s+-0\\.02\\s+0\\.00\\s+0\\.00.*"), r[1]);
        assertTrue(r[1].contains("5 records priced, 2 bad lines skipped"), r[1]);
        assertTrue(r[1].contains("refund -> price 0.10"), r[1]);
    }

    @Test
    void recordsOrCsvOneOfTheTwo() {
        String[] neither = run("-c", Fixtures.configDir().resolve("catalogue.yaml").toString());
        assertEquals("2", neither[0]);
        assertTrue(neither[2].contains("one of the two"), neither[2]);
        String[] both = run("-u", dir.resolve("u.csv").toString(), "--records", dir.toString());
        assertEquals("2", both[0]);
    }
}
