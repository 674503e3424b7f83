package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-place path of {@link InPlaceWrites}: the bytes it writes are those the marshallers' {@code write} would
 * (byte for byte, for random accounts and sessions of every shape), and through the stores a same-size rewrite, a
 * size change and a new key all read back the same after the maps are closed and reopened, with every entry's
 * checksum holding. The account read cache is bypassed by the reopen, so the file itself is what is compared.
 */
class InPlaceWritesTest {
    @TempDir
    Path dir;

    private static Account randomAccount(SplittableRandom r, long id, int buckets) {
        Account a = new Account().clear(id).moneyMicros(r.nextLong()).reservedMicros(r.nextLong())
                .nextBucketId(r.nextLong()).lastJournalSeq(r.nextLong()).version(r.nextLong());
        for (int i = 0; i < buckets; i++) {
            a.putBucket(r.nextLong(), r.nextInt(), r.nextLong(), r.nextLong(), r.nextLong(), r.nextInt(), r.nextInt());
        }
        return a;
    }

    private static Session randomSession(SplittableRandom r, Session s, int slots, int answerBytes) {
        s.clear();
        s.msisdn(r.nextLong()).accountId(r.nextLong()).lastCcRequestNumber(r.nextLong()).lastRequestType(r.nextInt(5))
                .createdMs(r.nextLong()).lastActivityMs(r.nextLong()).expiresAtMs(r.nextLong())
                .lastJournalSeq(r.nextLong());
        byte[] called = new byte[r.nextInt(Session.MAX_CALLED_BYTES + 1)];
        r.nextBytes(called);
        s.called(called, called.length);
        for (int i = 0; i < slots; i++) {
            int slot = s.addSlot(r.nextLong(), r.nextInt());
            s.grantedUnits(slot, r.nextLong()).reservedMicros(slot, r.nextLong()).validUntilMs(slot, r.nextLong())
                    .chargedUnits(slot, r.nextLong()).ratedUnits(slot, r.nextLong()).moneyRawMicros(slot, r.nextLong())
                    .moneyMicros(slot, r.nextLong()).grantedAtMs(slot, r.nextLong()).tariffChangeMs(slot, r.nextLong());
            int pairs = r.nextInt(Session.MAX_BUCKETS_PER_SLOT + 1);
            for (int p = 0; p < pairs; p++) {
                assertTrue(s.addBucketUnits(slot, r.nextLong(), r.nextLong()));
            }
        }
        byte[] answer = new byte[answerBytes];
        r.nextBytes(answer);
        assertTrue(s.answer(answer, 0, answerBytes));
        return s;
    }

    /**
     * A value written by the marshaller into a buffer with stale bytes, and in place at an odd offset of a larger
     * store over stale bytes: both read back (by the marshaller's separate streaming reader) as the value, and
     * the two are the same bytes.
     */
    private static <V> void assertRoundTrips(InPlaceWrites.Layout<V> layout,
            net.openhft.chronicle.hash.serialization.SizedWriter<V> writer,
            net.openhft.chronicle.hash.serialization.SizedReader<V> reader, V value, Supplier<V> fresh,
            BiPredicate<V, V> same) {
        int size = (int) layout.size(value);
        Bytes<?> viaWriter = Bytes.allocateElasticOnHeap(8);
        writer.write(viaWriter, size, value);
        assertEquals(size, viaWriter.writePosition(), "marshaller wrote its declared size");
        Bytes<?> inPlace = Bytes.allocateElasticOnHeap(size + 16);
        for (int i = 0; i < size + 16; i++) {
            inPlace.writeByte((byte) 0xA5);   // stale bytes: every byte of the value must be written
        }
        layout.writeInPlace(inPlace, 7, value);
        byte[] expected = new byte[size];
        byte[] actual = new byte[size];
        viaWriter.read(0, expected, 0, size);   // NB absolute reads: neither position moves
        inPlace.read(7, actual, 0, size);
        assertArrayEquals(expected, actual);

        V back = reader.read(viaWriter, size, fresh.get());
        assertTrue(same.test(back, value), back + " vs " + value);
        inPlace.readPosition(7);
        V backInPlace = reader.read(inPlace, size, fresh.get());
        assertTrue(same.test(backInPlace, value), backInPlace + " vs " + value);
    }

    private static boolean sameSession(Session a, Session b) {
        Bytes<?> x = Bytes.allocateElasticOnHeap(64);
        Bytes<?> y = Bytes.allocateElasticOnHeap(64);
        SessionMarshaller.INSTANCE.write(x, SessionMarshaller.INSTANCE.size(a), a);
        SessionMarshaller.INSTANCE.write(y, SessionMarshaller.INSTANCE.size(b), b);
        return x.toHexString().equals(y.toHexString()) && a.slotCount() == b.slotCount()
                && a.answerLength() == b.answerLength() && a.msisdn() == b.msisdn()
                && a.expiresAtMs() == b.expiresAtMs() && a.calledLength() == b.calledLength();
    }

    @Test
    void writtenValuesReadBackAndInPlaceBytesAreTheMarshallersBytes() {
        SplittableRandom r = new SplittableRandom(20261206);
        for (int i = 0; i < 500; i++) {
            assertRoundTrips(AccountMarshaller.INSTANCE, AccountMarshaller.INSTANCE, AccountMarshaller.INSTANCE,
                    randomAccount(r, 1 + r.nextInt(1_000_000), r.nextInt(Account.MAX_BUCKETS + 1)), Account::new,
                    (back, value) -> {
                        back.accountId = value.accountId;   // the key, not stored in the value
                        return back.sameStateAs(value);
                    });
        }
        Session s = new Session();
        for (int i = 0; i < 500; i++) {
            randomSession(r, s, r.nextInt(Session.MAX_SLOTS + 1), r.nextInt(Session.MAX_ANSWER_BYTES + 1));
            assertRoundTrips(SessionMarshaller.INSTANCE, SessionMarshaller.INSTANCE, SessionMarshaller.INSTANCE, s,
                    Session::new, InPlaceWritesTest::sameSession);
        }
    }

    @Test
    void sameSizeRewritesSizeChangesAndNewKeysReadBackAfterReopen() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        int n = 300;
        Account[] expected = new Account[n];
        Session[] expectedSessions = new Session[n];
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 1_000))) {
            for (int round = 0; round < 6; round++) {
                for (int i = 0; i < n; i++) {
                    long id = 1 + i;
                    // rounds 1, 3, 5 keep every value's size (the in-place path), the others change sizes
                    int buckets = round % 2 == 1 && expected[i] != null ? expected[i].bucketCount()
                            : r.nextInt(Account.MAX_BUCKETS + 1);
                    expected[i] = randomAccount(r, id, buckets);
                    stores.accounts().write(expected[i]);   // the write increments the version in the object too

                    Session old = expectedSessions[i];
                    int slots = round % 2 == 1 && old != null ? old.slotCount() : r.nextInt(Session.MAX_SLOTS + 1);
                    int answer = round % 2 == 1 && old != null ? old.answerLength() : r.nextInt(600);
                    Session s = randomSession(r, old != null ? old : new Session(), slots, answer);
                    s.id().set("pgw.test;1;" + i);
                    stores.sessions().write(s);
                    expectedSessions[i] = s;
                }
            }
        }
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 1_000))) {
            Account back = new Account();
            Session sBack = new Session();
            Bytes<?> a = Bytes.allocateElasticOnHeap(SessionMarshaller.MAX_BYTES);
            Bytes<?> b = Bytes.allocateElasticOnHeap(SessionMarshaller.MAX_BYTES);
            for (int i = 0; i < n; i++) {
                assertTrue(stores.accounts().read(1 + i, back));
                assertTrue(back.sameStateAs(expected[i]), back + " vs " + expected[i]);
                sBack.id().set("pgw.test;1;" + i);
                assertTrue(stores.sessions().read(sBack));
                a.clear();
                b.clear();
                SessionMarshaller.INSTANCE.write(a, 0, expectedSessions[i]);
                SessionMarshaller.INSTANCE.write(b, 0, sBack);
                assertEquals(a.toHexString(), b.toHexString(), "session " + i);
            }
        }
    }
}
