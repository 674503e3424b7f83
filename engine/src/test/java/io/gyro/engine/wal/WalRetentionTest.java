package io.gyro.engine.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.gyro.engine.EngineConfig;
import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.cdr.JournalEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention of the charging write-ahead log: a segment goes once every record in it is exported to the JSON journal
 * (and the journal's batch ended), never before, never the one being written; a start after deletions and kills
 * still exports every record once, with its seq.
 *
 * <p>A "kill" here, as in {@code CheckpointRecoveryTest}: the exporter halted where it is, the log and the journal
 * left open and unforced (the journal's lines not yet written out are lost with it, as in a kill); the next run
 * opens the same files, whose pages the dead run's mappings share, as a start after kill -9 finds them.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WalRetentionTest {
    private static final CdrKind[] KINDS = CdrKind.values();
    /** The smallest segments: about 150 of these records each. */
    private static final WalConfig SMALL = new WalConfig(WalConfig.MIN_SEGMENT_BYTES, false);
    private static final JournalConfig JOURNAL = new JournalConfig(256 * 1024, false);

    @TempDir
    Path dir;

    private final CdrWalCodec codec = new CdrWalCodec();
    private final CdrRecord record = new CdrRecord();

    private Path walDir() {
        return dir.resolve(Wal.DIR_NAME);
    }

    private Path journalDir() {
        return dir.resolve(Journal.DIR_NAME);
    }

    /** Appends record {@code n} (its content follows from n, so the journal line can be checked against it). */
    private void append(Wal wal, long n) {
        assertEquals(n, codec.append(wal, CdrWalCodecTest.filled(record, KINDS[(int) (n % KINDS.length)], n)));
    }

    /** Appends records {@code from..to} in batches of {@code batch}, each published. */
    private void append(Wal wal, long from, long to, int batch) {
        for (long n = from; n <= to; n++) {
            append(wal, n);
            if (n % batch == 0 || n == to) {
                wal.endOfBatch();
            }
        }
    }

    private List<Long> firstSeqs() throws IOException {
        List<Long> out = new ArrayList<>();
        for (Path p : Wal.segments(walDir())) {
            out.add(Wal.firstSeqOf(p));
        }
        return out;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "not within 10 s: " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** The journal holds records 1..last, each once, in order, each the one the log was given. */
    private void assertJournalHoldsEachRecordOnce(long last) throws IOException {
        try (Journal.Scanner s = Journal.scanStopped(journalDir())) {
            long n = 0;
            while (s.hasNext()) {
                JournalEntry e = s.next();
                n++;
                assertEquals(n, e.seq, "seq " + n + " missing or repeated");
                assertEquals(KINDS[(int) (n % KINDS.length)], e.kind, "record " + n);
                assertEquals(8617000000000L + n, e.msisdn, "record " + n);
                assertEquals(CdrWalCodecTest.T0 + n, e.tsMs, "record " + n);
            }
            assertEquals(last, n, "records in the journal");
        }
    }

    @Test
    void exportedSegmentsAreDeletedAndTheOneBeingWrittenNever() throws Exception {
        long last = 2_000;
        try (Journal j = Journal.open(journalDir(), new JournalConfig(256 * 1024, false));
             Wal wal = Wal.open(walDir(), SMALL)) {
            CdrExport export = new CdrExport(wal, j, CdrExport.DEFAULT_AWAIT_MS, 0);
            j.exportOf(export);
            export.drain();
            export.start();
            for (long n = 1; n <= last; n += 16) {
                append(wal, n, n + 15, 16);
                // whatever the exporter deleted meanwhile, the segment being written is there, with the last record
                try (WalReader r = WalReader.stopped(walDir(), wal.lastSeq())) {
                    assertTrue(r.next(), "the segment being written is on disk, at seq " + wal.lastSeq());
                    assertEquals(wal.lastSeq(), r.seq());
                }
            }
            long appended = wal.lastSeq();
            assertTrue(export.awaitExported(appended, 10_000));
            await(() -> export.retainedSegments() == 1, "only the segment being written is left: "
                    + export.retainedSegments());
            assertTrue(export.segmentsDeleted() >= 10, "segments deleted: " + export.segmentsDeleted());
            List<Long> left = firstSeqs();
            assertEquals(1, left.size(), "segments left: " + left);
            assertTrue(left.get(0) <= appended, "the one left holds the last record");
            assertEquals(WalConfig.MIN_SEGMENT_BYTES, export.retainedBytes());
            // the writer goes on in it, and the export with it
            append(wal, appended + 1, appended + 5, 16);
            export.close();
            assertEquals(left, firstSeqs());
            last = appended + 5;
        }
        assertJournalHoldsEachRecordOnce(last);
        try (Wal wal = Wal.open(walDir(), SMALL)) {
            assertEquals(last, wal.lastSeq(), "the log reopens from its kept newest segment");
        }
    }

    @Test
    void theNewestExportedSegmentsAreKeptAsAskedAndReadBackWhole() throws Exception {
        long last = 2_000;
        try (Journal j = Journal.open(journalDir(), JOURNAL); Wal wal = Wal.open(walDir(), SMALL)) {
            CdrExport export = new CdrExport(wal, j, CdrExport.DEFAULT_AWAIT_MS, 3);
            for (long n = 1; n <= last; n += 250) {
                append(wal, n, n + 249, 32);
                export.drain();
            }
            List<Long> left = firstSeqs();
            assertEquals(4, left.size(), "the segment being written and the 3 newest exported: " + left);
            assertEquals(4, export.retainedSegments());
            assertEquals(4 * WalConfig.MIN_SEGMENT_BYTES, export.retainedBytes());
            assertTrue(export.segmentsDeleted() >= 5, "segments deleted: " + export.segmentsDeleted());
            export.close();
            // what is kept reads back whole, from its first record to the last
            try (WalReader r = WalReader.stopped(walDir(), 1)) {
                long n = left.get(0);
                while (r.next()) {
                    assertEquals(n++, r.seq());
                }
                assertEquals(last + 1, n);
            }
        }
        assertJournalHoldsEachRecordOnce(last);
    }

    @Test
    void aSegmentWithARecordNotYetExportedIsKept() throws Exception {
        long last = 600;
        try (Wal wal = Wal.open(walDir(), SMALL)) {
            append(wal, 1, last, 32);
        }
        List<Long> made = firstSeqs();
        assertTrue(made.size() >= 4, "segments: " + made);
        long b = made.get(1);
        long c = made.get(2);
        // the journal as an export left it: everything up to c - 2, so segment B's last record, c - 1, is not in it
        try (Journal j = Journal.open(journalDir(), JOURNAL)) {
            for (long n = 1; n <= c - 2; n++) {
                j.append(CdrWalCodecTest.filled(j.record(), KINDS[(int) (n % KINDS.length)], n), n);
            }
        }
        try (Journal j = Journal.open(journalDir(), JOURNAL); Wal wal = Wal.open(walDir(), SMALL)) {
            CdrExport export = new CdrExport(wal, j, CdrExport.DEFAULT_AWAIT_MS, 0);
            assertEquals(c - 2, export.exportedSeq());
            export.retain();
            assertEquals(made.subList(1, made.size()), firstSeqs(), "A is exported, B (" + b + " to " + (c - 1)
                    + ") lacks its last record");
            assertEquals(1, export.segmentsDeleted());
            // one more record in the journal: now B is done with, C is not
            j.append(CdrWalCodecTest.filled(j.record(), KINDS[(int) ((c - 1) % KINDS.length)], c - 1), c - 1);
            j.endOfBatch();
            CdrExport next = new CdrExport(wal, j, CdrExport.DEFAULT_AWAIT_MS, 0);
            next.retain();
            assertEquals(made.subList(2, made.size()), firstSeqs());
            // the rest is exported from what is left, then only the segment being written stays
            assertEquals(last - (c - 1), next.drain());
            assertEquals(List.of(made.get(made.size() - 1)), firstSeqs());
            next.close();
        }
        assertJournalHoldsEachRecordOnce(last);
    }

    /** One run: the journal, the log, and the export as {@code Engine.start} opens them (keeping no extra segment). */
    private final class Run {
        final Journal journal;
        final Wal wal;
        final CdrExport export;
        final long drained;
        long exportedAtKill;

        Run() throws IOException {
            journal = Journal.open(journalDir(), JOURNAL);
            wal = Wal.open(walDir(), SMALL);
            wal.continueAfter(journal.writtenSeq());
            export = new CdrExport(wal, journal, CdrExport.DEFAULT_AWAIT_MS, 0);
            drained = export.drain();
            journal.exportOf(export);
            export.start();
        }

        /** Appends from the log's next seq up to {@code to} in batches of {@code batch}, while the exporter runs. */
        void appendTo(long to, int batch) {
            append(wal, wal.lastSeq() + 1, to, batch);
        }

        /** The exporter stops where it is; the log takes more records than it exported; nothing is closed. */
        void kill(long publishedTo, long appendedTo) {
            export.halt();
            exportedAtKill = export.exportedSeq();
            append(wal, wal.lastSeq() + 1, publishedTo, 16);
            for (long n = publishedTo + 1; n <= appendedTo; n++) {
                append(wal, n);   // the batch the kill interrupted: in the log, its answers never sent
            }
        }
    }

    @Test
    void aStartAfterDeletionsAndKillsExportsEveryRecordOnceWithItsSeq() throws Exception {
        long deleted = 0;
        Run first = new Run();
        first.appendTo(1_500, 16);
        assertTrue(first.export.awaitExported(1_000, 10_000));
        first.kill(2_500, 2_510);
        deleted += first.export.segmentsDeleted();
        assertTrue(firstSeqs().size() >= 5, "unexported records span segments at the kill: " + firstSeqs());

        Run second = new Run();
        assertEquals(2_510 - first.exportedAtKill, second.drained, "the start exports what the journal lacked");
        assertEquals(1, firstSeqs().size(), "then the log is the segment being written: " + firstSeqs());
        // one batch larger than the exporter's step (4096 records): it passes segments it has not reached yet
        second.appendTo(8_000, 8_000);
        second.appendTo(8_500, 16);
        assertTrue(second.export.awaitExported(8_000, 10_000));
        second.kill(9_000, 9_003);
        deleted += second.export.segmentsDeleted();

        Run third = new Run();
        assertEquals(9_003 - second.exportedAtKill, third.drained, "the start exports what the journal lacked");
        third.appendTo(9_500, 16);
        third.wal.endOfBatch();
        third.export.close();
        third.wal.close();
        third.journal.close();
        deleted += third.export.segmentsDeleted();
        assertTrue(deleted >= 40, "segments deleted over the runs: " + deleted);
        assertEquals(1, firstSeqs().size(), "a clean stop leaves the segment being written: " + firstSeqs());

        try (Journal j = Journal.open(journalDir(), JOURNAL); Wal wal = Wal.open(walDir(), SMALL)) {
            CdrExport export = new CdrExport(wal, j, CdrExport.DEFAULT_AWAIT_MS, 0);
            assertEquals(0, export.drain(), "a start after a clean stop has nothing to export");
            assertEquals(9_500, wal.lastSeq());
            export.close();
        }
        assertJournalHoldsEachRecordOnce(9_500);
    }

    @Test
    void aBadRetentionSettingIsRefusedWithItsNameAndValue() throws Exception {
        assertEquals("2", EngineConfig.load(null, Map.of()).validate().string("wal.keepExportedSegments"));
        EngineConfig.load(null, Map.of("wal.keepExportedSegments", "0")).validate();
        Map<String, String> expected = Map.of(
                "-1", "wal.keepExportedSegments=-1: must be between 0 and 1000000",
                "1000001", "wal.keepExportedSegments=1000001: must be between 0 and 1000000",
                "two", "wal.keepExportedSegments=two: not a whole number",
                "", "wal.keepExportedSegments=: not a whole number");
        for (Map.Entry<String, String> bad : expected.entrySet()) {
            EngineConfig.ConfigException e = assertThrows(EngineConfig.ConfigException.class,
                    () -> EngineConfig.load(null, Map.of("wal.keepExportedSegments", bad.getKey())).validate());
            assertEquals(List.of(bad.getValue()), e.problems);
        }
        try (Journal j = Journal.open(journalDir(), JOURNAL); Wal wal = Wal.open(walDir(), SMALL)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CdrExport(wal, j, CdrExport.DEFAULT_AWAIT_MS, -1));
            assertTrue(e.getMessage().startsWith("wal.keepExportedSegments=-1: must be between 0 and 1000000"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> wal.deleteSegmentsBefore(1, -1));
        }
    }
}
