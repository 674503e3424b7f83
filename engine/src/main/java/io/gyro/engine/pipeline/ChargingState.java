package io.gyro.engine.pipeline;

import io.gyro.engine.store.Account;
import io.gyro.engine.store.Stores;
import io.gyro.engine.store.Subscriber;
import io.gyro.rating.Rater;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;

/**
 * Everything the charging processor thread owns: stores, journal, the current catalogue and
 * rater, and scratch objects. Admin tasks receive it, which is safe because they run on that
 * same thread. Never touched by any other thread.
 */
public final class ChargingState {
    public final Stores stores;
    public final Records records;
    public final Settings settings;
    /** Idempotency keys of the last top-ups (persisted in the data directory by the engine). */
    public final TopUpKeys topUpKeys;
    private Rater rater;

    /** This engine's counters (the Diameter side counts into the same ones). */
    public final io.gyro.engine.status.Counters counters = new io.gyro.engine.status.Counters();

    public final Account account = new Account();
    public final Subscriber subscriber = new Subscriber();
    public final Wallet wallet = new Wallet();

    /** With top-up keys kept in memory only (tests, benchmarks). */
    public ChargingState(Stores stores, Records records, Rater rater, Settings settings) {
        this(stores, records, rater, settings, TopUpKeys.inMemory());
    }

    public ChargingState(Stores stores, Records records, Rater rater, Settings settings, TopUpKeys topUpKeys) {
        this.stores = stores;
        this.records = records;
        this.rater = rater;
        this.settings = settings;
        this.topUpKeys = topUpKeys;
        records.catalogue(rater.catalogue());
        records.countInto(counters);
        stores.sessions().countInto(counters);
    }

    public Rater rater() {
        return rater;
    }

    public Catalogue catalogue() {
        return rater.catalogue();
    }

    /** Whether a catalogue with a rate below its wholesale cost (unannotated) is refused at reload (catalogueStrict). */
    private boolean catalogueStrict;

    public ChargingState catalogueStrict(boolean strict) {
        this.catalogueStrict = strict;
        return this;
    }

    public boolean catalogueStrict() {
        return catalogueStrict;
    }

    /** Swaps the catalogue; only ever called on the processor thread, between two requests. */
    public void replaceCatalogue(Catalogue catalogue) {
        this.rater = new Rater(catalogue);
        records.catalogue(catalogue);
    }

    /** Index of the subscriber's base package in the current catalogue, or -1; no allocation. */
    public int packageIndex(Subscriber s) {
        Catalogue c = catalogue();
        for (int i = 0; i < c.packageCount(); i++) {
            if (s.packageIdEquals(c.packageId(i))) {
                return i;
            }
        }
        return -1;
    }

    public int addOnIndex(Subscriber s, int addOn) {
        Catalogue c = catalogue();
        for (int i = 0; i < c.packageCount(); i++) {
            if (s.addOnEquals(addOn, c.packageId(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Loads an account into the wallet (same thread, no allocation). */
    public static void toWallet(Account a, Wallet w) {
        w.clear();
        w.moneyMicros = a.moneyMicros();
        w.reservedMicros = a.reservedMicros();
        for (int i = 0; i < a.bucketCount(); i++) {
            int index = w.addBucket(a.bucketId(i), a.service(i), a.remainingUnits(i), a.expiryMs(i), a.priority(i),
                    a.sourceCode(i));
            w.bucketReserved[index] = a.reservedUnits(i);
        }
        w.nextBucketId = Math.max(w.nextBucketId, a.nextBucketId());
    }

    /** Writes the wallet's balances back into the account value. */
    public static void fromWallet(Wallet w, Account a) {
        a.moneyMicros(w.moneyMicros);
        a.reservedMicros(w.reservedMicros);
        a.nextBucketId(w.nextBucketId);
        a.clearBuckets();
        for (int i = 0; i < w.bucketCount; i++) {
            a.putBucket(w.bucketId[i], w.bucketService[i], w.bucketRemaining[i], w.bucketReserved[i],
                    w.bucketExpiryMs[i], w.bucketPriority[i], w.bucketSourceCode[i]);
        }
    }

    /** Settings the processor reads on every request, resolved once at start. */
    public static final class Settings {
        public final byte[] originHost;
        public final byte[] originRealm;
        public final long sessionGraceMs;
        /** New sessions are refused (3004) at this many stored sessions. */
        public final long maxSessions;
        /**
         * Validity-Time of a zero grant with Final-Unit-Indication (redirect or restrict: the money is gone): the PGW
         * asks again after it, so a top-up is seen then even if no Re-Auth-Request reaches it. 0: none sent.
         */
        public final long zeroGrantValiditySeconds;

        /** The default of {@link #zeroGrantValiditySeconds} (config {@code sessions.zeroGrantValiditySeconds}). */
        public static final long DEFAULT_ZERO_GRANT_VALIDITY_SECONDS = 60;

        public Settings(byte[] originHost, byte[] originRealm, long sessionGraceMs) {
            this(originHost, originRealm, sessionGraceMs, Long.MAX_VALUE);
        }

        public Settings(byte[] originHost, byte[] originRealm, long sessionGraceMs, long maxSessions) {
            this(originHost, originRealm, sessionGraceMs, maxSessions, DEFAULT_ZERO_GRANT_VALIDITY_SECONDS);
        }

        public Settings(byte[] originHost, byte[] originRealm, long sessionGraceMs, long maxSessions,
                        long zeroGrantValiditySeconds) {
            this.originHost = originHost;
            this.originRealm = originRealm;
            this.sessionGraceMs = sessionGraceMs;
            this.maxSessions = maxSessions;
            this.zeroGrantValiditySeconds = Math.max(0, zeroGrantValiditySeconds);
        }
    }
}
