package io.gyro.engine.wal;

import java.nio.ByteBuffer;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.SessionKey;

/**
 * The fixed binary layout of a charging record ({@link WalRecordKind#CDR}, layout version 3) in the write-ahead
 * log, both ways: {@link #wrap} a filled {@link CdrRecord} and hand this codec to {@link Wal#append} (the frame
 * carries the seq and {@code tsMs} as its timeMs); {@link #decode} a payload back into a {@link CdrRecord}, from
 * which {@link io.gyro.engine.cdr.Journal#append(CdrRecord, long)} writes the same JSON line the journal always
 * wrote. Neither allocates. One instance per thread.
 *
 * <p>Payload, little-endian. Every scalar has a fixed offset; the rows and strings follow in a fixed order, each
 * as long as the count or length in the fixed part says:
 *
 * <pre>
 *  off  size  field                                   off  size  field
 *  0    8     msisdn                                  128  4     service
 *  8    8     accountId                               132  4     visitedMccMnc (-1: none)
 *  16   8     ccRequestNumber (-1: none)              136  1     CdrKind ordinal (CdrKind is append-only)
 *  24   8     ratingGroup (-1: none)                  137  1     flags: 1 session id, 2 after-state
 *  32   8     units                                   138  1     bucketsTouched count (0..16)
 *  40   8     retailMicros                            139  1     after-state bucket count (0..16)
 *  48   8     wholesaleMicros                         140  2     sessionId length, bytes (0..256)
 *  56   8     uncollectedMicros                       142  2     calledNumber length, bytes (0..64)
 *  64   8     periodStartMs (-1: none)                144  2     idempotencyKey length, UTF-16 units (0..128)
 *  72   8     periodEndMs (-1: none)                  146  2     explanation length, UTF-16 units (0..2048)
 *  80   8     imsi (0: none)                          148  2     packageId length, UTF-16 units (layout 2; 0 in 1)
 *                                                     150  2     serviceName length, UTF-16 units (layout 2; 0 in 1)
 *  88   8     usageStartMs (-1: none)                 152        variable part:
 *  96   8     usageStopMs (-1: none)                    bucketsTouched rows, 24 bytes each: id, units, remainingAfter (int64)
 *  104  8     moneyAfterMicros   (after-state,          after-state buckets, 48 bytes each: id, remaining, reserved,
 *  112  8     reservedAfterMicros 0 without one)          expiryMs (int64), service, priority, source (int32), 0 (int32)
 *  120  8     nextBucketId                              sessionId (UTF-8 bytes), calledNumber (bytes),
 *                                                       idempotencyKey and explanation (UTF-16LE code units: exact),
 *                                                       then (layout 2) packageId and serviceName (UTF-16LE)
 * </pre>
 * Layout 1 had the same fixed part with 0 at 148..151, and so reads as layout 2 without package and service name.
 *
 * Strings are UTF-16 code units so that what comes back is exactly what went in, unpaired surrogates too: the JSON
 * export then encodes them as the journal always did. Layout 3: a string whose characters are all below U+0100 (the
 * rating explanation nearly always, ids and names mostly) is stored one byte per character, and its length field has
 * {@link #NARROW} set; the explanation, most of a record's bytes, takes half the room. Lengths are below
 * {@link #NARROW} in every layout, so one decoding reads all three.
 */
public final class CdrWalCodec implements WalPayload {
    public static final int LAYOUT_VERSION = 3;
    private static final int LAYOUT_1 = 1;
    private static final int LAYOUT_2 = 2;
    /** In a string's length field (layout 3): one byte per character, all below U+0100. */
    static final int NARROW = 0x8000;
    static final int PACKAGE_ID_LENGTH = 148;
    static final int SERVICE_NAME_LENGTH = 150;
    /** Service names decoded so far (a catalogue has a few): a decode reuses the String instead of making one. */
    private final String[] serviceNames = new String[64];
    private int serviceNameCount;

    static final int MSISDN = 0;
    static final int ACCOUNT_ID = 8;
    static final int CC_REQUEST_NUMBER = 16;
    static final int RATING_GROUP = 24;
    static final int UNITS = 32;
    static final int RETAIL_MICROS = 40;
    static final int WHOLESALE_MICROS = 48;
    static final int UNCOLLECTED_MICROS = 56;
    static final int PERIOD_START_MS = 64;
    static final int PERIOD_END_MS = 72;
    static final int IMSI = 80;
    static final int USAGE_START_MS = 88;
    static final int USAGE_STOP_MS = 96;
    static final int MONEY_AFTER_MICROS = 104;
    static final int RESERVED_AFTER_MICROS = 112;
    static final int NEXT_BUCKET_ID = 120;
    static final int SERVICE = 128;
    static final int VISITED_MCC_MNC = 132;
    static final int CDR_KIND = 136;
    static final int FLAGS = 137;
    static final int TOUCHED_COUNT = 138;
    static final int BUCKET_COUNT = 139;
    static final int SESSION_ID_LENGTH = 140;
    static final int CALLED_NUMBER_LENGTH = 142;
    static final int IDEMPOTENCY_KEY_LENGTH = 144;
    static final int EXPLANATION_LENGTH = 146;
    static final int FIXED_BYTES = 152;
    static final int TOUCHED_ROW_BYTES = 24;
    static final int BUCKET_ROW_BYTES = 48;

    static final int FLAG_SESSION_ID = 1;
    static final int FLAG_AFTER_STATE = 2;

    /** The largest payload a record can have. */
    public static final int MAX_PAYLOAD_BYTES = FIXED_BYTES + CdrRecord.MAX_BUCKETS_TOUCHED * TOUCHED_ROW_BYTES
            + Account.MAX_BUCKETS * BUCKET_ROW_BYTES + SessionKey.MAX_BYTES + CdrRecord.MAX_CALLED_NUMBER_BYTES
            + 2 * (CdrRecord.MAX_IDEMPOTENCY_KEY_CHARS + CdrRecord.MAX_EXPLANATION_CHARS
                    + io.gyro.engine.store.Subscriber.MAX_PACKAGE_ID_LENGTH + CdrRecord.MAX_SERVICE_NAME_CHARS);

    private static final CdrKind[] KINDS = CdrKind.values();

    private CdrRecord record;
    /** The wrapped record's strings: bytes each takes, and whether it is narrow ({@link #measure}). */
    private final int[] stringBytes = new int[4];
    private final boolean[] narrow = new boolean[4];

    // decode scratch
    private final Account after = new Account();
    private final SessionKey sessionId = new SessionKey();
    private final byte[] called = new byte[CdrRecord.MAX_CALLED_NUMBER_BYTES];
    private final Utf16View chars = new Utf16View();

    /** Makes {@code r} the record {@link #write} encodes; returns this, for {@link Wal#append}. */
    public CdrWalCodec wrap(CdrRecord r) {
        this.record = r;
        measure(0, r.idempotencyKey());
        measure(1, r.explanation());
        measure(2, r.packageId());
        measure(3, r.serviceName() == null ? "" : r.serviceName());
        return this;
    }

    private void measure(int i, CharSequence s) {
        int n = s.length();
        boolean fits = true;
        for (int c = 0; c < n && fits; c++) {
            fits = s.charAt(c) < 0x100;
        }
        narrow[i] = fits && n > 0;   // an empty string keeps a plain 0, as in every layout
        stringBytes[i] = fits ? n : 2 * n;
    }

    /** Appends {@code r} to {@code wal} and returns its seq. */
    public long append(Wal wal, CdrRecord r) {
        return wal.append(r.tsMs(), wrap(r));
    }

    @Override
    public int kind() {
        return WalRecordKind.CDR;
    }

    @Override
    public int layoutVersion() {
        return LAYOUT_VERSION;
    }

    @Override
    public int length() {
        CdrRecord r = record;
        int buckets = r.hasAfterState() ? r.after().bucketCount() : 0;
        return FIXED_BYTES + r.touchedCount() * TOUCHED_ROW_BYTES + buckets * BUCKET_ROW_BYTES
                + (r.hasSessionId() ? r.sessionId().length() : 0) + r.calledNumberLength()
                + stringBytes[0] + stringBytes[1] + stringBytes[2] + stringBytes[3];
    }

    @Override
    public void write(ByteBuffer b, int o) {
        CdrRecord r = record;
        b.putLong(o + MSISDN, r.msisdn());
        b.putLong(o + ACCOUNT_ID, r.accountId());
        b.putLong(o + CC_REQUEST_NUMBER, r.ccRequestNumber());
        b.putLong(o + RATING_GROUP, r.ratingGroup());
        b.putLong(o + UNITS, r.units());
        b.putLong(o + RETAIL_MICROS, r.retailMicros());
        b.putLong(o + WHOLESALE_MICROS, r.wholesaleMicros());
        b.putLong(o + UNCOLLECTED_MICROS, r.uncollectedMicros());
        b.putLong(o + PERIOD_START_MS, r.periodStartMs());
        b.putLong(o + PERIOD_END_MS, r.periodEndMs());
        b.putLong(o + IMSI, r.imsi());
        b.putLong(o + USAGE_START_MS, r.usageStartMs());
        b.putLong(o + USAGE_STOP_MS, r.usageStopMs());
        boolean hasAfter = r.hasAfterState();
        Account a = r.after();
        int buckets = hasAfter ? a.bucketCount() : 0;
        b.putLong(o + MONEY_AFTER_MICROS, hasAfter ? a.moneyMicros() : 0);
        b.putLong(o + RESERVED_AFTER_MICROS, hasAfter ? a.reservedMicros() : 0);
        b.putLong(o + NEXT_BUCKET_ID, hasAfter ? a.nextBucketId() : 0);
        b.putInt(o + SERVICE, r.service());
        b.putInt(o + VISITED_MCC_MNC, r.visitedMccMnc());
        b.put(o + CDR_KIND, (byte) r.kind().ordinal());
        b.put(o + FLAGS, (byte) ((r.hasSessionId() ? FLAG_SESSION_ID : 0) | (hasAfter ? FLAG_AFTER_STATE : 0)));
        int touched = r.touchedCount();
        b.put(o + TOUCHED_COUNT, (byte) touched);
        b.put(o + BUCKET_COUNT, (byte) buckets);
        int sessionLength = r.hasSessionId() ? r.sessionId().length() : 0;
        b.putShort(o + SESSION_ID_LENGTH, (short) sessionLength);
        b.putShort(o + CALLED_NUMBER_LENGTH, (short) r.calledNumberLength());
        CharSequence key = r.idempotencyKey();
        CharSequence explanation = r.explanation();
        CharSequence packageId = r.packageId();
        String serviceName = r.serviceName() == null ? "" : r.serviceName();
        b.putShort(o + IDEMPOTENCY_KEY_LENGTH, (short) (key.length() | (narrow[0] ? NARROW : 0)));
        b.putShort(o + EXPLANATION_LENGTH, (short) (explanation.length() | (narrow[1] ? NARROW : 0)));
        b.putShort(o + PACKAGE_ID_LENGTH, (short) (packageId.length() | (narrow[2] ? NARROW : 0)));
        b.putShort(o + SERVICE_NAME_LENGTH, (short) (serviceName.length() | (narrow[3] ? NARROW : 0)));
        int at = o + FIXED_BYTES;
        for (int i = 0; i < touched; i++, at += TOUCHED_ROW_BYTES) {
            b.putLong(at, r.touchedId(i));
            b.putLong(at + 8, r.touchedUnits(i));
            b.putLong(at + 16, r.touchedRemainingAfter(i));
        }
        for (int i = 0; i < buckets; i++, at += BUCKET_ROW_BYTES) {
            b.putLong(at, a.bucketId(i));
            b.putLong(at + 8, a.remainingUnits(i));
            b.putLong(at + 16, a.reservedUnits(i));
            b.putLong(at + 24, a.expiryMs(i));
            b.putInt(at + 32, a.service(i));
            b.putInt(at + 36, a.priority(i));
            b.putInt(at + 40, a.sourceCode(i));
            b.putInt(at + 44, 0);
        }
        if (sessionLength > 0) {
            b.put(at, r.sessionId().bytes(), 0, sessionLength);
            at += sessionLength;
        }
        if (r.calledNumberLength() > 0) {
            b.put(at, r.calledNumber(), 0, r.calledNumberLength());
            at += r.calledNumberLength();
        }
        at = putChars(b, at, key, narrow[0]);
        at = putChars(b, at, explanation, narrow[1]);
        at = putChars(b, at, packageId, narrow[2]);
        putChars(b, at, serviceName, narrow[3]);
    }

    private static int putChars(ByteBuffer b, int at, CharSequence s, boolean narrow) {
        int n = s.length();
        if (narrow) {
            for (int i = 0; i < n; i++) {
                b.put(at++, (byte) s.charAt(i));
            }
            return at;
        }
        for (int i = 0; i < n; i++, at += 2) {
            b.putChar(at, s.charAt(i));
        }
        return at;
    }

    /** Bytes a string of a decoded length field takes. */
    private static int bytesOf(int lengthField) {
        return (lengthField & NARROW) != 0 ? lengthField & ~NARROW : 2 * lengthField;
    }

    /**
     * Fills {@code into} (reset first) from a CDR payload: {@code b} little-endian, {@code length} bytes at
     * {@code o}, with the frame's {@code timeMs} and layout version.
     *
     * @throws IllegalStateException when the layout version is unknown or the counts do not fit the payload
     */
    public CdrRecord decode(ByteBuffer b, int o, int length, long timeMs, int layoutVersion, CdrRecord into) {
        if (layoutVersion != LAYOUT_VERSION && layoutVersion != LAYOUT_2 && layoutVersion != LAYOUT_1) {
            throw new IllegalStateException("CDR layout version " + layoutVersion + " is not known (this build reads "
                    + LAYOUT_VERSION + ")");
        }
        if (length < FIXED_BYTES) {
            throw new IllegalStateException("CDR payload of " + length + " bytes is shorter than its fixed part");
        }
        int kind = b.get(o + CDR_KIND) & 0xff;
        int flags = b.get(o + FLAGS) & 0xff;
        int touched = b.get(o + TOUCHED_COUNT) & 0xff;
        int buckets = b.get(o + BUCKET_COUNT) & 0xff;
        int sessionLength = b.getShort(o + SESSION_ID_LENGTH) & 0xffff;
        int calledLength = b.getShort(o + CALLED_NUMBER_LENGTH) & 0xffff;
        int keyField = b.getShort(o + IDEMPOTENCY_KEY_LENGTH) & 0xffff;
        int explanationField = b.getShort(o + EXPLANATION_LENGTH) & 0xffff;
        int packageField = b.getShort(o + PACKAGE_ID_LENGTH) & 0xffff;
        int serviceNameField = b.getShort(o + SERVICE_NAME_LENGTH) & 0xffff;
        int expected = FIXED_BYTES + touched * TOUCHED_ROW_BYTES + buckets * BUCKET_ROW_BYTES + sessionLength
                + calledLength + bytesOf(keyField) + bytesOf(explanationField) + bytesOf(packageField)
                + bytesOf(serviceNameField);
        if (kind >= KINDS.length || touched > CdrRecord.MAX_BUCKETS_TOUCHED || buckets > Account.MAX_BUCKETS
                || sessionLength > SessionKey.MAX_BYTES || calledLength > CdrRecord.MAX_CALLED_NUMBER_BYTES
                || expected != length) {
            throw new IllegalStateException("CDR payload does not agree with its counts (kind " + kind + ", "
                    + length + " bytes, " + expected + " by its counts)");
        }
        long accountId = b.getLong(o + ACCOUNT_ID);
        into.reset(KINDS[kind], timeMs)
                .msisdn(b.getLong(o + MSISDN))
                .ccRequestNumber(b.getLong(o + CC_REQUEST_NUMBER))
                .service(b.getInt(o + SERVICE))
                .ratingGroup(b.getLong(o + RATING_GROUP))
                .units(b.getLong(o + UNITS))
                .retailMicros(b.getLong(o + RETAIL_MICROS))
                .wholesaleMicros(b.getLong(o + WHOLESALE_MICROS))
                .uncollectedMicros(b.getLong(o + UNCOLLECTED_MICROS))
                .renewedPeriod(b.getLong(o + PERIOD_START_MS), b.getLong(o + PERIOD_END_MS))
                .imsi(b.getLong(o + IMSI))
                .visitedMccMnc(b.getInt(o + VISITED_MCC_MNC))
                .usagePeriod(b.getLong(o + USAGE_START_MS), b.getLong(o + USAGE_STOP_MS));
        int at = o + FIXED_BYTES;
        for (int i = 0; i < touched; i++, at += TOUCHED_ROW_BYTES) {
            into.bucketTouched(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16));
        }
        if ((flags & FLAG_AFTER_STATE) != 0) {
            after.clear(accountId);
            after.moneyMicros(b.getLong(o + MONEY_AFTER_MICROS))
                    .reservedMicros(b.getLong(o + RESERVED_AFTER_MICROS))
                    .nextBucketId(b.getLong(o + NEXT_BUCKET_ID));
            for (int i = 0; i < buckets; i++, at += BUCKET_ROW_BYTES) {
                after.putBucket(b.getLong(at), b.getInt(at + 32), b.getLong(at + 8), b.getLong(at + 16),
                        b.getLong(at + 24), b.getInt(at + 36), b.getInt(at + 40));
            }
            into.afterState(after);
        } else {
            at += buckets * BUCKET_ROW_BYTES;
        }
        into.accountId(accountId);
        if ((flags & FLAG_SESSION_ID) != 0 && sessionLength > 0) {
            b.get(at, sessionId.bytes(), 0, sessionLength);
            sessionId.length(sessionLength);
            into.sessionId(sessionId);
        }
        at += sessionLength;
        if (calledLength > 0) {
            b.get(at, called, 0, calledLength);
            into.calledNumber(called, 0, calledLength);
            at += calledLength;
        }
        if (keyField != 0) {
            into.idempotencyKey(chars.wrap(b, at, keyField));
        }
        at += bytesOf(keyField);
        into.explanation(chars.wrap(b, at, explanationField));
        at += bytesOf(explanationField);
        if (packageField != 0) {
            into.packageId(chars.wrap(b, at, packageField));
        }
        at += bytesOf(packageField);
        if (serviceNameField != 0) {
            into.serviceName(serviceName(chars.wrap(b, at, serviceNameField)));
        }
        return into;
    }

    /** The String of a decoded service name: one seen before is reused (no allocation), a new one is kept. */
    private String serviceName(CharSequence name) {
        for (int i = 0; i < serviceNameCount; i++) {
            if (contentEquals(serviceNames[i], name)) {
                return serviceNames[i];
            }
        }
        String made = name.toString();
        if (serviceNameCount < serviceNames.length) {
            serviceNames[serviceNameCount++] = made;
        }
        return made;
    }

    private static boolean contentEquals(String a, CharSequence b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A string of a record in a buffer (UTF-16LE code units, or one byte per character when its length field has
     * {@link #NARROW}), seen as characters without copying them.
     */
    private static final class Utf16View implements CharSequence {
        private ByteBuffer b;
        private int offset;
        private int length;
        private boolean narrow;

        Utf16View wrap(ByteBuffer b, int offset, int lengthField) {
            this.b = b;
            this.offset = offset;
            this.narrow = (lengthField & NARROW) != 0;
            this.length = lengthField & ~NARROW;
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return narrow ? (char) (b.get(offset + index) & 0xff) : b.getChar(offset + 2 * index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().substring(start, end);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                sb.append(charAt(i));
            }
            return sb.toString();
        }
    }
}
