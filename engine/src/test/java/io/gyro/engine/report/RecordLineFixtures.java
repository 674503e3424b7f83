package io.gyro.engine.report;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.store.Account;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Record lines as the engine writes them: appended through {@link Journal} (so by {@code JsonLineWriter}) into a
 * directory, then read back through {@link RecordFiles} as the margin report and alarm read them.
 */
final class RecordLineFixtures {
    /** 2026-12-01T10:00:00Z */
    static final long DEC1 = 1_796_119_200_000L;
    /** Characters the writer escapes or encodes as multi-byte UTF-8: quote, backslash, controls, CJK, emoji. */
    static final String NASTY = "q\"uo\\te/ \n\t\r\b\f\u0001\u001f é 中 \uD83D\uDE00 lone\uD800 {[,:]}";

    private RecordLineFixtures() {
    }

    /**
     * Every record kind, bare and with every optional field, and records whose package, service name and free
     * texts need escaping; extreme numbers. One line each, in the order written.
     */
    static List<byte[]> realLines(Path dir) throws IOException {
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            long ts = DEC1;
            for (CdrKind kind : CdrKind.values()) {
                j.append(j.record().reset(kind, ts++).msisdn(8617000000001L).service(1).retailMicros(100_000)
                        .wholesaleMicros(30_000));
                full(j.record().reset(kind, ts++), "basic", "data", "sms to 86139; tariff basic/sms 0.10");
                j.append(j.record());
                full(j.record().reset(kind, ts++), "pkg \"q\" \\ é中\uD83D\uDE00", NASTY, NASTY);
                j.append(j.record());
            }
            j.append(j.record().reset(CdrKind.FEE, ts++).msisdn(8617000000002L).packageId("data-max")
                    .renewedPeriod(DEC1, DEC1 + 30 * 86_400_000L).retailMicros(19_000_000).explanation("period"));
            j.append(j.record().reset(CdrKind.REFUND, ts++).msisdn(Long.MAX_VALUE).service(Integer.MAX_VALUE)
                    .serviceName("").retailMicros(Long.MIN_VALUE).wholesaleMicros(Long.MAX_VALUE)
                    .uncollectedMicros(-1));
            j.append(j.record().reset(CdrKind.TOP_UP, ts).msisdn(0).retailMicros(-50_000_000)
                    .idempotencyKey("key-\"1\"\\"));
        }
        List<byte[]> lines = new ArrayList<>();
        for (RecordFiles.DayFile f : RecordFiles.list(dir)) {
            RecordFiles.readLines(f.path(), 0, MarginReport.MAX_LINE_BYTES,
                    (buf, off, len) -> lines.add(Arrays.copyOfRange(buf, off, off + len)));
        }
        return lines;
    }

    private static void full(CdrRecord r, String packageId, String serviceName, String explanation) {
        Account after = new Account().clear(8617000000001L).moneyMicros(49_900_000L).reservedMicros(2_000_000L)
                .nextBucketId(4);
        after.putBucket(3, 1, 1_000_000, 20_000, DEC1 + 30 * 86_400_000L, 5, 9);
        after.putBucket(2, 0, 0, 0, -1, 0, 1);
        r.msisdn(8617000000001L).packageId(packageId).ccRequestNumber(2).service(1).serviceName(serviceName)
                .ratingGroup(100).units(512_000).retailMicros(-123_456).wholesaleMicros(20_000)
                .uncollectedMicros(7).imsi(460001234567890L).visitedMccMnc(46001).usagePeriod(DEC1 - 60_000, DEC1)
                .afterState(after).explanation(explanation);
        byte[] called = "+8613912345678".getBytes(StandardCharsets.US_ASCII);
        r.calledNumber(called, 0, called.length);
        r.sessionId("pgw1;1700000000;7 \"x\"");
        r.bucketTouched(3, 512_000, 1_000_000);
        r.bucketTouched(2, 0, -1);
        r.idempotencyKey(explanation.length() > 20 ? explanation.substring(0, 20) : explanation);
    }
}
