package io.gyro.engine.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.cdr.JournalEntry;
import io.gyro.engine.store.Account;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up recovery reads the records it rolls forward from the write-ahead log when the log holds them: what it
 * decodes there must be what it would have parsed from the JSON journal, in every field recovery uses, for every kind.
 */
class WalEntriesTest {
    private static final CdrKind[] KINDS = {CdrKind.SESSION_INTERIM, CdrKind.SESSION_END, CdrKind.EVENT, CdrKind.REFUND,
        CdrKind.TOP_UP, CdrKind.FEE, CdrKind.STALE_RELEASE, CdrKind.ADJUSTMENT};

    @TempDir
    Path dir;

    @Test
    void theLogsEntriesAreTheJournalsInEveryFieldRecoveryReads() throws Exception {
        int count = 400;
        try (Journal j = Journal.open(dir.resolve("journal"), JournalConfig.defaults());
             Wal wal = Wal.open(dir.resolve("wal"), new WalConfig(1 << 20, false))) {
            CdrExport export = new CdrExport(wal, j);
            j.exportOf(export);
            export.start();
            CdrWalCodec codec = new CdrWalCodec();
            CdrRecord r = new CdrRecord();
            for (long n = 1; n <= count; n++) {
                CdrWalCodecTest.filled(r, KINDS[(int) (n % KINDS.length)], n);
                if (n % 5 == 0) {
                    r.afterState(new Account().clear(r.accountId()).moneyMicros(n).nextBucketId(n));   // no buckets
                }
                codec.append(wal, r);
                if (n % 16 == 0) {
                    wal.endOfBatch();
                }
            }
            wal.endOfBatch();
            List<JournalEntry> parsed = new ArrayList<>();
            try (Journal.Scanner s = j.scanAfter(100)) {
                while (s.hasNext()) {
                    JournalEntry e = s.next();
                    if (e.seq > 100) {
                        parsed.add(e);
                    }
                }
            }
            List<JournalEntry> decoded = new ArrayList<>();
            try (WalEntries w = WalEntries.after(wal, 100)) {
                assertNotNull(w, "the log holds every record after 100");
                while (w.hasNext()) {
                    decoded.add(w.next());
                }
            }
            assertEquals(count - 100, parsed.size());
            assertEquals(parsed.size(), decoded.size());
            for (int i = 0; i < parsed.size(); i++) {
                assertSame(parsed.get(i), decoded.get(i));
            }
            export.close();
        }
    }

    @Test
    void aLogThatLacksTheFirstRecordAfterTheSeqIsNotUsed() throws Exception {
        try (Wal wal = Wal.open(dir.resolve("wal"), new WalConfig(1 << 20, false))) {
            wal.continueAfter(50);   // as after the export deleted the segments before seq 51
            CdrWalCodec codec = new CdrWalCodec();
            for (long n = 1; n <= 10; n++) {
                codec.append(wal, CdrWalCodecTest.filled(new CdrRecord(), CdrKind.EVENT, n));
            }
            wal.endOfBatch();
            assertNull(WalEntries.after(wal, 20), "records 21-50 are not in the log");
            try (WalEntries w = WalEntries.after(wal, 50)) {
                assertNotNull(w);
                assertTrue(w.hasNext());
                assertEquals(51, w.next().seq);
            }
            try (WalEntries w = WalEntries.after(wal, 60)) {
                assertNotNull(w, "nothing after the log's end: an empty tail");
                assertTrue(!w.hasNext());
            }
            assertNull(WalEntries.after(wal, 30));
        }
    }

    private static void assertSame(JournalEntry want, JournalEntry got) {
        String at = "seq " + want.seq + " (" + want.kind + ")";
        assertEquals(want.seq, got.seq, at);
        assertEquals(want.tsMs, got.tsMs, at);
        assertEquals(want.kind, got.kind, at);
        assertEquals(want.msisdn, got.msisdn, at);
        assertEquals(want.accountId, got.accountId, at);
        assertEquals(want.sessionId, got.sessionId, at);
        assertEquals(want.ccRequestNumber, got.ccRequestNumber, at);
        assertEquals(want.units, got.units, at);
        assertEquals(want.retailMicros, got.retailMicros, at);
        assertEquals(want.periodStartMs, got.periodStartMs, at);
        assertEquals(want.periodEndMs, got.periodEndMs, at);
        assertEquals(want.idempotencyKey, got.idempotencyKey, at);
        assertEquals(want.hasAfterState(), got.hasAfterState(), at);
        assertEquals(want.moneyAfterMicros, got.moneyAfterMicros, at);
        assertEquals(want.reservedAfterMicros, got.reservedAfterMicros, at);
        assertEquals(want.nextBucketId, got.nextBucketId, at);
        assertEquals(want.buckets.size(), got.buckets.size(), at);
        for (int b = 0; b < want.buckets.size(); b++) {
            JournalEntry.BucketState w = want.buckets.get(b);
            JournalEntry.BucketState g = got.buckets.get(b);
            String bucket = at + " bucket " + b;
            assertEquals(w.id, g.id, bucket);
            assertEquals(w.service, g.service, bucket);
            assertEquals(w.remaining, g.remaining, bucket);
            assertEquals(w.reserved, g.reserved, bucket);
            assertEquals(w.expiryMs, g.expiryMs, bucket);
            assertEquals(w.priority, g.priority, bucket);
            assertEquals(w.source, g.source, bucket);
        }
        Account fromJson = new Account().clear(want.accountId);
        Account fromLog = new Account().clear(got.accountId);
        want.applyTo(fromJson);
        got.applyTo(fromLog);
        assertTrue(fromJson.sameStateAs(fromLog), at + ": " + fromJson + " vs " + fromLog);
    }
}
