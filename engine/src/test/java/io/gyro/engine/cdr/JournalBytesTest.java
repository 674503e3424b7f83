package io.gyro.engine.cdr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.gyro.engine.store.Account;
import io.gyro.engine.store.SessionKey;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bytes of the journal's files, fed directly (a write per record) or as an export (written from the buffer when
 * it fills and at batch ends): exactly the JSON lines {@link CdrRecord#writeTo} builds, one after the other, in the
 * files the rotation rules name, and the same as the memory-mapped writer of earlier builds produced for the same
 * records (its files' names, sizes and SHA-256 are kept in {@code journal-golden.txt}, made at commit ecfcc4b).
 */
class JournalBytesTest {
    /** 2026-03-01T10:00:00Z */
    private static final long T0 = 1_772_359_200_000L;
    private static final long DAY = 86_400_000L;
    /** Files of 1 MiB: several rotations by size, each file written in several of the export's chunks. */
    static final JournalConfig CONFIG = new JournalConfig(1L << 20, false);
    static final int RECORDS = 5_000;

    @TempDir
    Path dir;

    /**
     * Appends {@link #RECORDS} records of every shape (after-states, touched buckets, session ids with bytes to
     * escape, text of 0 to ~3,000 characters, some of it multi-byte) over two UTC days, with a clock that steps back
     * once, ending batches at irregular points; {@code exported}: as the export appends them, with their seq. Returns
     * each record's line as {@link CdrRecord#writeTo} builds it.
     */
    static List<byte[]> writeRecords(Journal j, boolean exported) {
        List<byte[]> lines = new ArrayList<>();
        byte[] buf = new byte[Journal.MAX_LINE_BYTES];
        JsonLineWriter w = new JsonLineWriter().wrap(buf);
        Account a = new Account();
        SessionKey id = new SessionKey();
        int untilBatchEnd = 1;
        for (int i = 0; i < RECORDS; i++) {
            long ts = T0 + i * 1_000L + (i >= 3_000 ? DAY : 0) - (i == 3_500 ? DAY : 0);
            CdrRecord r = j.record().reset(CdrKind.values()[i % CdrKind.values().length], ts)
                    .msisdn(8617000000000L + i % 101).accountId(i % 101).service(i % 4).ratingGroup(100 + i % 3)
                    .units(i * 1_000L).retailMicros(i * 137L - 50_000).wholesaleMicros(i * 11L);
            if (i % 3 == 0) {
                a.clear(i % 101).moneyMicros(50_000_000L - i).reservedMicros(i % 7 * 1_000L).nextBucketId(1 + i % 5);
                for (int b = 0; b < i % 5; b++) {
                    a.putBucket(b, b + 1, 1_000_000L - i, b * 10L, T0 + 30 * DAY, b, b % 3);
                }
                r.afterState(a);
                r.bucketTouched(i % 5, i, 1_000_000L - i);
            }
            if (i % 4 != 1) {
                byte[] raw = ("pgw" + i % 3 + ";17000;" + i + (i % 50 == 0 ? "\"\\\n\u00e9" : "")).getBytes(StandardCharsets.UTF_8);
                id.set(raw, 0, raw.length);
                r.sessionId(id).ccRequestNumber(i % 9);
            }
            if (i % 11 == 0) {
                r.idempotencyKey("order-" + i);
            }
            r.explanation((i % 7 == 0 ? "\u4e2d\u6587 data " : "data ") + "x".repeat((i * 389) % 3_000));
            long seq = exported ? j.append(r, i + 1) : j.append(r);
            assertEquals(i + 1, seq);
            w.reset();
            r.writeTo(w, seq);
            byte[] line = new byte[w.position()];
            System.arraycopy(buf, 0, line, 0, line.length);
            lines.add(line);
            if (--untilBatchEnd == 0) {
                j.endOfBatch();
                untilBatchEnd = 1 + (i * 7) % 23;
            }
        }
        j.endOfBatch();
        return lines;
    }

    /** One line per file: name, size, SHA-256 of the content. */
    static List<String> digests(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        for (Path f : Journal.listFiles(dir)) {
            byte[] b = Files.readAllBytes(f);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
            out.add(f.getFileName() + " " + b.length + " " + sha);
        }
        return out;
    }

    private static List<String> golden() throws IOException {
        try (InputStream in = JournalBytesTest.class.getResourceAsStream("journal-golden.txt")) {
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    out.add(l.strip());
                }
            }
            return out;
        }
    }

    @ParameterizedTest(name = "exported={0}")
    @ValueSource(booleans = {false, true})
    void theFilesAreTheLinesOfTheRecordsInOrderSplitOnlyAtRotations(boolean exported) throws Exception {
        List<byte[]> lines;
        try (Journal j = Journal.open(dir, CONFIG)) {
            lines = writeRecords(j, exported);
        }
        List<Path> files = Journal.listFiles(dir);
        assertTrue(files.size() > 5, "rotations by size and day: " + files);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int line = 0;
        for (Path f : files) {
            byte[] content = Files.readAllBytes(f);
            assertTrue(content.length <= CONFIG.maxFileBytes(), f + " within the size limit");
            // the file holds whole lines, and the next line would not have fitted (a rotation by size) or is of a
            // later UTC day
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            while (line < lines.size() && expected.size() + lines.get(line).length <= content.length) {
                expected.write(lines.get(line++));
            }
            assertArrayEquals(expected.toByteArray(), content, f.getFileName().toString());
            all.write(content);
        }
        assertEquals(lines.size(), line, "every record is in the files");
        ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            concatenated.write(l);
        }
        assertArrayEquals(concatenated.toByteArray(), all.toByteArray());
    }

    @ParameterizedTest(name = "exported={0}, fsync={1}")
    @CsvSource({"false, false", "true, false", "true, true"})
    void theFilesAreByteForByteWhatTheMappedWriterWrote(boolean exported, boolean fsync) throws Exception {
        try (Journal j = Journal.open(dir, new JournalConfig(CONFIG.maxFileBytes(), fsync))) {
            writeRecords(j, exported);
        }
        assertEquals(golden(), digests(dir));
    }
}
