package io.gyro.engine.cdr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.gyro.engine.store.Account;
import io.gyro.engine.store.Allocations;
import io.gyro.engine.store.SessionKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    /** 2026-03-01T10:00:00Z */
    private static final long T0 = 1_772_359_200_000L;
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    private static List<JournalEntry> all(Journal j) throws IOException {
        List<JournalEntry> out = new ArrayList<>();
        try (Journal.Scanner s = j.scan()) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    private static long appendEvent(Journal j, long tsMs, long msisdn, long retailMicros) {
        CdrRecord r = j.record().reset(CdrKind.EVENT, tsMs).msisdn(msisdn).accountId(msisdn).service(2)
                .ratingGroup(200).units(1).retailMicros(retailMicros).wholesaleMicros(retailMicros / 10);
        r.explanation("sms to 86139; tariff basic/sms 0.10");
        return j.append(r);
    }

    @Test
    void appendThenReadBackEveryField() throws Exception {
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            Account a = new Account().clear(8617000000001L).moneyMicros(49_900_000L).reservedMicros(2_000_000L)
                    .nextBucketId(4);
            a.putBucket(3, 1, 1_000_000, 20_000, T0 + 30 * DAY, 5, 9);
            CdrRecord r = j.record().reset(CdrKind.SESSION_INTERIM, T0).msisdn(8617000000001L)
                    .ccRequestNumber(2).service(1).ratingGroup(100).units(512_000).retailMicros(100_000)
                    .wholesaleMicros(20_000).uncollectedMicros(0).afterState(a);
            r.sessionId("pgw1;1700000000;7");
            r.bucketTouched(3, 512_000, 1_000_000);
            r.explanation("data 512000 octets from bucket 3");
            assertEquals(1, j.append(r));
            assertEquals(2, appendEvent(j, T0 + 1000, 8617000000002L, 100_000));
            assertEquals(2, j.lastSeq());

            List<JournalEntry> e = all(j);
            assertEquals(2, e.size());
            JournalEntry x = e.get(0);
            assertEquals(1, x.seq);
            assertEquals("2026-03-01T10:00:00.000Z", x.ts);
            assertEquals(T0, x.tsMs);
            assertEquals(CdrKind.SESSION_INTERIM, x.kind);
            assertEquals(8617000000001L, x.msisdn);
            assertEquals(8617000000001L, x.accountId);
            assertEquals("pgw1;1700000000;7", x.sessionId);
            assertEquals(2, x.ccRequestNumber);
            assertEquals(100, x.ratingGroup);
            assertEquals(512_000, x.units);
            assertEquals(100_000, x.retailMicros);
            assertEquals("0.100000", x.retail);
            assertEquals(20_000, x.wholesaleMicros);
            assertEquals(1, x.bucketsTouched.size());
            assertEquals(1_000_000, x.bucketsTouched.get(0).remainingAfter);
            assertEquals(49_900_000L, x.moneyAfterMicros);
            assertEquals(2_000_000L, x.reservedAfterMicros);
            assertEquals(4L, x.nextBucketId);
            assertEquals(1, x.buckets.size());
            assertEquals(20_000, x.buckets.get(0).reserved);
            assertEquals(T0 + 30 * DAY, x.buckets.get(0).expiryMs);
            assertEquals(9, x.buckets.get(0).source);
            assertNull(x.idempotencyKey);
            assertTrue(e.get(1).sessionId == null && !e.get(1).hasAfterState());
            // What a recovery report prints of a replayed record.
            assertEquals("JournalEntry{seq=1, kind=SESSION_INTERIM, msisdn=8617000000001, accountId=8617000000001,"
                    + " sessionId=pgw1;1700000000;7, ccRequestNumber=2, units=512000, retailMicros=100000,"
                    + " moneyAfterMicros=49900000}", x.toString());

            List<JournalEntry> mine = j.read(8617000000002L, T0, T0 + DAY, 10);
            assertEquals(1, mine.size());
            assertEquals(2, mine.get(0).seq);
            assertEquals(0, j.read(8617000000002L, T0 + 2000, T0 + DAY, 10).size());
        }
    }

    @Test
    void packageAndServiceNameAreWrittenWhenKnownAndLeftOutOtherwise() throws Exception {
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            io.gyro.engine.store.Subscriber sub = new io.gyro.engine.store.Subscriber().clear().msisdn(8617000000001L)
                    .packageId("data-max");
            j.append(j.record().reset(CdrKind.SESSION_END, T0).msisdn(8617000000001L).service(0).serviceName("data")
                    .packageId(sub).units(1024).retailMicros(20_000).wholesaleMicros(5_000));
            appendEvent(j, T0 + 1, 8617000000002L, 100_000);
            j.append(j.record().reset(CdrKind.EVENT, T0 + 2).msisdn(8617000000003L).serviceName("x".repeat(129)));

            List<JournalEntry> e = all(j);
            assertEquals("data-max", e.get(0).packageId);
            assertEquals("data", e.get(0).serviceName);
            assertNull(e.get(1).packageId, "an older record without the fields still parses");
            assertNull(e.get(1).serviceName);
            assertNull(e.get(2).serviceName, "a name too long for the line is left out");
            String first = Files.readAllLines(Journal.listFiles(dir).get(0)).get(0);
            assertTrue(first.contains("\"accountId\":0,\"packageId\":\"data-max\",")
                    && first.contains("\"service\":0,\"serviceName\":\"data\","), first);
        }
    }

    @Test
    void stringsAreEscapedAndInvalidUtf8IsReplaced() throws Exception {
        String nasty = "quote\" backslash\\ newline\n tab\t cr\r bell\u0007 nul\u0000 中文 é \uD83D\uDE00 lone\uD800 end";
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            SessionKey id = new SessionKey();
            byte[] raw = {'a', '"', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '\n', (byte) 0xE4, (byte) 0xB8};
            id.set(raw, 0, raw.length);
            CdrRecord r = j.record().reset(CdrKind.TOP_UP, T0).msisdn(1).retailMicros(-1_500_000)
                    .idempotencyKey("key-\"1\"").explanation(nasty).sessionId(id);
            j.append(r);
        }
        List<String> lines = Files.readAllLines(Journal.listFiles(dir).get(0), StandardCharsets.UTF_8);
        assertEquals(1, lines.size(), "one physical line per record");
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            JournalEntry e = all(j).get(0);
            assertEquals(nasty.replace('\uD800', '\uFFFD'), e.explanation);
            assertEquals("key-\"1\"", e.idempotencyKey);
            assertEquals("a\"é\uFFFD\n\uFFFD\uFFFD", e.sessionId);
            assertEquals("-1.500000", e.retail);
        }
    }

    @Test
    void rotatesBySizeKeepingSeqContinuous() throws Exception {
        JournalConfig small = new JournalConfig(JournalConfig.MIN_MAX_FILE_BYTES, false);
        try (Journal j = Journal.open(dir, small)) {
            for (int i = 0; i < 400; i++) {
                CdrRecord r = j.record().reset(CdrKind.EVENT, T0 + i).msisdn(7).explanation("x".repeat(500));
                j.append(r);
            }
        }
        List<Path> files = Journal.listFiles(dir);
        assertTrue(files.size() >= 4, "files: " + files);
        for (int i = 0; i < files.size(); i++) {
            assertEquals(String.format("cdr-20260301-%04d.jsonl", i + 1), files.get(i).getFileName().toString());
            assertTrue(Files.size(files.get(i)) <= small.maxFileBytes());
        }
        try (Journal j = Journal.open(dir, small)) {
            List<JournalEntry> e = all(j);
            assertEquals(400, e.size());
            for (int i = 0; i < e.size(); i++) {
                assertEquals(i + 1, e.get(i).seq);
            }
            assertEquals(400, j.lastSeq());
        }
    }

    @Test
    void rotatesAtEachUtcDay() throws Exception {
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            appendEvent(j, T0, 1, 1);
            appendEvent(j, T0 + DAY, 1, 1);
            appendEvent(j, T0 + DAY + 5, 1, 1);
            // a clock that steps back a day stays in the current file rather than reopening an old one
            appendEvent(j, T0, 1, 1);
        }
        List<Path> files = Journal.listFiles(dir);
        assertEquals(List.of("cdr-20260301-0001.jsonl", "cdr-20260302-0001.jsonl"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(3, Files.readAllLines(files.get(1)).size());
    }

    /** Five records in a closed journal; returns its file. */
    private Path fiveRecords() throws IOException {
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            for (int i = 0; i < 5; i++) {
                appendEvent(j, T0, 1, 1);
            }
        }
        return Journal.listFiles(dir).get(0);
    }

    @Test
    void tornLastLineIsCutOffAndSeqContinues() throws Exception {
        Path f = fiveRecords();
        long goodSize = Files.size(f);
        Files.write(f, "{\"seq\":6,\"ts\":\"2026-03-01T1".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            assertEquals(27, j.tornBytesTruncated());
            assertEquals(goodSize, Files.size(f));
            assertEquals(5, j.lastSeq());
            assertEquals(6, appendEvent(j, T0, 1, 1));
            assertEquals(6, all(j).size());
        }
    }

    @Test
    void aDeadWritersZeroTailAndTornLineAreCutOff() throws Exception {
        Path f = fiveRecords();
        long goodSize = Files.size(f);
        // what a process killed while the file was mapped leaves: a torn line, then zeros to the mapping's end
        Files.write(f, "{\"seq\":6,\"ts\":\"2026-03-01T1".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        Files.write(f, new byte[3 << 20], StandardOpenOption.APPEND);
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            assertEquals(27, j.tornBytesTruncated(), "only the torn line's bytes count as torn");
            assertEquals(goodSize, Files.size(f));
            assertEquals(5, j.lastSeq());
            assertEquals(6, appendEvent(j, T0, 1, 1));
        }
        // a zero tail alone (killed between records) is not a torn line
        Files.write(f, new byte[1 << 20], StandardOpenOption.APPEND);
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            assertEquals(0, j.tornBytesTruncated());
            assertEquals(6, j.lastSeq());
            assertEquals(6, all(j).size());
        }
    }

    @Test
    void aDirectAppendIsInTheFileWhenItReturnsAnExportedOneAtTheEndOfItsBatch() throws Exception {
        JournalConfig config = new JournalConfig(JournalConfig.MIN_MAX_FILE_BYTES, false);
        Path f;
        try (Journal j = Journal.open(dir, config)) {
            appendEvent(j, T0, 1, 1);
            f = Journal.listFiles(dir).get(0);
            long one = Files.size(f);
            assertTrue(one > 0, "written before append returned");
            assertEquals(1, all(j).size());
            CdrRecord r = j.record().reset(CdrKind.EVENT, T0).msisdn(1).retailMicros(1);
            assertEquals(5, j.append(r, 5), "as the export appends: with the log's seq");
            assertEquals(one, Files.size(f), "in the write buffer until the batch ends");
            assertEquals(1, all(j).size(), "readers see the lines in the file");
            j.endOfBatch();
            assertTrue(Files.size(f) > one);
            assertEquals(List.of(1L, 5L), all(j).stream().map(e -> e.seq).toList());
            assertEquals(2, j.read(1, 0, Long.MAX_VALUE, 10).size());
        }
        String content = Files.readString(f);
        assertTrue(content.endsWith("}\n") && content.indexOf('\0') < 0, "nothing past the last line");
        assertEquals(2, content.split("\n").length);
    }

    @Test
    void seqContinuesAcrossReopenEvenWhenTheNewestFileIsEmpty() throws Exception {
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            for (int i = 0; i < 10; i++) {
                appendEvent(j, T0, 1, 1);
            }
        }
        // a rotation that created the next file and then died before writing to it
        Files.createFile(dir.resolve("cdr-20260302-0001.jsonl"));
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            assertEquals(10, j.lastSeq());
            assertEquals(0, j.tornBytesTruncated());
            assertEquals(11, appendEvent(j, T0 + DAY, 1, 1));
        }
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            assertEquals(11, j.lastSeq());
            assertEquals(11, all(j).size());
        }
    }

    @Test
    void isoTimestampsMatchJavaTime() {
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        Random rnd = new Random(42);
        byte[] b = new byte[128];
        JsonLineWriter w = new JsonLineWriter().wrap(b);
        for (int i = 0; i < 10_000; i++) {
            long ms = i < 3 ? new long[] {0, 951_782_400_000L, 4_102_444_799_999L}[i]
                    : (long) (rnd.nextDouble() * 4_102_444_800_000L);
            w.reset();
            w.beginObject();
            w.fieldIsoUtc(JsonLineWriter.key("t"), ms);
            String got = new String(b, 0, w.position(), StandardCharsets.US_ASCII);
            assertEquals("{\"t\":\"" + iso.format(Instant.ofEpochMilli(ms)) + "\"", got);
            long day = Math.floorDiv(ms, DAY);
            LocalDate d = LocalDate.ofEpochDay(day);
            assertEquals(d.getYear() * 10_000L + d.getMonthValue() * 100L + d.getDayOfMonth(), JsonLineWriter.civilDate(day));
        }
    }

    @Test
    void appendDoesNotAllocate() throws Exception {
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            Account a = new Account().clear(5).moneyMicros(10_000_000);
            a.addBucket(1, 1_000_000, T0 + DAY, 1, 1);
            a.addBucket(2, 100, T0 + DAY, 1, 1);
            SessionKey id = new SessionKey();
            id.set("pgw.example;1700000000;1");
            io.gyro.engine.store.Subscriber sub = new io.gyro.engine.store.Subscriber().clear().packageId("basic");
            long[] n = {0};
            double perOp = Allocations.bytesPerOp(5_000, 20_000, () -> {
                CdrRecord r = j.record().reset(CdrKind.SESSION_INTERIM, T0 + n[0]++).msisdn(8617000000005L)
                        .ccRequestNumber(n[0]).service(1).ratingGroup(100).units(1000).retailMicros(10)
                        .sessionId(id).afterState(a).explanation("data 1000 octets");
                r.serviceName("data").packageId(sub);
                r.bucketTouched(1, 1000, 999_000);
                j.append(r);
            });
            System.out.printf("Journal append (2 buckets): %.3f bytes allocated per record%n", perOp);
            assertTrue(perOp < 1.0, "bytes per append: " + perOp);
        }
    }
}
