package io.gyro.engine.cdr;

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
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a kill leaves at the end of the journal, and how {@link Journal#open} and the readers deal with it: a write
 * cut part way (a torn last line), a direct append that returned, the lines of an exported batch that had not ended,
 * and the zero tails and spare file of the memory-mapped writer of earlier builds.
 */
class JournalTornTailTest {
    /** 2026-03-01T10:00:00Z */
    private static final long T0 = 1_772_359_200_000L;
    private static final long SMALL = JournalConfig.MIN_MAX_FILE_BYTES;

    @TempDir
    Path dir;

    private static long append(Journal j, int i) {
        return j.append(record(j, i));
    }

    /** As the export appends: into the write buffer, with the log's seq. */
    private static long export(Journal j, int i) {
        return j.append(record(j, i), j.writtenSeq() + 1);
    }

    private static CdrRecord record(Journal j, int i) {
        CdrRecord r = j.record().reset(CdrKind.EVENT, T0 + i).msisdn(8617000000000L + i % 97).accountId(i % 97)
                .service(2).ratingGroup(200).units(i).retailMicros(100_000L * (i % 13));
        // lines of 150 to about 1,300 bytes, so cuts and rotations fall at many different offsets
        r.explanation("sms " + i + " " + "x".repeat((i * 37) % 1100));
        return r;
    }

    private static List<Long> seqs(Journal j) throws IOException {
        List<Long> out = new ArrayList<>();
        try (Journal.Scanner s = j.scan()) {
            s.forEachRemaining(e -> out.add(e.seq));
        }
        return out;
    }

    /** Offset just past the last '\n' before {@code end}; 0 when there is none. */
    private static int lastLineEnd(byte[] b, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static int linesIn(byte[] b, int end) {
        int n = 0;
        for (int i = 0; i < end; i++) {
            n += b[i] == '\n' ? 1 : 0;
        }
        return n;
    }

    @Test
    void aWriteCutShortByAKillAtAnyByteLeavesTheJournalAtItsLastWholeLine() throws Exception {
        // given: one exported batch of ~1.4 MB, so its lines go to the file in several writes of the buffer
        Path written = dir.resolve("written");
        try (Journal j = Journal.open(written, JournalConfig.defaults())) {
            for (int i = 0; i < 2_000; i++) {
                export(j, i);
            }
            j.endOfBatch();
        }
        Path file = Journal.listFiles(written).get(0);
        byte[] full = Files.readAllBytes(file);
        assertTrue(full.length > 4 * Journal.CHUNK_BYTES, "several chunks: " + full.length);
        Random rnd = new Random(17);
        List<Integer> cuts = new ArrayList<>(List.of(1, Journal.CHUNK_BYTES, Journal.CHUNK_BYTES + 1, full.length - 1));
        for (int i = 0; i < 40; i++) {
            cuts.add(1 + rnd.nextInt(full.length - 1));
        }
        for (int cut : cuts) {
            // when: the file ends where a kill stopped the write
            Path d = dir.resolve("cut-" + cut);
            Files.createDirectories(d);
            Path f = d.resolve(file.getFileName());
            Files.write(f, Arrays.copyOf(full, cut));
            int whole = lastLineEnd(full, cut);
            long records = linesIn(full, cut);
            // then: open cuts the torn line, exactly, and the seq goes on from the last whole line
            try (Journal j = Journal.open(d, JournalConfig.defaults())) {
                assertEquals(cut - whole, j.tornBytesTruncated(), "cut at " + cut);
                assertEquals(whole, Files.size(f), "cut at " + cut);
                assertEquals(records, j.lastSeq(), "cut at " + cut);
                assertEquals(records + 1, append(j, (int) records));
                List<Long> seqs = seqs(j);
                assertEquals(records + 1, seqs.size());
                for (int i = 0; i < seqs.size(); i++) {
                    assertEquals(i + 1, seqs.get(i));
                }
            }
            try (Journal j = Journal.open(d, JournalConfig.defaults())) {
                assertEquals(0, j.tornBytesTruncated(), "nothing torn after a clean close");
                assertEquals(records + 1, j.lastSeq());
            }
        }
    }

    @Test
    void aKillKeepsEveryDirectAppendThatReturned() throws Exception {
        Journal killed = Journal.open(dir, JournalConfig.defaults());
        for (int i = 0; i < 15; i++) {
            append(killed, i);
        }
        // not closed, no batch end: the kill came between the last record and its maps' writes (journal first)
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            assertEquals(15, j.lastSeq());
            assertEquals(0, j.tornBytesTruncated());
        }
    }

    @Test
    void aKillLosesOnlyTheExportedLinesOfTheBatchThatHadNotEnded() throws Exception {
        Journal killed = Journal.open(dir, JournalConfig.defaults());
        for (int i = 0; i < 10; i++) {
            export(killed, i);
        }
        killed.endOfBatch();
        for (int i = 10; i < 15; i++) {
            export(killed, i);
        }
        // not closed: as a kill leaves it, before the batch of records 11 to 15 ended (the log still holds them)
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            assertEquals(10, j.lastSeq());
            assertEquals(0, j.tornBytesTruncated());
        }
    }

    @Test
    void anExportedBatchBiggerThanTheBufferIsWrittenOutInWholeLinesBeforeItEnds() throws Exception {
        Journal killed = Journal.open(dir, JournalConfig.defaults());
        int i = 0;
        do {
            export(killed, i++);
        } while (Files.size(Journal.listFiles(dir).get(0)) == 0);
        // not closed: a kill in the middle of the batch leaves what the full buffer wrote, whole lines only
        byte[] content = Files.readAllBytes(Journal.listFiles(dir).get(0));
        assertEquals('\n', content[content.length - 1]);
        assertTrue(content.length <= Journal.CHUNK_BYTES);
        try (Journal j = Journal.open(dir, JournalConfig.defaults())) {
            assertEquals(0, j.tornBytesTruncated());
            assertEquals(linesIn(content, content.length), j.lastSeq());
            assertTrue(j.lastSeq() < i);
        }
    }

    /** Three closed files of records 1..n; returns them. */
    private List<Path> threeFiles() throws Exception {
        try (Journal j = Journal.open(dir, new JournalConfig(SMALL, false))) {
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
    void openCutsEveryFileTheMappedWriterLeftUncutAndDropsItsSpare() throws Exception {
        List<Path> files = threeFiles();
        long[] sizes = new long[3];
        for (int i = 0; i < 3; i++) {
            sizes[i] = Files.size(files.get(i));
        }
        long last;
        try (Journal j = Journal.open(dir, new JournalConfig(SMALL, false))) {
            last = j.lastSeq();
        }
        // what a kill of the memory-mapped writer of earlier builds left: the previous file retired but not yet cut,
        // the live file's zero tail, a spare file and an empty next file that a rotation had just renamed into place
        zeroTail(files.get(1), SMALL - sizes[1]);
        zeroTail(files.get(2), SMALL - sizes[2]);
        Files.write(dir.resolve(Journal.OLD_SPARE_NAME), new byte[(int) SMALL]);
        Path renamedSpare = dir.resolve(files.get(2).getFileName().toString().replace("0003", "0004"));
        Files.write(renamedSpare, new byte[(int) SMALL]);

        try (Journal j = Journal.open(dir, new JournalConfig(SMALL, false))) {
            assertEquals(last, j.lastSeq());
            assertEquals(0, j.tornBytesTruncated());
            for (int i = 0; i < 3; i++) {
                assertEquals(sizes[i], Files.size(files.get(i)), "cut back to its content: " + files.get(i));
            }
            assertEquals(0, Files.size(renamedSpare));
            assertFalse(Files.exists(dir.resolve(Journal.OLD_SPARE_NAME)), "the spare is deleted");
            assertEquals(last + 1, append(j, 5));
            j.endOfBatch();
            List<Long> seqs = seqs(j);
            assertEquals(last + 1, seqs.size());
            assertEquals(last + 1, seqs.get(seqs.size() - 1));
        }
        assertEquals(List.of(files.get(0), files.get(1), files.get(2), renamedSpare), Journal.listFiles(dir));
    }

    @Test
    void readersStopAtTheZeroTailOfAnOlderFile() throws Exception {
        List<Path> files = threeFiles();
        long records;
        try (Journal j = Journal.open(dir, new JournalConfig(SMALL, false))) {
            records = j.lastSeq();
        }
        // a zero tail behind a clean file: open leaves it (the search stops at the clean file), readers cope
        long content = Files.size(files.get(0));
        zeroTail(files.get(0), 3 * SMALL);
        try (Journal j = Journal.open(dir, new JournalConfig(SMALL, false))) {
            assertEquals(content + 3 * SMALL, Files.size(files.get(0)), "left as it is");
            List<Long> seqs = seqs(j);
            assertEquals(records, seqs.size());
            assertEquals(records, seqs.get(seqs.size() - 1));
            List<JournalEntry> first = j.read(8617000000000L, 0, Long.MAX_VALUE, 1_000);
            assertFalse(first.isEmpty());
            assertNotNull(first.get(0).explanation);
            assertNull(first.stream().filter(e -> e.msisdn != 8617000000000L).findAny().orElse(null));
        }
    }
}
