package io.gyro.engine.audit;

import io.gyro.engine.EngineConfig;
import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalRecovery;
import io.gyro.engine.cdr.JournalEntry;
import io.gyro.engine.pipeline.Admin;
import io.gyro.engine.pipeline.StartupRecovery;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import io.gyro.rating.money.Money;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code gyro audit}: checks, offline, that a stopped engine's data directory conserved money (ARCHITECTURE.md
 * invariant 1) and that its bookkeeping agrees with itself. Run on the caller's thread, with the directory lock
 * held, on a directory the last run closed cleanly (see {@link Stores#openStopped}); the accounts are loaded as a
 * start loads them (the newest snapshot, rolled forward with the journal after it, in memory). It writes nothing but
 * the clean-shutdown marker, which closing the maps writes again.
 *
 * <p>The sign of a record's effect on money, as the charging processor writes it ({@code pipeline.Records}):
 * every kind stores in {@code retailMicros} the money it took from the account, so the effect is
 * {@code -retailMicros} for all of them. SESSION_INTERIM, SESSION_END and EVENT carry what money paid
 * ({@code ChargeResult.moneyDebitedMicros}, at least 0); usage money could not pay is in {@code uncollectedMicros}
 * and never left the account. FEE carries the fee paid (at least 0). TOP_UP and REFUND carry the amount credited
 * as a negative number. STALE_RELEASE and ADJUSTMENT carry 0: they move reservations and buckets, not money.
 *
 * <p>Checks, each counted by {@link Kind}:
 * <ul>
 *   <li>the journal's seqs run 1, 2, 3, ... with no gap and no repeat;</li>
 *   <li>per account named in the journal: its first record starts from its opening money (0 when that record is
 *       the opening record the API writes, else the bulk load's, {@link BulkLoads}); each record's
 *       {@code moneyAfterMicros} equals the money before it plus its effect (the chain); and the store's money
 *       equals opening plus every effect (conservation) and the last record's {@code moneyAfterMicros}, with
 *       {@code lastJournalSeq} the seq of that record;</li>
 *   <li>per account not named: {@code lastJournalSeq} 0 and the opening money of the bulk load that created it;</li>
 *   <li>reservations: each account's reserved money and units equal the sum over its open sessions
 *       ({@link StartupRecovery#checkReservations}), and its money is neither negative nor below what they hold
 *       (invariant 2).</li>
 * </ul>
 *
 * <p>Scale: the journal is parsed once and the accounts are walked once, read in place. Per-account state is
 * kept only for accounts named in the journal, in primitive arrays behind a {@link LongIndex}; the accounts that
 * hold a reservation are collected in a set (as many as there are open reservations).
 */
public final class Audit {
    /** Mismatch lines printed at most; every mismatch is counted. */
    public static final int MAX_LINES = 20;
    private static final long NONE = Long.MIN_VALUE;

    /** What a mismatch is about. */
    public enum Kind {
        /** A seq missing, repeated or out of order. */
        SEQUENCE("sequence"),
        /** A journal line that is not a record. */
        UNREADABLE("unreadable-line"),
        /** A record whose moneyAfterMicros is not the money before it plus its effect. */
        CHAIN("chain"),
        /** The store's money is not the opening money plus every record's effect. */
        CONSERVATION("conservation"),
        /** The store's money is not the last record's moneyAfterMicros. */
        AFTER_STATE("after-state"),
        /** The store's lastJournalSeq is not the seq of the account's last record. */
        LAST_SEQ("last-seq"),
        /** An account whose opening money is unknown: no opening record and no bulk load created it. */
        OPENING("opening"),
        /** An account the journal names that the store does not hold. */
        MISSING_ACCOUNT("missing-account"),
        /** Reserved money or units differ from the sum over the account's open sessions. */
        RESERVATIONS("reservations"),
        /** Money below zero, or below what reservations hold (invariant 2, no over-grant). */
        OVER_GRANT("over-grant");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** What an audit found. */
    public record Report(Path dataDir, long accountsChecked, long accountsInJournal, long recordsRead, long lastSeq,
                         long accountsHoldingReservations, Map<Kind, Long> mismatches, List<String> lines,
                         long elapsedMs) {
        public long mismatchCount() {
            long n = 0;
            for (long c : mismatches.values()) {
                n += c;
            }
            return n;
        }

        public boolean clean() {
            return mismatchCount() == 0;
        }

        /** The one summary line. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "audit %s: %s: %,d accounts checked (%,d named in the journal), "
                            + "%,d records read (last seq %,d), %,d holding reservations, %,d mismatches", dataDir,
                    clean() ? "OK" : "FAILED", accountsChecked, accountsInJournal, recordsRead, lastSeq,
                    accountsHoldingReservations, mismatchCount()));
            if (!clean()) {
                sb.append(" (");
                boolean first = true;
                for (Map.Entry<Kind, Long> m : mismatches.entrySet()) {
                    if (m.getValue() > 0) {
                        sb.append(first ? "" : ", ").append(m.getKey().label).append(' ').append(m.getValue());
                        first = false;
                    }
                }
                sb.append(')');
            }
            return sb.append(String.format(Locale.ROOT, ", %.1f s", elapsedMs / 1000.0)).toString();
        }
    }

    /** The directory cannot be audited (missing, not a data directory, in use, not closed cleanly); nothing was touched. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // per account named in the journal, by LongIndex slot
    private final LongIndex index = new LongIndex(1 << 16);
    private long[] accountId = new long[1 << 16];
    private long[] msisdn = new long[1 << 16];
    /** Opening money plus the effect of every record read so far. */
    private long[] expectedMicros = new long[1 << 16];
    private long[] openingMicros = new long[1 << 16];
    private long[] lastSeq = new long[1 << 16];
    private long[] lastMoneyAfter = new long[1 << 16];
    private int[] records = new int[1 << 16];
    private boolean[] seenInStore = new boolean[1 << 16];
    /** Accounts the walk found holding reserved money or units. */
    private Set<Long> holdingReservations = Set.of();

    private final Map<Kind, Long> counts = new EnumMap<>(Kind.class);
    private final List<String> lines = new ArrayList<>();
    private final BulkLoads bulkLoads;

    private Audit(BulkLoads bulkLoads) {
        this.bulkLoads = bulkLoads;
        for (Kind k : Kind.values()) {
            counts.put(k, 0L);
        }
    }

    /**
     * Audits the data directory of {@code config} ({@code dataDir}; {@code catalogue} to price a bulk load's
     * charged first period).
     *
     * @param progress told a line when the journal has been read
     * @throws Refused when the directory cannot be audited
     */
    public static Report run(EngineConfig config, java.util.function.Consumer<String> progress) throws Refused, IOException {
        long startNs = System.nanoTime();
        Path dataDir = config.path("dataDir");
        if (!Files.isDirectory(dataDir)) {
            throw new Refused("dataDir=" + dataDir + ": no such directory", null);
        }
        Stores stores;
        try {
            stores = Stores.openStopped(dataDir, new StoreConfig(config.longValue("stores.maxSubscribers"),
                    config.longValue("stores.maxSessions"), config.longValue("stores.maxEndedSessions")));
        } catch (Stores.NotClosedCleanly e) {
            throw new Refused("dataDir=" + dataDir + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new Refused("dataDir=" + dataDir + ": " + e.getMessage() + "; the engine is running: stop it "
                    + "before an audit", e);
        }
        try {
            Path catalogueFile = config.path("catalogue");
            CatalogueLoadResult[] loaded = new CatalogueLoadResult[1];
            Audit audit = new Audit(BulkLoads.read(dataDir, () -> {
                if (loaded[0] == null) {
                    loaded[0] = CatalogueLoader.load(catalogueFile);
                }
                return loaded[0].ok() ? loaded[0].catalogue() : null;
            }));
            long[] journal = audit.readJournal(dataDir.resolve(Journal.DIR_NAME));
            // The accounts were loaded as a start loads them, from their newest snapshot; the records after its seq
            // (normally none after a clean stop) are rolled forward the same way before anything is compared.
            long snapshotSeq = Math.max(stores.accountSnapshotSeq(), 0);
            if (snapshotSeq < journal[1]) {
                Path journalDir = dataDir.resolve(Journal.DIR_NAME);
                JournalRecovery.Report rolled = JournalRecovery.apply(() -> Journal.scanStopped(journalDir),
                        stores.accounts(), snapshotSeq, e -> { });
                progress.accept(String.format(Locale.ROOT, "audit: accounts rolled forward from the snapshot at seq "
                        + "%,d: %,d records applied", snapshotSeq, rolled.applied()));
            }
            progress.accept(String.format(Locale.ROOT, "audit: journal read: %,d records naming %,d accounts, %.1f s",
                    journal[0], audit.index.size(), (System.nanoTime() - startNs) / 1e9));
            long accounts = audit.checkAccounts(stores);
            audit.checkReservations(stores);
            return new Report(dataDir, accounts, audit.index.size(), journal[0], journal[1],
                    audit.holdingReservations.size(), audit.counts,
                    audit.lines, (System.nanoTime() - startNs) / 1_000_000);
        } finally {
            stores.closeAfterReading();
        }
    }

    /** One pass over the journal: seqs, and each account's opening, chain and expected money. @return {records, last seq} */
    private long[] readJournal(Path dir) throws IOException {
        long read = 0;
        long previousSeq = 0;
        try (Journal.Scanner scanner = Journal.scanStopped(dir)) {
            while (scanner.hasNext()) {
                JournalEntry e;
                try {
                    e = scanner.next();
                } catch (UncheckedIOException x) {
                    mismatch(Kind.UNREADABLE, x.getMessage() + ": " + rootMessage(x));
                    continue;
                }
                read++;
                if (e.seq != previousSeq + 1) {
                    if (e.seq <= previousSeq) {
                        mismatch(Kind.SEQUENCE, "seq " + e.seq + " (" + e.kind + ", account " + e.accountId
                                + ") comes after seq " + previousSeq + ": repeated or out of order");
                    } else {
                        mismatch(Kind.SEQUENCE, "seq " + (previousSeq + 1) + (e.seq - previousSeq > 2 ? " to "
                                + (e.seq - 1) : "") + " missing (seq " + e.seq + " follows seq " + previousSeq + ")");
                    }
                }
                previousSeq = Math.max(previousSeq, e.seq);
                record(e);
            }
        }
        return new long[] {read, previousSeq};
    }

    private void record(JournalEntry e) {
        int i = index.getOrAdd(e.accountId);
        if (i == accountId.length) {
            grow();
        }
        if (records[i] == 0) {
            accountId[i] = e.accountId;
            msisdn[i] = e.msisdn;
            lastMoneyAfter[i] = NONE;
            long opening = opening(e);
            openingMicros[i] = opening;
            expectedMicros[i] = opening;
        }
        records[i]++;
        long before = lastMoneyAfter[i] != NONE ? lastMoneyAfter[i] : expectedMicros[i];
        long effect = Math.negateExact(e.retailMicros);
        expectedMicros[i] = Math.addExact(expectedMicros[i], effect);
        if (e.moneyAfterMicros != null) {
            long after = e.moneyAfterMicros;
            if (Math.addExact(before, effect) != after) {
                mismatch(Kind.CHAIN, name(i) + ": record seq " + e.seq + " (" + e.kind + ") says money after "
                        + micros(after) + ", but money before " + micros(before) + " plus its effect " + micros(effect)
                        + " is " + micros(before + effect));
            }
            lastMoneyAfter[i] = after;
        } else if (lastMoneyAfter[i] != NONE) {
            lastMoneyAfter[i] = Math.addExact(lastMoneyAfter[i], effect);
        }
        lastSeq[i] = Math.max(lastSeq[i], e.seq);
    }

    /** The money an account had before its first record {@code first}. */
    private long opening(JournalEntry first) {
        if (isOpeningRecord(first)) {
            return 0;
        }
        BulkLoads.Run run = bulkLoads.creator(first.accountId);
        if (run != null && run.openingMicros() != null) {
            return run.openingMicros();
        }
        long implied = first.moneyAfterMicros != null ? first.moneyAfterMicros + first.retailMicros : 0;
        mismatch(Kind.OPENING, "account " + first.accountId + " (msisdn " + first.msisdn + "): its first record seq "
                + first.seq + " (" + first.kind + ") is not an opening record and "
                + (run == null ? "no bulk load created it" : "bulk load line " + run.line() + " " + run.why())
                + "; checked from the money before that record, " + micros(implied));
        return implied;
    }

    /**
     * The records {@code Admin.openingState} writes for an API-created account: its opening balance as a TOP_UP
     * without an idempotency key (every API top-up has one), or, with no opening balance, its first period
     * (FEE or ADJUSTMENT, noted "first period ...").
     */
    static boolean isOpeningRecord(JournalEntry e) {
        if (e.kind == CdrKind.TOP_UP) {
            return e.idempotencyKey == null || e.idempotencyKey.isEmpty();
        }
        return (e.kind == CdrKind.FEE || e.kind == CdrKind.ADJUSTMENT) && e.explanation != null
                && e.explanation.startsWith(Admin.FIRST_PERIOD);
    }

    /** One walk over every account. @return accounts checked */
    private long checkAccounts(Stores stores) {
        long[] checked = {0};
        Set<Long> holding = new HashSet<>();
        stores.accounts().forEachAuditFields((id, moneyMicros, journalSeq, reservedMicros, anyReservedUnits) -> {
            checked[0]++;
            if (reservedMicros != 0 || anyReservedUnits) {
                holding.add(id);
            }
            if (moneyMicros < 0 || reservedMicros > moneyMicros) {
                mismatch(Kind.OVER_GRANT, "account " + id + ": money " + micros(moneyMicros) + ", reserved "
                        + micros(reservedMicros) + ": reservations exceed what the account can pay");
            }
            int i = index.get(id);
            if (i >= 0) {
                seenInStore[i] = true;
                if (moneyMicros != expectedMicros[i]) {
                    mismatch(Kind.CONSERVATION, name(i) + ": money " + micros(moneyMicros) + ", expected "
                            + micros(expectedMicros[i]) + " (opening " + micros(openingMicros[i]) + " plus "
                            + micros(expectedMicros[i] - openingMicros[i]) + " from " + records[i] + " records)");
                }
                if (lastMoneyAfter[i] != NONE && moneyMicros != lastMoneyAfter[i]) {
                    mismatch(Kind.AFTER_STATE, name(i) + ": money " + micros(moneyMicros) + ", its last record seq "
                            + lastSeq[i] + " says " + micros(lastMoneyAfter[i]));
                }
                if (journalSeq != lastSeq[i]) {
                    mismatch(Kind.LAST_SEQ, name(i) + ": lastJournalSeq " + journalSeq + ", its last record is seq "
                            + lastSeq[i]);
                }
                return;
            }
            BulkLoads.Run run = bulkLoads.creator(id);
            if (journalSeq != 0) {
                mismatch(Kind.LAST_SEQ, "account " + id + ": lastJournalSeq " + journalSeq
                        + ", but the journal holds no record of it");
            }
            if (run == null) {
                mismatch(Kind.OPENING, "account " + id + ": money " + micros(moneyMicros) + ", no journal record and "
                        + "no bulk load created it");
            } else if (run.openingMicros() == null) {
                mismatch(Kind.OPENING, "account " + id + ": money " + micros(moneyMicros) + ", bulk load line "
                        + run.line() + " " + run.why());
            } else if (moneyMicros != run.openingMicros()) {
                mismatch(Kind.CONSERVATION, "account " + id + ": money " + micros(moneyMicros) + ", expected "
                        + micros(run.openingMicros()) + " (opening of bulk load line " + run.line()
                        + ", no journal record)");
            }
        });
        for (int i = 0; i < index.size(); i++) {
            if (!seenInStore[i]) {
                mismatch(Kind.MISSING_ACCOUNT, name(i) + ": " + records[i] + " journal records (last seq " + lastSeq[i]
                        + "), no account in the store");
            }
        }
        holdingReservations = holding;
        return checked[0];
    }

    private void checkReservations(Stores stores) {
        StartupRecovery.checkReservations(stores, holdingReservations, (id, expected, found, unitsDiffer) ->
                mismatch(Kind.RESERVATIONS, "account " + id + ": reserved " + micros(found) + ", its open sessions hold "
                        + micros(expected) + (unitsDiffer ? "; bucket units reserved differ too" : "")));
    }

    private void mismatch(Kind kind, String line) {
        counts.merge(kind, 1L, Long::sum);
        if (lines.size() < MAX_LINES) {
            lines.add(kind.label + ": " + line);
        }
    }

    private String name(int i) {
        return "account " + accountId[i] + " (msisdn " + msisdn[i] + ")";
    }

    private static String micros(long v) {
        return v + " (" + Money.format(v) + ")";
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private void grow() {
        int n = accountId.length * 2;
        accountId = Arrays.copyOf(accountId, n);
        msisdn = Arrays.copyOf(msisdn, n);
        expectedMicros = Arrays.copyOf(expectedMicros, n);
        openingMicros = Arrays.copyOf(openingMicros, n);
        lastSeq = Arrays.copyOf(lastSeq, n);
        lastMoneyAfter = Arrays.copyOf(lastMoneyAfter, n);
        records = Arrays.copyOf(records, n);
        seenInStore = Arrays.copyOf(seenInStore, n);
    }
}
