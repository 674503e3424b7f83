package io.gyro.engine.cdr;

import io.gyro.engine.store.Account;
import io.gyro.engine.store.SessionKey;
import io.gyro.engine.store.Subscriber;

/**
 * Reusable builder of one charging record. {@code pipeline.Records} calls {@link #reset}, fills what applies
 * and appends it: to the write-ahead log ({@code io.gyro.engine.wal.CdrWalCodec}, binary), from which the CDR
 * export decodes it into its own instance and hands it to {@link Journal#append(CdrRecord, long)}; or, without a
 * log, straight to {@link Journal#append(CdrRecord)}, which assigns the seq. Either way the journal writes the
 * JSON line. Primitive fields and fixed arrays only: building, encoding, decoding and appending a record
 * allocate nothing. Not thread-safe: one instance per thread.
 *
 * <p>The account's full after-state ({@link #afterState(Account)}) makes a record enough, on its own, to
 * put the account back where it was after this act: {@link JournalRecovery} relies on it.
 */
public final class CdrRecord {
    // member names, encoded once
    private static final byte[] K_SEQ = JsonLineWriter.key("seq");
    private static final byte[] K_TS = JsonLineWriter.key("ts");
    private static final byte[] K_TS_MS = JsonLineWriter.key("tsMs");
    private static final byte[] K_KIND = JsonLineWriter.key("kind");
    private static final byte[] K_MSISDN = JsonLineWriter.key("msisdn");
    private static final byte[] K_ACCOUNT_ID = JsonLineWriter.key("accountId");
    private static final byte[] K_PACKAGE_ID = JsonLineWriter.key("packageId");
    private static final byte[] K_SESSION_ID = JsonLineWriter.key("sessionId");
    private static final byte[] K_CC_REQUEST_NUMBER = JsonLineWriter.key("ccRequestNumber");
    private static final byte[] K_SERVICE = JsonLineWriter.key("service");
    private static final byte[] K_SERVICE_NAME = JsonLineWriter.key("serviceName");
    private static final byte[] K_RATING_GROUP = JsonLineWriter.key("ratingGroup");
    private static final byte[] K_UNITS = JsonLineWriter.key("units");
    private static final byte[] K_RETAIL_MICROS = JsonLineWriter.key("retailMicros");
    private static final byte[] K_RETAIL = JsonLineWriter.key("retail");
    private static final byte[] K_WHOLESALE_MICROS = JsonLineWriter.key("wholesaleMicros");
    private static final byte[] K_UNCOLLECTED_MICROS = JsonLineWriter.key("uncollectedMicros");
    private static final byte[] K_PERIOD_START_MS = JsonLineWriter.key("periodStartMs");
    private static final byte[] K_PERIOD_END_MS = JsonLineWriter.key("periodEndMs");
    private static final byte[] K_BUCKETS_TOUCHED = JsonLineWriter.key("bucketsTouched");
    private static final byte[] K_MONEY_AFTER_MICROS = JsonLineWriter.key("moneyAfterMicros");
    private static final byte[] K_RESERVED_AFTER_MICROS = JsonLineWriter.key("reservedAfterMicros");
    private static final byte[] K_NEXT_BUCKET_ID = JsonLineWriter.key("nextBucketId");
    private static final byte[] K_BUCKETS = JsonLineWriter.key("buckets");
    private static final byte[] K_IDEMPOTENCY_KEY = JsonLineWriter.key("idempotencyKey");
    private static final byte[] K_EXPLANATION = JsonLineWriter.key("explanation");
    private static final byte[] K_IMSI = JsonLineWriter.key("imsi");
    private static final byte[] K_VISITED_MCC_MNC = JsonLineWriter.key("visitedMccMnc");
    private static final byte[] K_CALLED_NUMBER = JsonLineWriter.key("calledNumber");
    private static final byte[] K_USAGE_START_MS = JsonLineWriter.key("usageStartMs");
    private static final byte[] K_USAGE_STOP_MS = JsonLineWriter.key("usageStopMs");

    public static final int MAX_BUCKETS_TOUCHED = Account.MAX_BUCKETS;
    /** Longer explanations are cut (the journal line has a fixed-size buffer). */
    public static final int MAX_EXPLANATION_CHARS = 2048;
    public static final int MAX_IDEMPOTENCY_KEY_CHARS = 128;
    /** Longer service names are left out (the journal line has a fixed-size buffer). */
    public static final int MAX_SERVICE_NAME_CHARS = 128;
    /** {@link #ccRequestNumber} / {@link #ratingGroup} when the act has none. */
    public static final long NONE = -1;
    /** Longer called numbers are cut (the engine keeps at most 32 bytes of one, {@code RingEvent.MAX_CALLED}). */
    public static final int MAX_CALLED_NUMBER_BYTES = 64;
    /** {@link #visitedMccMnc} when the record names no visited network (home, or not known). */
    public static final int NO_VISITED_NETWORK = -1;

    CdrKind kind;
    long tsMs;
    long msisdn;
    long accountId;
    /** The subscriber's base package at the time of the act (margin per package); empty: not known, left out. */
    final StringBuilder packageId = new StringBuilder(Subscriber.MAX_PACKAGE_ID_LENGTH);
    final SessionKey sessionId = new SessionKey();
    boolean hasSessionId;
    long ccRequestNumber = NONE;
    int service;
    /** The catalogue's name of {@link #service} (the index alone depends on the catalogue); null: left out. */
    String serviceName;
    long ratingGroup = NONE;
    long units;
    long retailMicros;
    long wholesaleMicros;
    long uncollectedMicros;
    /** The package period a recurring fee paid for ({@link #renewedPeriod}); NONE otherwise. */
    long periodStartMs = NONE;
    long periodEndMs = NONE;

    int touchedCount;
    final long[] touchedId = new long[MAX_BUCKETS_TOUCHED];
    final long[] touchedUnits = new long[MAX_BUCKETS_TOUCHED];
    final long[] touchedRemainingAfter = new long[MAX_BUCKETS_TOUCHED];

    boolean hasAfterState;
    final Account after = new Account();

    final StringBuilder idempotencyKey = new StringBuilder(MAX_IDEMPOTENCY_KEY_CHARS);
    final StringBuilder explanation = new StringBuilder(MAX_EXPLANATION_CHARS);

    /** The subscriber's IMSI; 0 when not known. */
    long imsi;
    /** MCC-MNC digits of the visited network as the engine has it ({@code RingEvent.visitedMccMnc}); -1 none. */
    int visitedMccMnc = NO_VISITED_NETWORK;
    final byte[] calledNumber = new byte[MAX_CALLED_NUMBER_BYTES];
    int calledNumberLength;
    /** The usage this record charges ran from {@code usageStartMs} to {@code usageStopMs} (epoch ms); NONE when not given. */
    long usageStartMs = NONE;
    long usageStopMs = NONE;

    /** Starts a new record of {@code kind} at {@code tsMs} (epoch ms, handed in by the caller). */
    public CdrRecord reset(CdrKind kind, long tsMs) {
        this.kind = kind;
        this.tsMs = tsMs;
        msisdn = 0;
        accountId = 0;
        packageId.setLength(0);
        hasSessionId = false;
        ccRequestNumber = NONE;
        service = 0;
        serviceName = null;
        ratingGroup = NONE;
        units = 0;
        retailMicros = 0;
        wholesaleMicros = 0;
        uncollectedMicros = 0;
        periodStartMs = NONE;
        periodEndMs = NONE;
        touchedCount = 0;
        hasAfterState = false;
        idempotencyKey.setLength(0);
        explanation.setLength(0);
        imsi = 0;
        visitedMccMnc = NO_VISITED_NETWORK;
        calledNumberLength = 0;
        usageStartMs = NONE;
        usageStopMs = NONE;
        return this;
    }

    public CdrRecord msisdn(long v) { msisdn = v; return this; }
    public CdrRecord accountId(long v) { accountId = v; return this; }
    public CdrRecord ccRequestNumber(long v) { ccRequestNumber = v; return this; }
    /** Service as the catalogue numbers it (data, SMS, voice...). */
    public CdrRecord service(int v) { service = v; return this; }
    public CdrRecord ratingGroup(long v) { ratingGroup = v; return this; }
    /**
     * The catalogue's name of the service ({@code Catalogue.serviceName}); null, or a name longer than
     * {@value #MAX_SERVICE_NAME_CHARS} characters, leaves it out of the line.
     */
    public CdrRecord serviceName(String v) {
        serviceName = v != null && v.length() <= MAX_SERVICE_NAME_CHARS ? v : null;
        return this;
    }
    /** Copies the subscriber's base package id (no allocation); an empty one is left out of the line. */
    public CdrRecord packageId(Subscriber subscriber) {
        packageId.setLength(0);
        subscriber.packageIdTo(packageId);
        return this;
    }
    /** Units used (octets, seconds, messages) by this act. */
    public CdrRecord units(long v) { units = v; return this; }
    /** Price charged to the subscriber; negative for a refund. */
    public CdrRecord retailMicros(long v) { retailMicros = v; return this; }
    /** Cost to the operator (wholesale), for margin reports. */
    public CdrRecord wholesaleMicros(long v) { wholesaleMicros = v; return this; }
    /** Usage reported beyond what the account could pay: rated but not collected. */
    public CdrRecord uncollectedMicros(long v) { uncollectedMicros = v; return this; }
    /** The period a recurring fee paid for: start-up recovery moves the subscriber's renewal date from it. */
    public CdrRecord renewedPeriod(long startMs, long endMs) { periodStartMs = startMs; periodEndMs = endMs; return this; }

    /** The subscriber's IMSI (0: not known, left out of the JSON line). */
    public CdrRecord imsi(long v) { imsi = v; return this; }
    /** The visited network's MCC-MNC digits as {@code RingEvent.visitedMccMnc} holds them; -1 (home) is left out. */
    public CdrRecord visitedMccMnc(int v) { visitedMccMnc = v; return this; }
    /** Start and stop (epoch ms) of the usage this record charges; NONE leaves either out. */
    public CdrRecord usagePeriod(long startMs, long stopMs) { usageStartMs = startMs; usageStopMs = stopMs; return this; }

    /** The called number as the request carried it (ASCII digits, '+' first when international); cut at 64 bytes. */
    public CdrRecord calledNumber(byte[] src, int offset, int length) {
        int n = Math.max(0, Math.min(length, MAX_CALLED_NUMBER_BYTES));
        System.arraycopy(src, offset, calledNumber, 0, n);
        calledNumberLength = n;
        return this;
    }

    public CdrRecord sessionId(SessionKey id) {
        sessionId.copyFrom(id);
        hasSessionId = true;
        return this;
    }

    /** Encodes {@code id} as UTF-8 into a reused key; ignored (and false) when longer than 256 bytes. */
    public boolean sessionId(CharSequence id) {
        hasSessionId = sessionId.set(id);
        return hasSessionId;
    }

    /**
     * Records a bucket that paid for (or got back) units in this act.
     *
     * @return false when {@value #MAX_BUCKETS_TOUCHED} buckets are already listed
     */
    public boolean bucketTouched(long bucketId, long units, long remainingAfter) {
        if (touchedCount == MAX_BUCKETS_TOUCHED) {
            return false;
        }
        touchedId[touchedCount] = bucketId;
        touchedUnits[touchedCount] = units;
        touchedRemainingAfter[touchedCount] = remainingAfter;
        touchedCount++;
        return true;
    }

    /**
     * Snapshots the account as it is after this act (money, reserved money, next bucket id and every
     * bucket), and takes msisdn-independent {@link #accountId} from it.
     */
    public CdrRecord afterState(Account account) {
        after.copyFrom(account);
        accountId = account.accountId();
        hasAfterState = true;
        return this;
    }

    /** The top-up's idempotency key (API clients' retries carry the same one); cut at 128 chars. */
    public CdrRecord idempotencyKey(CharSequence key) {
        idempotencyKey.setLength(0);
        idempotencyKey.append(key, 0, Math.min(key.length(), MAX_IDEMPOTENCY_KEY_CHARS));
        return this;
    }

    /** Rating explanation, free text for humans; cut at 2048 chars. */
    public CdrRecord explanation(CharSequence text) {
        explanation.setLength(0);
        return appendExplanation(text);
    }

    public CdrRecord appendExplanation(CharSequence text) {
        int room = MAX_EXPLANATION_CHARS - explanation.length();
        explanation.append(text, 0, Math.min(text.length(), Math.max(room, 0)));
        return this;
    }

    public CdrRecord appendExplanation(long v) {
        if (explanation.length() < MAX_EXPLANATION_CHARS - 20) {
            explanation.append(v);
        }
        return this;
    }

    public CdrKind kind() { return kind; }
    public long tsMs() { return tsMs; }
    public long msisdn() { return msisdn; }
    public long accountId() { return accountId; }
    public boolean hasSessionId() { return hasSessionId; }
    /** The session id; meaningful only when {@link #hasSessionId()}. */
    public SessionKey sessionId() { return sessionId; }
    public long ccRequestNumber() { return ccRequestNumber; }
    public int service() { return service; }
    public long ratingGroup() { return ratingGroup; }
    public long units() { return units; }
    public long retailMicros() { return retailMicros; }
    public long wholesaleMicros() { return wholesaleMicros; }
    public long uncollectedMicros() { return uncollectedMicros; }
    public long periodStartMs() { return periodStartMs; }
    public long periodEndMs() { return periodEndMs; }
    public int touchedCount() { return touchedCount; }
    public long touchedId(int i) { return touchedId[i]; }
    public long touchedUnits(int i) { return touchedUnits[i]; }
    public long touchedRemainingAfter(int i) { return touchedRemainingAfter[i]; }
    public boolean hasAfterState() { return hasAfterState; }
    /** The after-state; meaningful only when {@link #hasAfterState()}. Read it, do not change it. */
    public Account after() { return after; }
    public CharSequence idempotencyKey() { return idempotencyKey; }
    /** The base package id; empty when not known. */
    public CharSequence packageId() { return packageId; }
    /** The service's catalogue name, or null. */
    public String serviceName() { return serviceName; }
    /** Sets the base package id from characters (a decoded record); longer than a package id can be: left out. */
    public CdrRecord packageId(CharSequence id) {
        packageId.setLength(0);
        if (id.length() <= Subscriber.MAX_PACKAGE_ID_LENGTH) {
            packageId.append(id);
        }
        return this;
    }
    public CharSequence explanation() { return explanation; }
    public long imsi() { return imsi; }
    public int visitedMccMnc() { return visitedMccMnc; }
    public byte[] calledNumber() { return calledNumber; }
    public int calledNumberLength() { return calledNumberLength; }
    public long usageStartMs() { return usageStartMs; }
    public long usageStopMs() { return usageStopMs; }

    /**
     * Writes the record as one JSON line, fields in a fixed order, seq first. Optional fields are left
     * out when empty (sessionId, ccRequestNumber, ratingGroup, uncollectedMicros, idempotencyKey, imsi,
     * visitedMccMnc, calledNumber, usageStartMs, usageStopMs), so readers written before a field existed still parse. Buckets
     * are arrays of numbers, to keep a line short: {@code bucketsTouched} rows are
     * {@code [id, units, remainingAfter]} and {@code buckets} rows (the after-state) are
     * {@code [id, service, remaining, reserved, expiryMs, priority, source]}.
     */
    void writeTo(JsonLineWriter w, long seq) {
        w.beginObject();
        w.field(K_SEQ, seq);
        w.fieldIsoUtc(K_TS, tsMs);
        w.field(K_TS_MS, tsMs);
        w.fieldAscii(K_KIND, kind.name());
        w.field(K_MSISDN, msisdn);
        w.field(K_ACCOUNT_ID, accountId);
        if (packageId.length() > 0) {
            w.fieldString(K_PACKAGE_ID, packageId);
        }
        if (hasSessionId) {
            w.fieldUtf8(K_SESSION_ID, sessionId.bytes(), 0, sessionId.length());
        }
        if (ccRequestNumber != NONE) {
            w.field(K_CC_REQUEST_NUMBER, ccRequestNumber);
        }
        w.field(K_SERVICE, service);
        if (serviceName != null) {
            w.fieldString(K_SERVICE_NAME, serviceName);
        }
        if (ratingGroup != NONE) {
            w.field(K_RATING_GROUP, ratingGroup);
        }
        w.field(K_UNITS, units);
        w.field(K_RETAIL_MICROS, retailMicros);
        w.fieldMicrosDecimal(K_RETAIL, retailMicros);
        w.field(K_WHOLESALE_MICROS, wholesaleMicros);
        if (uncollectedMicros != 0) {
            w.field(K_UNCOLLECTED_MICROS, uncollectedMicros);
        }
        if (periodEndMs != NONE) {
            w.field(K_PERIOD_START_MS, periodStartMs);
            w.field(K_PERIOD_END_MS, periodEndMs);
        }
        if (touchedCount > 0) {
            w.beginArray(K_BUCKETS_TOUCHED);
            for (int i = 0; i < touchedCount; i++) {
                w.beginRow();
                w.value(touchedId[i]);
                w.value(touchedUnits[i]);
                w.value(touchedRemainingAfter[i]);
                w.endRow();
            }
            w.endArray();
        }
        if (hasAfterState) {
            w.field(K_MONEY_AFTER_MICROS, after.moneyMicros());
            w.field(K_RESERVED_AFTER_MICROS, after.reservedMicros());
            w.field(K_NEXT_BUCKET_ID, after.nextBucketId());
            w.beginArray(K_BUCKETS);
            for (int i = 0; i < after.bucketCount(); i++) {
                w.beginRow();
                w.value(after.bucketId(i));
                w.value(after.service(i));
                w.value(after.remainingUnits(i));
                w.value(after.reservedUnits(i));
                w.value(after.expiryMs(i));
                w.value(after.priority(i));
                w.value(after.sourceCode(i));
                w.endRow();
            }
            w.endArray();
        }
        if (idempotencyKey.length() > 0) {
            w.fieldString(K_IDEMPOTENCY_KEY, idempotencyKey);
        }
        if (imsi != 0) {
            w.field(K_IMSI, imsi);
        }
        if (visitedMccMnc != NO_VISITED_NETWORK) {
            w.field(K_VISITED_MCC_MNC, visitedMccMnc);
        }
        if (calledNumberLength > 0) {
            w.fieldUtf8(K_CALLED_NUMBER, calledNumber, 0, calledNumberLength);
        }
        if (usageStartMs != NONE) {
            w.field(K_USAGE_START_MS, usageStartMs);
        }
        if (usageStopMs != NONE) {
            w.field(K_USAGE_STOP_MS, usageStopMs);
        }
        w.fieldString(K_EXPLANATION, explanation);
        w.endObject();
        w.newline();
    }
}
