package io.gyro.engine.cdr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Journal#scanAfter}: exactly the records after a seq, over several files, without parsing those before. */
class JournalScanAfterTest {
    /** 2026-03-01T10:00:00Z */
    private static final long T0 = 1_772_359_200_000L;
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    private static long append(Journal j, long tsMs, long msisdn, int padding) {
        CdrRecord r = j.record().reset(CdrKind.EVENT, tsMs).msisdn(msisdn).accountId(msisdn).service(2)
                .ratingGroup(200).units(1).retailMicros(100_000);
        r.explanation("x".repeat(padding));
        return j.append(r);
    }

    private static List<Long> seqsAfter(Journal j, long afterSeq, int max) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Journal.Scanner s = j.scanAfter(afterSeq)) {
            while (s.hasNext() && out.size() < max) {
                out.add(s.next().seq);
            }
        }
        return out;
    }

    @Test
    void everySeqOverRotatedFilesAndTheLiveFileYieldsExactlyTheRecordsAfterIt() throws Exception {
        // given: 64 KiB files (the smallest allowed) and records of varying length over two days: many files
        JournalConfig config = new JournalConfig(JournalConfig.MIN_MAX_FILE_BYTES, false);
        Journal j = Journal.open(dir, config);
        int n = 1500;
        for (int i = 0; i < n; i++) {
            append(j, T0 + (i < n / 2 ? 0 : DAY), 8617000000001L + i % 7, 20 + (i * 37) % 400);
        }
        assertTrue(Journal.listFiles(dir).size() > 5, "several files: " + Journal.listFiles(dir).size());
        // then: from the live journal and after a clean close and reopen
        for (int pass = 0; pass < 2; pass++) {
            for (long after = 0; after <= n + 1; after++) {
                List<Long> got = seqsAfter(j, after, 3);
                if (after >= n) {
                    assertTrue(got.isEmpty(), "nothing after the last record " + after);
                } else {
                    assertEquals(after + 1, got.get(0), "first record after " + after);
                    assertEquals(Math.min(3, n - after), got.size());
                }
            }
            for (long after : new long[] {0, 1, 749, 750, 751, n - 1}) {
                List<Long> got = seqsAfter(j, after, Integer.MAX_VALUE);
                assertEquals(n - after, got.size(), "count after " + after);
                for (int i = 0; i < got.size(); i++) {
                    assertEquals(after + 1 + i, got.get(i));
                }
            }
            j.close();
            j = Journal.open(dir, config);
        }
        j.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"torn line", "zero tail of an earlier build"})
    void afterAKillTheTailIsNotARecordAndTheCutJournalIsScannedFromTheSeq(String tail) throws Exception {
        Journal killed = Journal.open(dir, JournalConfig.defaults());
        for (int i = 0; i < 50; i++) {
            append(killed, T0, 8617000000001L, 30);
        }
        // not closed, as a kill -9 leaves it: a write cut part way, or (the memory-mapped writer of earlier builds)
        // zeros up to the mapping's end
        Path f = Journal.listFiles(dir).get(0);
        byte[] rest = tail.equals("torn line") ? "{\"seq\":51,\"ts\":\"2026".getBytes(StandardCharsets.US_ASCII)
                : new byte[1 << 20];
        Files.write(f, rest, StandardOpenOption.APPEND);
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            assertEquals(50, j.lastSeq());
            assertEquals(List.of(49L, 50L), seqsAfter(j, 48, 10));
            assertTrue(seqsAfter(j, 50, 10).isEmpty());
            assertEquals(51, append(j, T0, 8617000000001L, 30));
            assertEquals(List.of(50L, 51L), seqsAfter(j, 49, 10));
        }
    }

    @Test
    void aSeqBeforeTheFirstFileStartsAtTheFirstRecord() throws Exception {
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            for (int i = 0; i < 10; i++) {
                append(j, T0, 8617000000001L, 30);
            }
        }
        // the first file's first 4 records removed, as if archived: the journal now starts at seq 5
        Path f = Journal.listFiles(dir).get(0);
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        Files.write(f, (String.join("\n", lines.subList(4, lines.size())) + "\n").getBytes(StandardCharsets.UTF_8));
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            assertEquals(List.of(5L, 6L), seqsAfter(j, 2, 2));
            assertEquals(List.of(7L), seqsAfter(j, 6, 1));
        }
    }

    @Test
    void aLineThatDoesNotStartWithItsSeqIsReportedNotSkipped() throws Exception {
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            for (int i = 0; i < 10; i++) {
                append(j, T0, 8617000000001L, 30);
            }
        }
        Path f = Journal.listFiles(dir).get(0);
        byte[] bytes = Files.readAllBytes(f);
        bytes[0] = '[';
        Files.write(f, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            IOException e = assertThrows(IOException.class, () -> seqsAfter(j, 5, 1));
            assertTrue(e.getMessage().contains("does not start with {\"seq\":N,"), e.getMessage());
            assertFalse(e.getMessage().isEmpty());
        }
    }
}
