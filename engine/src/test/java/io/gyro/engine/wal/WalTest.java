package io.gyro.engine.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.gyro.engine.store.Allocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
    private static final long T0 = 1_772_359_200_000L;
    private static final WalConfig SMALL = new WalConfig(WalConfig.MIN_SEGMENT_BYTES, false);

    @TempDir
    Path dir;

    /** A payload of {@code length} bytes whose every byte is derived from the seq it is written under. */
    static final class TestPayload implements WalPayload {
        long seq;
        int length;

        TestPayload of(long seq, int length) {
            this.seq = seq;
            this.length = length;
            return this;
        }

        @Override
        public int kind() {
            return 7;
        }

        @Override
        public int layoutVersion() {
            return 3;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void write(ByteBuffer dst, int offset) {
            for (int i = 0; i < length; i++) {
                dst.put(offset + i, (byte) (seq * 31 + i));
            }
        }
    }

    private static int lengthOf(long seq) {
        return (int) (seq * 37 % 1000) + 1;
    }

    private static void appendMany(Wal wal, long from, long to) {
        TestPayload p = new TestPayload();
        for (long s = from; s <= to; s++) {
            assertEquals(s, wal.append(T0 + s, p.of(s, lengthOf(s))));
        }
    }

    /** Checks the record under the reader is the one {@link #appendMany} wrote for its seq. */
    private static void assertRecord(WalReader r, long seq) {
        assertEquals(seq, r.seq());
        assertEquals(7, r.kind());
        assertEquals(3, r.layoutVersion());
        assertEquals(T0 + seq, r.timeMs());
        assertEquals(lengthOf(seq), r.payloadLength());
        for (int i = 0; i < r.payloadLength(); i++) {
            if (r.buffer().get(r.payloadOffset() + i) != (byte) (seq * 31 + i)) {
                throw new AssertionError("seq " + seq + ": payload byte " + i + " differs");
            }
        }
    }

    private static long readAll(WalReader r, long firstSeq) {
        long expect = firstSeq;
        while (r.next()) {
            assertRecord(r, expect++);
        }
        return expect - firstSeq;
    }

    @Test
    void appendedRecordsReadBackAfterTheBatchEnds() throws Exception {
        try (Wal wal = Wal.open(dir, WalConfig.defaults())) {
            appendMany(wal, 1, 100);
            try (WalReader r = wal.reader(1)) {
                assertFalse(r.next(), "nothing is published before the batch ends");
                wal.endOfBatch();
                assertEquals(100, readAll(r, 1));
            }
            try (WalReader r = wal.reader(40)) {
                assertEquals(61, readAll(r, 40), "a reader starts at the seq asked for");
            }
        }
        assertEquals(List.of("00000000000000000001.wal"), Files.list(dir).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void segmentsRotateWhenTheNextRecordWouldNotFitAndAreNamedByTheirFirstSeq() throws Exception {
        try (Wal wal = Wal.open(dir, SMALL)) {
            appendMany(wal, 1, 1000);
            wal.endOfBatch();
            List<Path> segments = Wal.segments(dir);
            assertTrue(segments.size() > 5, "about 500 KB in 64 KiB segments: " + segments.size());
            long expectFirst = 1;
            for (Path s : segments) {
                assertEquals(WalConfig.MIN_SEGMENT_BYTES, Files.size(s), "preallocated");
                assertEquals(expectFirst, Wal.firstSeqOf(s));
                try (WalReader r = WalReader.stopped(dir, expectFirst)) {
                    assertTrue(r.next());
                    assertEquals(expectFirst, r.seq());
                }
                expectFirst += Wal.scan(map(s), (int) Files.size(s), Wal.firstSeqOf(s), new java.util.zip.CRC32C()).records();
            }
            assertEquals(1001, expectFirst);
            try (WalReader r = wal.reader(1)) {
                assertEquals(1000, readAll(r, 1));
            }
            try (WalReader r = wal.reader(777)) {
                assertEquals(224, readAll(r, 777), "a reader from the middle finds the segment holding its seq");
            }
        }
    }

    @Test
    void seqContinuesAfterReopen() throws Exception {
        try (Wal wal = Wal.open(dir, SMALL)) {
            appendMany(wal, 1, 300);
        }
        try (Wal wal = Wal.open(dir, SMALL)) {
            assertEquals(300, wal.lastSeq());
            assertEquals(300, wal.publishedSeq());
            assertEquals(0, wal.tornBytesCut());
            appendMany(wal, 301, 400);
            wal.endOfBatch();
            try (WalReader r = wal.reader(1)) {
                assertEquals(400, readAll(r, 1));
            }
        }
    }

    @Test
    void tornTailIsCutAtOpenAndTheSeqContinuesAfterTheLastWholeRecord() throws Exception {
        long end;
        try (Wal wal = Wal.open(dir, WalConfig.defaults())) {
            appendMany(wal, 1, 10);
        }
        Path segment = Wal.segments(dir).get(0);
        ByteBuffer m = map(segment);
        end = Wal.scan(m, (int) Files.size(segment), 1, new java.util.zip.CRC32C()).end();
        // a kill in the middle of record 11: its length and seq written, its payload and CRC not
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ByteBuffer partial = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
            partial.putInt(0, 500).putShort(4, (short) 7).putShort(6, (short) 3).putLong(8, 11).putLong(16, T0 + 11);
            partial.put(24, (byte) 0x5A);
            ch.write(partial, end);
        }
        try (Wal wal = Wal.open(dir, WalConfig.defaults())) {
            assertEquals(10, wal.lastSeq());
            assertTrue(wal.tornBytesCut() > 0 && wal.tornBytesCut() <= 40, "cut " + wal.tornBytesCut());
            appendMany(wal, 11, 20);
            wal.endOfBatch();
            try (WalReader r = wal.reader(1)) {
                assertEquals(20, readAll(r, 1));
            }
        }
        try (Wal wal = Wal.open(dir, WalConfig.defaults())) {
            assertEquals(0, wal.tornBytesCut(), "cut once");
        }
    }

    @Test
    void aBadCrcStopsTheScanAndWhatFollowsIsCut() throws Exception {
        try (Wal wal = Wal.open(dir, WalConfig.defaults())) {
            appendMany(wal, 1, 10);
        }
        Path segment = Wal.segments(dir).get(0);
        int at = Wal.SEGMENT_HEADER_BYTES;
        ByteBuffer m = map(segment);
        for (int i = 0; i < 5; i++) {
            at = Wal.align(at + m.getInt(at));
        }
        // flip one payload byte of record 6
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at + Wal.PAYLOAD_OFFSET);
            b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
            ch.write(b, at + Wal.PAYLOAD_OFFSET);
        }
        try (WalReader r = WalReader.stopped(dir, 1)) {
            assertEquals(5, countUntilCorrupt(r));
        }
        try (Wal wal = Wal.open(dir, WalConfig.defaults())) {
            assertEquals(5, wal.lastSeq(), "the scan stops at the bad record");
            assertTrue(wal.tornBytesCut() > 0);
            assertEquals(6, wal.append(T0 + 6, new TestPayload().of(6, lengthOf(6))));
            wal.endOfBatch();
            try (WalReader r = wal.reader(1)) {
                assertEquals(6, readAll(r, 1));
            }
        }
    }

    private static int countUntilCorrupt(WalReader r) {
        int n = 0;
        try {
            while (r.next()) {
                n++;
            }
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage().contains("bad CRC"), e.getMessage());
        }
        return n;
    }

    @Test
    void aReaderOnAnotherThreadSeesOnlyPublishedRecords() throws Exception {
        int total = 50_000;
        try (Wal wal = Wal.open(dir, new WalConfig(1 << 20, false))) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long[] read = {0};
            Thread tail = new Thread(() -> {
                try (WalReader r = wal.reader(1)) {
                    long expect = 1;
                    while (expect <= total) {
                        if (!r.next()) {
                            Thread.onSpinWait();
                            continue;
                        }
                        if (r.seq() > wal.publishedSeq()) {
                            throw new AssertionError("read seq " + r.seq() + " beyond the published " + wal.publishedSeq());
                        }
                        assertRecord(r, expect++);
                    }
                    read[0] = expect - 1;
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "wal-tail");
            tail.start();
            TestPayload p = new TestPayload();
            for (long s = 1; s <= total; s++) {
                wal.append(T0 + s, p.of(s, lengthOf(s)));
                if (s % 32 == 0) {
                    wal.endOfBatch();
                }
            }
            wal.endOfBatch();
            tail.join(60_000);
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(total, read[0]);
            assertTrue(Wal.segments(dir).size() > 10, "the reader crossed segments while they were written");
        }
    }

    @Test
    void continueAfterStartsTheLogAtTheJournalsNextSeq() throws Exception {
        try (Wal wal = Wal.open(dir, WalConfig.defaults())) {
            wal.continueAfter(41);
            assertEquals(41, wal.lastSeq());
            appendMany(wal, 42, 45);
            wal.endOfBatch();
            try (WalReader r = wal.reader(1)) {
                assertEquals(4, readAll(r, 42), "nothing before 42 exists; the reader jumps to it");
            }
        }
        assertEquals(42, Wal.firstSeqOf(Wal.segments(dir).get(0)));
        try (Wal wal = Wal.open(dir, WalConfig.defaults())) {
            assertEquals(45, wal.lastSeq());
            wal.continueAfter(50);
            appendMany(wal, 51, 52);
            wal.endOfBatch();
            try (WalReader r = wal.reader(44)) {
                assertTrue(r.next());
                assertRecord(r, 44);
                assertTrue(r.next());
                assertRecord(r, 45);
                assertTrue(r.next());
                assertRecord(r, 51);
            }
        }
    }

    @Test
    void aRecordLargerThanASegmentIsRefused() throws Exception {
        try (Wal wal = Wal.open(dir, SMALL)) {
            assertThrows(IllegalArgumentException.class,
                    () -> wal.append(T0, new TestPayload().of(1, (int) WalConfig.MIN_SEGMENT_BYTES)));
        }
    }

    @Test
    void fsyncPerBatchForcesAndPublishes() throws Exception {
        try (Wal wal = Wal.open(dir, new WalConfig(WalConfig.MIN_SEGMENT_BYTES, true))) {
            appendMany(wal, 1, 200);
            wal.endOfBatch();
            assertEquals(200, wal.publishedSeq());
        }
    }

    @Test
    void appendAllocatesNothing() throws Exception {
        try (Wal wal = Wal.open(dir, new WalConfig(WalConfig.MAX_SEGMENT_BYTES / 4, false))) {
            TestPayload p = new TestPayload().of(0, 200);
            double perOp = Allocations.bytesPerOp(20_000, 50_000, () -> {
                wal.append(T0, p);
                wal.endOfBatch();
            });
            assertTrue(perOp < 1, perOp + " bytes per append");
        }
    }

    private static ByteBuffer map(Path segment) throws Exception {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
