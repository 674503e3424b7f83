package io.gyro.engine.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.cdr.JournalEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdrExportTest {
    private static final CdrKind[] KINDS = CdrKind.values();

    @TempDir
    Path dir;

    private static List<String> fileNames(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl")).sorted().toList();
        }
    }

    private static List<JournalEntry> all(Journal j) throws IOException {
        List<JournalEntry> out = new ArrayList<>();
        try (Journal.Scanner s = j.scan()) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void theExportWritesTheSameJsonLinesAsTheJournalWroteDirectly() throws Exception {
        int count = 3000;
        Path direct = dir.resolve("direct");
        Path exported = dir.resolve("exported");
        JournalConfig small = new JournalConfig(256 * 1024, false);
        try (Journal j = Journal.open(direct, small)) {
            for (long n = 1; n <= count; n++) {
                CdrWalCodecTest.filled(j.record(), KINDS[(int) (n % KINDS.length)], n * 30_000);
                assertEquals(n, j.append(j.record()));
                if (n % 32 == 0) {
                    j.endOfBatch();
                }
            }
        }
        try (Journal j = Journal.open(exported, small); Wal wal = Wal.open(dir.resolve("wal"), new WalConfig(1 << 20, false))) {
            CdrExport export = new CdrExport(wal, j);
            j.exportOf(export);
            export.start();
            CdrWalCodec codec = new CdrWalCodec();
            CdrRecord r = new CdrRecord();
            for (long n = 1; n <= count; n++) {
                CdrWalCodecTest.filled(r, KINDS[(int) (n % KINDS.length)], n * 30_000);
                assertEquals(n, codec.append(wal, r));
                if (n % 32 == 0) {
                    wal.endOfBatch();
                }
            }
            assertEquals(count, j.lastSeq(), "the journal answers the log's last seq");
            // a reader on the writer's thread waits for the export of every record appended
            assertEquals(count, all(j).size());
            assertTrue(export.exportedSeq() >= count);
            export.close();
            assertEquals(count, j.writtenSeq());
        }
        List<String> names = fileNames(direct);
        assertTrue(names.size() > 3, "rotated by size and day: " + names);
        assertEquals(names, fileNames(exported));
        for (String name : names) {
            assertArrayEquals(Files.readAllBytes(direct.resolve(name)), Files.readAllBytes(exported.resolve(name)),
                    name + " differs");
        }
    }

    @Test
    void atStartTheExportDrainsWhatTheLogHasBeyondTheJournal() throws Exception {
        Path journalDir = dir.resolve("journal");
        Path walDir = dir.resolve("wal");
        CdrWalCodec codec = new CdrWalCodec();
        CdrRecord r = new CdrRecord();
        // a run that exported the first 10 records, then was killed with 15 more in the log only
        try (Journal j = Journal.open(journalDir, JournalConfig.defaults()); Wal wal = Wal.open(walDir, WalConfig.defaults())) {
            CdrExport export = new CdrExport(wal, j);
            for (long n = 1; n <= 10; n++) {
                codec.append(wal, CdrWalCodecTest.filled(r, CdrKind.TOP_UP, n));
            }
            wal.endOfBatch();
            assertEquals(10, export.drain());
            for (long n = 11; n <= 25; n++) {
                codec.append(wal, CdrWalCodecTest.filled(r, CdrKind.EVENT, n));
            }
        }
        try (Journal j = Journal.open(journalDir, JournalConfig.defaults()); Wal wal = Wal.open(walDir, WalConfig.defaults())) {
            assertEquals(10, j.lastSeq());
            assertEquals(25, wal.lastSeq());
            CdrExport export = new CdrExport(wal, j);
            assertEquals(15, export.drain());
            assertEquals(25, j.lastSeq());
            List<JournalEntry> e = all(j);
            assertEquals(25, e.size());
            for (int i = 0; i < 25; i++) {
                assertEquals(i + 1, e.get(i).seq);
            }
            assertEquals(CdrKind.EVENT, e.get(24).kind);
            assertEquals(460001234567890L, e.get(24).imsi);
            assertEquals(26201, e.get(24).visitedMccMnc);
            assertEquals("+8613900001111", e.get(24).calledNumber);
            assertEquals(CdrWalCodecTest.T0 - 60_000, e.get(24).usageStartMs);
            assertEquals(CdrWalCodecTest.T0 + 25, e.get(24).usageStopMs);
            assertEquals(0, e.get(0).imsi, "left out of a top-up's line");
            assertEquals(CdrRecord.NONE, e.get(0).usageStartMs);
            export.close();
        }
    }

    @Test
    void aLogBehindTheJournalContinuesFromTheJournalsSeq() throws Exception {
        Path journalDir = dir.resolve("journal");
        try (Journal j = Journal.open(journalDir, JournalConfig.defaults())) {
            for (long n = 1; n <= 3; n++) {
                j.append(CdrWalCodecTest.filled(j.record(), CdrKind.FEE, n));
            }
        }
        try (Journal j = Journal.open(journalDir, JournalConfig.defaults()); Wal wal = Wal.open(dir.resolve("wal"), WalConfig.defaults())) {
            wal.continueAfter(j.writtenSeq());
            CdrExport export = new CdrExport(wal, j);
            assertEquals(0, export.drain());
            assertEquals(4, new CdrWalCodec().append(wal, CdrWalCodecTest.filled(new CdrRecord(), CdrKind.EVENT, 4)));
            wal.endOfBatch();
            export.close();
            assertEquals(4, all(j).size());
        }
    }

    @Test
    void awaitingAnUnpublishedRecordTimesOut() throws Exception {
        try (Journal j = Journal.open(dir.resolve("journal"), JournalConfig.defaults()); Wal wal = Wal.open(dir.resolve("wal"), WalConfig.defaults())) {
            CdrExport export = new CdrExport(wal, j, 50);
            j.exportOf(export);
            export.start();
            new CdrWalCodec().append(wal, CdrWalCodecTest.filled(new CdrRecord(), CdrKind.EVENT, 1));
            assertFalse(export.awaitExported(1, 50), "not published: the exporter cannot see it");
            wal.endOfBatch();
            assertTrue(export.awaitExported(1, 5_000));
            export.close();
            assertThrows(IllegalStateException.class, () -> {
                new CdrWalCodec().append(wal, CdrWalCodecTest.filled(new CdrRecord(), CdrKind.EVENT, 2));
                j.scan();
            }, "the exporter stopped: a reader's wait is bounded and says so");
        }
    }
}
