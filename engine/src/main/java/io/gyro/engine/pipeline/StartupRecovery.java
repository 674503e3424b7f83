package io.gyro.engine.pipeline;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalEntry;
import io.gyro.engine.cdr.JournalRecovery;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.AccountStore;
import io.gyro.engine.store.Session;
import io.gyro.engine.store.Stores;
import io.gyro.engine.store.Subscriber;
import io.gyro.engine.store.SubscriberState;
import io.gyro.engine.wal.Wal;
import io.gyro.engine.wal.WalEntries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine does at start, before the pipeline runs, to bring the stores to the journal's end (the journal is
 * the record of truth for charges). One path for every start, after a clean stop or a kill -9 alike:
 * <ol>
 *   <li>the accounts were loaded from their newest snapshot ({@code Stores.open}), which names the journal seq up to
 *       which every record is in them; only the records after it (the tail) are read, all of them when there is no
 *       usable snapshot or the top-up keys cannot be trusted;</li>
 *   <li>{@link io.gyro.engine.cdr.JournalRecovery} rolls each account forward with the tail's after-states;</li>
 *   <li>when the tail held anything or the last run did not close cleanly: sessions are brought up to the last
 *       charged CC-Request-Number of the records near the end of the journal ({@link SessionReconciliation}), so a
 *       retransmission of a charged but unanswered request is never charged twice; every account's reservations
 *       are recomputed from the open sessions, which are the only holders of reservations (reservations are not
 *       journaled, and a fuzzy snapshot may hold any account's at some moment of the walk); and subscribers are
 *       moved to the period a journaled recurring fee paid for.</li>
 * </ol>
 * On every start the top-up idempotency keys of the records read are remembered ({@link TopUpKeys}: the keys of
 * earlier records are in its file), so a retried top-up credits once across restarts.
 */
public final class StartupRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StartupRecovery.class);
    /** Records this close to the journal's end may lack their session write. */
    static final long TAIL_WINDOW_MS = 120_000;

    private StartupRecovery() {
    }

    /**
     * Summary for the start-up log.
     *
     * @param readAfterSeq   the journal was read after this seq (0: whole)
     * @param wholeJournalWhy why the whole journal was read, or null
     * @param journalRecovery what the roll-forward did, or null when there was nothing to roll forward
     * @param rolledFrom      "log" when the records were decoded from the write-ahead log, "journal" when parsed from
     *                        the JSON journal, null when nothing was rolled forward
     */
    public record Result(long recordsScanned, int sessionsReconciled, int accountsReservationsFixed, int topUpKeys,
                         long readAfterSeq, String wholeJournalWhy, JournalRecovery.Report journalRecovery,
                         String rolledFrom) {
    }

    /**
     * Everything start-up recovery does, in order (see the class comment). Lifecycle thread, before the pipeline
     * starts.
     */
    public static Result recover(Journal journal, Stores stores, TopUpKeys topUpKeys, long nowMs, long graceMs)
            throws IOException {
        return recover(journal, null, stores, topUpKeys, nowMs, graceMs);
    }

    /**
     * As {@link #recover(Journal, Stores, TopUpKeys, long, long)}, reading the records to roll forward from the
     * write-ahead log {@code wal} when it holds all of them (decoded, not parsed: about 15 times faster than the JSON
     * journal), from the journal otherwise.
     */
    public static Result recover(Journal journal, Wal wal, Stores stores, TopUpKeys topUpKeys, long nowMs, long graceMs)
            throws IOException {
        long snapshotSeq = stores.accountSnapshotSeq();
        String why = wholeJournalReason(snapshotSeq, topUpKeys, journal.lastSeq());
        long afterSeq = why == null ? snapshotSeq : 0;
        if (why != null && journal.lastSeq() > 0) {
            LOG.warn("account snapshot's seq not used: {}; reading the whole journal (up to seq {})", why,
                    journal.lastSeq());
        } else if (why == null) {
            LOG.info("account snapshot at journal seq {}: reading the {} records after it", afterSeq,
                    journal.lastSeq() - afterSeq);
        }
        boolean rollForward = stores.recovered() || afterSeq < journal.lastSeq();
        Collector collector = new Collector(rollForward, topUpKeys);
        JournalRecovery.Report report = null;
        String rolledFrom = null;
        if (rollForward) {
            WalEntries fromLog = wal == null ? null : WalEntries.after(wal, afterSeq);
            if (fromLog != null) {
                LOG.info("rolling forward from the write-ahead log after seq {}", afterSeq);
                report = JournalRecovery.apply(() -> fromLog, stores.accounts(), afterSeq, collector);
                rolledFrom = "log";
            } else {
                if (wal != null) {
                    LOG.info("the write-ahead log does not hold every record after seq {}: rolling forward from the "
                            + "JSON journal", afterSeq);
                }
                report = JournalRecovery.apply(journal, stores.accounts(), afterSeq, collector);
                rolledFrom = "journal";
            }
        } else {
            collector.scan(journal, afterSeq);
        }
        return collector.finish(stores, nowMs, graceMs, afterSeq, why, report, rolledFrom);
    }

    /**
     * Why the account snapshot's seq cannot bound what is read, or null when it can.
     *
     * @param snapshotSeq the loaded snapshot's seq, -1 when there was none
     */
    static String wholeJournalReason(long snapshotSeq, TopUpKeys keys, long journalLastSeq) {
        if (snapshotSeq < 0) {
            return "no account snapshot (a new data directory)";
        }
        if (snapshotSeq > journalLastSeq) {
            return "the account snapshot's seq " + snapshotSeq + " is past the journal's last record " + journalLastSeq
                    + " (journal records missing)";
        }
        if (!keys.complete()) {
            return "top-up keys incomplete (" + keys.incompleteReason() + ")";
        }
        return null;
    }

    /**
     * What start-up needs from the journal, fed one record at a time: by its own {@link #scan}, or by
     * {@link io.gyro.engine.cdr.JournalRecovery#apply(Journal, AccountStore, long, java.util.function.Consumer)}
     * after an unclean stop, so the journal is parsed once per start, not twice.
     */
    static final class Collector implements java.util.function.Consumer<JournalEntry> {
        private final boolean unclean;
        private final TopUpKeys topUpKeys;
        private final ArrayDeque<JournalEntry> tail = new ArrayDeque<>();
        /** msisdn → {periodStartMs, periodEndMs} of the last recurring fee read, when rolling forward. */
        private final Map<Long, long[]> renewals = new HashMap<>();
        private long scanned;
        private int keys;

        Collector(boolean unclean, TopUpKeys topUpKeys) {
            this.unclean = unclean;
            this.topUpKeys = topUpKeys;
        }

        @Override
        public void accept(JournalEntry e) {
            scanned++;
            if (e.kind == CdrKind.TOP_UP && e.idempotencyKey != null && !e.idempotencyKey.isEmpty()) {
                topUpKeys.remember(e.msisdn, e.idempotencyKey, -e.retailMicros, e.seq);
                keys++;
            }
            if (unclean && e.kind == CdrKind.FEE && e.periodEndMs != CdrRecord.NONE) {
                renewals.put(e.msisdn, new long[] {e.periodStartMs, e.periodEndMs});
            }
            if (unclean && e.sessionId != null && e.ccRequestNumber >= 0) {
                tail.addLast(e);
                while (!tail.isEmpty() && tail.peekFirst().tsMs < e.tsMs - TAIL_WINDOW_MS) {
                    tail.removeFirst();
                }
            }
        }

        /** Feeds every record of {@code journal} after {@code afterSeq}, in order. */
        void scan(Journal journal, long afterSeq) throws IOException {
            try (Journal.Scanner scanner = journal.scanAfter(afterSeq)) {
                while (scanner.hasNext()) {
                    JournalEntry e = scanner.next();
                    if (e.seq > afterSeq) {
                        accept(e);
                    }
                }
            }
        }

        /** After every record was fed: reconciles sessions and reservations when the stop was unclean. */
        Result finish(Stores stores, long nowMs, long graceMs, long afterSeq, String why, JournalRecovery.Report report,
                      String rolledFrom) {
            int reconciled = 0;
            int fixed = 0;
            if (unclean) {
                reconciled = SessionReconciliation.apply(new ArrayList<>(tail), stores.sessions(), nowMs, graceMs);
                fixed = recomputeReservations(stores, report);
                int renewed = rollRenewalsForward(stores, renewals);
                if (renewed > 0) {
                    LOG.warn("start-up recovery: {} subscriber(s) moved to the period their journaled recurring fee paid "
                            + "for (a stop between the fee and the subscriber write)", renewed);
                }
            }
            return new Result(scanned, reconciled, fixed, keys, afterSeq, why, report, rolledFrom);
        }
    }

    /**
     * A renewal writes its fee record, then the account (which recovery rolls forward from the record), then the
     * subscriber's new period. A stop before that last write would leave the subscriber due again, and the next
     * sweep would charge the fee twice: so each subscriber named by a recurring fee read here is moved to the
     * period the fee paid for, unless it is there (or later) already.
     */
    static int rollRenewalsForward(Stores stores, Map<Long, long[]> renewals) {
        Subscriber sub = new Subscriber();
        int moved = 0;
        for (Map.Entry<Long, long[]> r : renewals.entrySet()) {
            long start = r.getValue()[0];
            long end = r.getValue()[1];
            if (!stores.subscribers().findByMsisdn(r.getKey(), sub) || sub.nextRenewalMs() >= end) {
                continue;
            }
            sub.periodStartMs(start).nextRenewalMs(end);
            if (sub.state() == SubscriberState.SUSPENDED) {
                sub.state(SubscriberState.ACTIVE);
            }
            stores.subscribers().update(sub);
            moved++;
        }
        return moved;
    }

    private static int recompute(Stores stores, Set<Long> extra) {
        return recompute(stores, extra, false, null);
    }

    /** An account whose reservations disagree with the sum over its open sessions (reported by the audit). */
    @FunctionalInterface
    public interface ReservationMismatch {
        /** @param expectedMicros the sessions' sum of reserved money; {@code unitsDiffer}: some bucket's reserved units differ */
        void found(long accountId, long expectedMicros, long foundMicros, boolean unitsDiffer);
    }

    /**
     * The check of {@link #recomputeAllReservations}, writing nothing: every account named by an open session or
     * in {@code holdingReservations} (the caller's own pass over the accounts found them) whose reserved money or
     * bucket units differ from the sum over its open sessions is handed to {@code mismatch}.
     *
     * @return how many disagree
     */
    public static int checkReservations(Stores stores, Set<Long> holdingReservations, ReservationMismatch mismatch) {
        return recompute(stores, holdingReservations, false, java.util.Objects.requireNonNull(mismatch));
    }

    /**
     * @param onlyExtra check the accounts in {@code extra} only, not also every account named by a session
     * @param checkOnly null to rewrite each account that disagrees; else told about it, and nothing is written
     */
    private static int recompute(Stores stores, Set<Long> extra, boolean onlyExtra, ReservationMismatch checkOnly) {
        Map<Long, long[]> money = new HashMap<>();
        Map<Long, Map<Long, Long>> units = new HashMap<>();
        // Ended sessions hold no slots, so no reservation: only the live ones are read.
        stores.sessions().forEachLive(s -> {
            if (onlyExtra && !extra.contains(s.accountId())) {
                return;
            }
            for (int slot = 0; slot < s.slotCount(); slot++) {
                money.computeIfAbsent(s.accountId(), k -> new long[1])[0] += s.reservedMicros(slot);
                for (int p = 0; p < s.bucketPairCount(slot); p++) {
                    units.computeIfAbsent(s.accountId(), k -> new HashMap<>())
                            .merge(s.pairBucketId(slot, p), s.pairUnits(slot, p), Long::sum);
                }
            }
        });
        AccountStore accounts = stores.accounts();
        Set<Long> candidates = new HashSet<>(money.keySet());
        candidates.addAll(units.keySet());
        candidates.addAll(extra);
        Account account = new Account();
        int fixed = 0;
        for (long id : candidates) {
            if (!accounts.read(id, account)) {
                continue;
            }
            long[] m = money.get(id);
            Map<Long, Long> u = units.get(id);
            if (matches(account, m, u)) {
                continue;
            }
            fixed++;
            if (checkOnly != null) {
                checkOnly.found(id, m == null ? 0 : m[0], account.reservedMicros(), unitsDiffer(account, u));
                continue;
            }
            account.reservedMicros(m == null ? 0 : m[0]);
            for (int i = 0; i < account.bucketCount(); i++) {
                Long reserved = u == null ? null : u.get(account.bucketId(i));
                account.reservedUnits(i, reserved == null ? 0 : reserved);
            }
            accounts.write(account);
        }
        return fixed;
    }

    /**
     * As {@link #recomputeAllReservations}, with as candidates only the accounts that can hold a reservation no session
     * backs: those the snapshot held with reservations ({@link Stores#accountsHoldingReservationsAtLoad}) and those the
     * roll-forward left with one (a record's after-state carries the reservations of its moment), besides every account
     * named by a session; at 10 million accounts this spares a walk over all of them. Every account when the load did not tell.
     */
    static int recomputeReservations(Stores stores, JournalRecovery.Report rolled) {
        long[] held = stores.accountsHoldingReservationsAtLoad();
        if (held == null) {
            return recomputeAllReservations(stores);
        }
        Set<Long> extra = new HashSet<>();
        for (long id : held) {
            extra.add(id);
        }
        if (rolled != null) {
            for (long id : rolled.reservationHolders()) {
                extra.add(id);
            }
        }
        return recompute(stores, extra);
    }

    /**
     * Sets each account's reserved money and bucket units to the sum over its open sessions: the candidates are every
     * account named by a session and every account holding a reservation (read in place, nothing decoded), so a
     * disagreement is found whatever its cause. Returns how many accounts were rewritten.
     */
    static int recomputeAllReservations(Stores stores) {
        Set<Long> extra = new HashSet<>();
        stores.accounts().forEachRecoveryFields((accountId, lastJournalSeq, reservedMicros, anyReservedUnits) -> {
            if (reservedMicros != 0 || anyReservedUnits) {
                extra.add(accountId);
            }
        });
        return recompute(stores, extra);
    }

    private static boolean matches(Account a, long[] money, Map<Long, Long> units) {
        return a.reservedMicros() == (money == null ? 0 : money[0]) && !unitsDiffer(a, units);
    }

    private static boolean unitsDiffer(Account a, Map<Long, Long> units) {
        for (int i = 0; i < a.bucketCount(); i++) {
            Long reserved = units == null ? null : units.get(a.bucketId(i));
            if (a.reservedUnits(i) != (reserved == null ? 0 : reserved)) {
                return true;
            }
        }
        return false;
    }

    /** For tests: a session's reservation total. */
    static long reservedMicros(Session s) {
        long total = 0;
        for (int slot = 0; slot < s.slotCount(); slot++) {
            total += s.reservedMicros(slot);
        }
        return total;
    }
}
