package io.gyro.engine.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.Allocations;
import io.gyro.engine.store.SessionKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class CdrWalCodecTest {
    /** 2026-03-01T10:00:00Z */
    static final long T0 = 1_772_359_200_000L;
    static final long DAY = 86_400_000L;

    /** A record of {@code kind} as {@code pipeline.Records} fills that kind, with the new network fields on usage. */
    static CdrRecord filled(CdrRecord r, CdrKind kind, long n) {
        Account a = new Account().clear(8617000000000L + n).moneyMicros(49_900_000L - n).reservedMicros(2_000_000L)
                .nextBucketId(5);
        a.putBucket(3, 1, 1_000_000 - n, 20_000, T0 + 30 * DAY, 5, 9);
        a.putBucket(4, 2, 100, 0, T0 + 30 * DAY, 1, 2);
        r.reset(kind, T0 + n).msisdn(8617000000000L + n).accountId(8617000000000L + n);
        switch (kind) {
            case SESSION_INTERIM, SESSION_END, EVENT, REFUND -> {
                r.ccRequestNumber(n).service(1).ratingGroup(100).units(512_000).retailMicros(kind == CdrKind.REFUND ? -100 : 100_000)
                        .wholesaleMicros(20_000).uncollectedMicros(kind == CdrKind.SESSION_END ? 7 : 0)
                        .imsi(460001234567890L).visitedMccMnc(26201).usagePeriod(T0 - 60_000, T0 + n);
                r.sessionId("pgw1.example;1700000000;" + n);
                byte[] called = "+8613900001111".getBytes(StandardCharsets.US_ASCII);
                r.calledNumber(called, 0, called.length);
                r.bucketTouched(3, 512_000, 1_000_000 - n);
                r.bucketTouched(4, 1, 99);
                r.explanation("data 512000 octets from bucket 3; tariff basic/data \u4e2d\u6587 \uD83D\uDE00");
                r.packageId("basic").serviceName("data");
            }
            case TOP_UP -> r.retailMicros(-5_000_000).idempotencyKey("key-" + n).explanation("top-up by the API");
            case FEE -> r.retailMicros(30_000_000).renewedPeriod(T0, T0 + 30 * DAY).explanation("monthly fee");
            case STALE_RELEASE -> r.explanation("session silent past validity time plus grace; reservations released")
                    .sessionId("stale;" + n);
            case ADJUSTMENT -> r.explanation("renewal of buckets");
            default -> throw new AssertionError(kind);
        }
        return r.afterState(a);
    }

    static void assertSameRecord(CdrRecord want, CdrRecord got) {
        assertEquals(want.kind(), got.kind());
        assertEquals(want.tsMs(), got.tsMs());
        assertEquals(want.msisdn(), got.msisdn());
        assertEquals(want.accountId(), got.accountId());
        assertEquals(want.hasSessionId(), got.hasSessionId());
        if (want.hasSessionId()) {
            assertEquals(want.sessionId().toString(), got.sessionId().toString());
        }
        assertEquals(want.ccRequestNumber(), got.ccRequestNumber());
        assertEquals(want.service(), got.service());
        assertEquals(want.ratingGroup(), got.ratingGroup());
        assertEquals(want.units(), got.units());
        assertEquals(want.retailMicros(), got.retailMicros());
        assertEquals(want.wholesaleMicros(), got.wholesaleMicros());
        assertEquals(want.uncollectedMicros(), got.uncollectedMicros());
        assertEquals(want.periodStartMs(), got.periodStartMs());
        assertEquals(want.periodEndMs(), got.periodEndMs());
        assertEquals(want.touchedCount(), got.touchedCount());
        for (int i = 0; i < want.touchedCount(); i++) {
            assertEquals(want.touchedId(i), got.touchedId(i));
            assertEquals(want.touchedUnits(i), got.touchedUnits(i));
            assertEquals(want.touchedRemainingAfter(i), got.touchedRemainingAfter(i));
        }
        assertEquals(want.hasAfterState(), got.hasAfterState());
        if (want.hasAfterState()) {
            Account a = want.after();
            Account b = got.after();
            assertEquals(a.moneyMicros(), b.moneyMicros());
            assertEquals(a.reservedMicros(), b.reservedMicros());
            assertEquals(a.nextBucketId(), b.nextBucketId());
            assertEquals(a.bucketCount(), b.bucketCount());
            for (int i = 0; i < a.bucketCount(); i++) {
                assertEquals(a.bucketId(i), b.bucketId(i));
                assertEquals(a.service(i), b.service(i));
                assertEquals(a.remainingUnits(i), b.remainingUnits(i));
                assertEquals(a.reservedUnits(i), b.reservedUnits(i));
                assertEquals(a.expiryMs(i), b.expiryMs(i));
                assertEquals(a.priority(i), b.priority(i));
                assertEquals(a.sourceCode(i), b.sourceCode(i));
            }
        }
        assertEquals(want.idempotencyKey().toString(), got.idempotencyKey().toString());
        assertEquals(want.explanation().toString(), got.explanation().toString());
        assertEquals(want.packageId().toString(), got.packageId().toString());
        assertEquals(want.serviceName(), got.serviceName());
        assertEquals(want.imsi(), got.imsi());
        assertEquals(want.visitedMccMnc(), got.visitedMccMnc());
        assertEquals(new String(want.calledNumber(), 0, want.calledNumberLength(), StandardCharsets.ISO_8859_1),
                new String(got.calledNumber(), 0, got.calledNumberLength(), StandardCharsets.ISO_8859_1));
        assertEquals(want.usageStartMs(), got.usageStartMs());
        assertEquals(want.usageStopMs(), got.usageStopMs());
    }

    private static ByteBuffer encode(CdrWalCodec codec, CdrRecord r, int offset) {
        ByteBuffer b = ByteBuffer.allocateDirect(offset + CdrWalCodec.MAX_PAYLOAD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        codec.wrap(r).write(b, offset);
        return b;
    }

    @ParameterizedTest
    @EnumSource(CdrKind.class)
    void everyKindRoundTrips(CdrKind kind) {
        CdrWalCodec codec = new CdrWalCodec();
        CdrRecord r = filled(new CdrRecord(), kind, 42);
        int length = codec.wrap(r).length();
        ByteBuffer b = encode(codec, r, 24);
        CdrRecord back = codec.decode(b, 24, length, r.tsMs(), CdrWalCodec.LAYOUT_VERSION, new CdrRecord());
        assertSameRecord(r, back);
    }

    @Test
    void stringsBelowU0100TakeOneBytePerCharacterAndOthersTwo() {
        CdrWalCodec codec = new CdrWalCodec();
        CdrRecord r = new CdrRecord().reset(CdrKind.TOP_UP, T0).idempotencyKey("key-\u00e9")
                .explanation("top-up of 5.00 CNY").packageId("\u5957\u9910-1");
        r.serviceName("data");
        int length = codec.wrap(r).length();
        // key and explanation narrow (5 + 18), package id wide (2 x 4), service name narrow (4)
        assertEquals(152 + 5 + 18 + 8 + 4, length);
        ByteBuffer b = encode(codec, r, 8);
        assertEquals(5 | CdrWalCodec.NARROW, b.getShort(8 + CdrWalCodec.IDEMPOTENCY_KEY_LENGTH) & 0xffff);
        assertEquals(4, b.getShort(8 + CdrWalCodec.PACKAGE_ID_LENGTH) & 0xffff, "a wide string has no flag");
        CdrRecord back = codec.decode(b, 8, length, T0, CdrWalCodec.LAYOUT_VERSION, new CdrRecord());
        assertEquals("key-\u00e9", back.idempotencyKey().toString());
        assertEquals("top-up of 5.00 CNY", back.explanation().toString());
        assertEquals("\u5957\u9910-1", back.packageId().toString());
        assertEquals("data", back.serviceName());
    }

    /** A layout 2 payload is a layout 3 one whose strings are all wide: the bytes of one decode under both numbers. */
    @Test
    void aLayoutTwoPayloadStillDecodes() {
        CdrWalCodec codec = new CdrWalCodec();
        CdrRecord r = filled(new CdrRecord(), CdrKind.SESSION_END, 7);
        r.explanation("\u4e2d explanation").packageId("\u5957").serviceName("\u6570\u636e");
        int length = codec.wrap(r).length();
        ByteBuffer b = encode(codec, r, 0);
        assertSameRecord(r, codec.decode(b, 0, length, r.tsMs(), 2, new CdrRecord()));
    }

    @Test
    void anEmptyRecordRoundTripsWithItsNoneValues() {
        CdrWalCodec codec = new CdrWalCodec();
        CdrRecord r = new CdrRecord().reset(CdrKind.ADJUSTMENT, T0);
        ByteBuffer b = encode(codec, r, 0);
        assertEquals(152, codec.wrap(r).length(), "the fixed part alone");
        CdrRecord back = codec.decode(b, 0, 152, T0, 1, filled(new CdrRecord(), CdrKind.SESSION_END, 1));
        assertSameRecord(r, back);
        assertFalse(back.hasAfterState());
        assertEquals(CdrRecord.NONE, back.usageStartMs());
        assertEquals(CdrRecord.NO_VISITED_NETWORK, back.visitedMccMnc());
    }

    @Test
    void theLargestRecordFillsExactlyTheLargestPayload() {
        CdrWalCodec codec = new CdrWalCodec();
        CdrRecord r = new CdrRecord().reset(CdrKind.SESSION_END, T0);
        Account a = new Account().clear(1);
        for (int i = 0; i < Account.MAX_BUCKETS; i++) {
            a.putBucket(i + 1, 1, 1000, 0, T0, 1, 1);
            assertTrue(r.bucketTouched(i + 1, 1, 999));
        }
        r.afterState(a);
        byte[] id = new byte[SessionKey.MAX_BYTES];
        java.util.Arrays.fill(id, (byte) 'x');
        SessionKey key = new SessionKey();
        key.set(id, 0, id.length);
        r.sessionId(key);
        byte[] called = new byte[CdrRecord.MAX_CALLED_NUMBER_BYTES];
        java.util.Arrays.fill(called, (byte) '9');
        r.calledNumber(called, 0, called.length);
        // wide characters everywhere: the largest payload has every string at two bytes a character
        r.idempotencyKey("\u0100".repeat(500)).explanation("\uD800".repeat(5000));
        r.packageId("\u0101".repeat(io.gyro.engine.store.Subscriber.MAX_PACKAGE_ID_LENGTH))
                .serviceName("\u0102".repeat(CdrRecord.MAX_SERVICE_NAME_CHARS));
        assertEquals(CdrWalCodec.MAX_PAYLOAD_BYTES, codec.wrap(r).length());
        ByteBuffer b = encode(codec, r, 0);
        assertSameRecord(r, codec.decode(b, 0, CdrWalCodec.MAX_PAYLOAD_BYTES, T0, CdrWalCodec.LAYOUT_VERSION,
                new CdrRecord()));
    }

    @Test
    void anUnknownLayoutVersionOrCountsThatDisagreeAreRefused() {
        CdrWalCodec codec = new CdrWalCodec();
        CdrRecord r = filled(new CdrRecord(), CdrKind.EVENT, 1);
        int length = codec.wrap(r).length();
        ByteBuffer b = encode(codec, r, 0);
        assertThrows(IllegalStateException.class, () -> codec.decode(b, 0, length, T0, CdrWalCodec.LAYOUT_VERSION + 1, new CdrRecord()));
        assertThrows(IllegalStateException.class, () -> codec.decode(b, 0, length - 2, T0, 1, new CdrRecord()));
        b.put(CdrWalCodec.CDR_KIND, (byte) 99);
        assertThrows(IllegalStateException.class, () -> codec.decode(b, 0, length, T0, 1, new CdrRecord()));
    }

    @Test
    void encodeAndDecodeAllocateNothing() {
        CdrWalCodec codec = new CdrWalCodec();
        CdrRecord r = filled(new CdrRecord(), CdrKind.SESSION_INTERIM, 7);
        CdrRecord back = new CdrRecord();
        int length = codec.wrap(r).length();
        ByteBuffer b = encode(codec, r, 0);
        double perOp = Allocations.bytesPerOp(20_000, 100_000, () -> {
            codec.wrap(r).write(b, 0);
            codec.decode(b, 0, length, T0, 1, back);
        });
        assertTrue(perOp < 1, perOp + " bytes per encode + decode");
    }
}
