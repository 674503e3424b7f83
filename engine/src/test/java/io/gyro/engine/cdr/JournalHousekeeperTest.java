package io.gyro.engine.cdr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalHousekeeperTest {
    /** 2026-03-01T10:00:00Z */
    private static final long T0 = 1_772_359_200_000L;
    private static final long SMALL = JournalConfig.MIN_MAX_FILE_BYTES;

    @TempDir
    Path dir;

    private static long append(Journal j, int i) {
        CdrRecord r = j.record().reset(CdrKind.EVENT, T0 + i).msisdn(8617000000000L + i % 97).accountId(i % 97)
                .service(2).ratingGroup(200).units(i).retailMicros(100_000L * (i % 13));
        // lines of 150 to about 1,300 bytes, so rotations fall at many different offsets
        r.explanation("sms " + i + " " + "x".repeat((i * 37) % 1100));
        return j.append(r);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(1);
        }
    }

    /** Writes {@code n} records in batches of 7; with a housekeeper, lets it have a spare ready now and then. */
    private static void write(Path into, boolean housekeeper, int n) throws Exception {
        try (Journal j = Journal.open(into, new JournalConfig(SMALL, false, housekeeper))) {
            for (int i = 0; i < n; i++) {
                assertEquals(i + 1, append(j, i));
                if (i % 7 == 6) {
                    j.endOfBatch();
                }
                if (housekeeper && i % 40 == 0) {
                    await(() -> j.housekeeper().spareReady(), "a spare file");
                }
            }
            j.endOfBatch();
            if (housekeeper) {
                assertTrue(j.sparesTaken() > 10, "rotations through a spare: " + j.sparesTaken());
                assertTrue(j.housekeeper().pagesTouched() > 100, "pages faulted in: " + j.housekeeper().pagesTouched());
            }
        }
    }

    @Test
    void theFilesAreByteForByteTheSameWithAndWithoutTheHousekeeper() throws Exception {
        Path with = dir.resolve("with");
        Path without = dir.resolve("without");
        write(with, true, 3_000);
        write(without, false, 3_000);
        List<Path> a = Journal.listFiles(with);
        List<Path> b = Journal.listFiles(without);
        assertTrue(a.size() > 20, "files: " + a.size());
        assertEquals(b.stream().map(Path::getFileName).toList(), a.stream().map(Path::getFileName).toList());
        for (int i = 0; i < a.size(); i++) {
            byte[] x = Files.readAllBytes(a.get(i));
            assertArrayEquals(Files.readAllBytes(b.get(i)), x, a.get(i).getFileName().toString());
            assertEquals('\n', x[x.length - 1], "cut to its content: " + a.get(i));
        }
        assertFalse(Files.exists(with.resolve(JournalHousekeeper.SPARE_NAME)), "close deletes the unused spare");
        try (Journal j = Journal.open(with, new JournalConfig(SMALL, false, true))) {
            assertEquals(3_000, j.lastSeq());
            long seq = 0;
            try (Journal.Scanner s = j.scan()) {
                while (s.hasNext()) {
                    assertEquals(++seq, s.next().seq);
                }
            }
            assertEquals(3_000, seq);
        }
    }

    /** Three closed files of records 1..n; returns them. */
    private List<Path> threeFiles() throws Exception {
        try (Journal j = Journal.open(dir, new JournalConfig(SMALL, false, false))) {
            int i = 0;
            while (Journal.listFiles(dir).size() < 3 || Files.size(Journal.listFiles(dir).get(2)) == 0) {
                append(j, i++);
                j.endOfBatch();
            }
            append(j, i);
        }
        return Journal.listFiles(dir);
    }

    private static void zeroTail(Path f, long bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(raf.length() + bytes);
        }
    }

    @Test
    void openCutsEveryUncutFileAndDropsAKilledProcesssSpare() throws Exception {
        List<Path> files = threeFiles();
        long[] sizes = new long[3];
        for (int i = 0; i < 3; i++) {
            sizes[i] = Files.size(files.get(i));
        }
        long last;
        try (Journal j = Journal.open(dir, new JournalConfig(SMALL, false, false))) {
            last = j.lastSeq();
        }
        // what a kill leaves: the previous file retired but not yet cut, the live file's zero tail, a spare
        // (with a mark, to tell it from the one the reopened journal's housekeeper makes) and an empty
        // next file that a rotation had just renamed into place
        zeroTail(files.get(1), SMALL - sizes[1]);
        zeroTail(files.get(2), SMALL - sizes[2]);
        byte[] spare = new byte[(int) SMALL];
        spare[100] = 'M';
        Files.write(dir.resolve(JournalHousekeeper.SPARE_NAME), spare);
        Path renamedSpare = dir.resolve(files.get(2).getFileName().toString().replace("0003", "0004"));
        Files.write(renamedSpare, new byte[(int) SMALL]);

        try (Journal j = Journal.open(dir, new JournalConfig(SMALL, false, true))) {
            assertEquals(last, j.lastSeq());
            assertEquals(0, j.tornBytesTruncated());
            for (int i = 0; i < 3; i++) {
                assertEquals(sizes[i], Files.size(files.get(i)), "cut back to its content: " + files.get(i));
            }
            assertEquals(0, Files.size(renamedSpare));
            Path s = dir.resolve(JournalHousekeeper.SPARE_NAME);
            if (Files.exists(s)) {
                assertEquals(0, Files.readAllBytes(s)[100], "the killed process's spare was deleted, not reused");
            }
            assertEquals(last + 1, append(j, 5));
            j.endOfBatch();
            List<Long> seqs = new ArrayList<>();
            try (Journal.Scanner sc = j.scan()) {
                sc.forEachRemaining(e -> seqs.add(e.seq));
            }
            assertEquals(last + 1, seqs.size());
            assertEquals(last + 1, seqs.get(seqs.size() - 1));
        }
        assertEquals(List.of(files.get(0), files.get(1), files.get(2), renamedSpare), Journal.listFiles(dir));
    }

    @Test
    void readersStopAtTheZeroTailOfAnOlderFile() throws Exception {
        List<Path> files = threeFiles();
        long records;
        try (Journal j = Journal.open(dir, new JournalConfig(SMALL, false, false))) {
            records = j.lastSeq();
        }
        // a zero tail behind a clean file: open leaves it (the search stops at the clean file), readers cope
        long content = Files.size(files.get(0));
        zeroTail(files.get(0), 3 * SMALL);
        try (Journal j = Journal.open(dir, new JournalConfig(SMALL, false, true))) {
            assertEquals(content + 3 * SMALL, Files.size(files.get(0)), "left as it is");
            long n = 0;
            try (Journal.Scanner sc = j.scan()) {
                while (sc.hasNext()) {
                    assertEquals(++n, sc.next().seq);
                }
            }
            assertEquals(records, n);
            List<JournalEntry> first = j.read(8617000000000L, 0, Long.MAX_VALUE, 1_000);
            assertFalse(first.isEmpty());
            assertNotNull(first.get(0).explanation);
            assertNull(first.stream().filter(e -> e.msisdn != 8617000000000L).findAny().orElse(null));
        }
    }

    @Test
    void pagesAheadOfTheWriterAreFaultedIn() throws Exception {
        long fileBytes = 1 << 20;
        try (Journal j = Journal.open(dir, new JournalConfig(fileBytes, false, true))) {
            append(j, 1);
            j.endOfBatch();
            JournalHousekeeper h = j.housekeeper();
            // the live file's pages past the writer's, then a spare's first pages (the whole of each here)
            long pages = fileBytes / 4096;
            await(() -> h.pagesTouched() >= 2 * pages - 1 && h.spareReady(), "pages faulted in");
        }
    }

    @Test
    void pagesAreFaultedInAsTheWriterMovesOnThroughABigFile() throws Exception {
        // a file bigger than the look-ahead, so its end is set by the writer's position, not the file's size
        long fileBytes = 4 * JournalConfig.PREFAULT_BYTES;
        long lookaheadPages = JournalConfig.PREFAULT_BYTES / 4096;
        try (Journal j = Journal.open(dir, new JournalConfig(fileBytes, false, true))) {
            JournalHousekeeper h = j.housekeeper();
            await(h::spareReady, "a spare file");
            long spare = h.pagesTouched();
            int i = 0;
            append(j, i++);
            j.endOfBatch();
            await(() -> h.pagesTouched() >= spare + lookaheadPages - 1, "the look-ahead faulted in");
            long before = h.pagesTouched();
            // about 200 KiB further, at offsets that are not page-aligned
            for (; i < 400; i++) {
                append(j, i);
                if (i % 3 == 0) {
                    j.endOfBatch();
                }
            }
            j.endOfBatch();
            await(() -> h.pagesTouched() >= before + 40, "pages ahead of the moved writer");
            assertEquals(0, h.failures(), "no failure in the housekeeper thread");
        }
    }
}
