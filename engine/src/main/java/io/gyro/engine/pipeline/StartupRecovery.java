package io.gyro.engine.pipeline;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalEntry;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.AccountStore;
import io.gyro.engine.store.Session;
import io.gyro.engine.store.Stores;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine does at start, before the pipeline runs, to make the stores agree with the
 * journal (the record of truth for charges) and with each other.
 *
 * <p>The processor writes, per request: records to the journal, then the account, then the
 * session. A kill -9 can fall between any two. After an unclean stop:
 * <ol>
 *   <li>{@link io.gyro.engine.cdr.JournalRecovery} (run before this) brings each account to its
 *       last record's after-state;</li>
 *   <li>sessions are brought up to the last charged CC-Request-Number of the records near the end
 *       of the journal ({@link SessionReconciliation}), so a retransmission of a charged but
 *       unanswered request is never charged twice;</li>
 *   <li>every account's reservations are recomputed from the open sessions, which are the only
 *       holders of reservations: a reservation written to the account but not to its session
 *       (or the reverse) cannot leak.</li>
 * </ol>
 * On every start, the top-up idempotency keys of the journal are remembered, so a retried top-up
 * credits once across restarts.
 */
public final class StartupRecovery {
    /** Records this close to the journal's end may lack their session write. */
    static final long TAIL_WINDOW_MS = 120_000;

    private StartupRecovery() {
    }

    /** Summary for the start-up log. */
    public record Result(long recordsScanned, int sessionsReconciled, int accountsReservationsFixed, int topUpKeys) {
    }

    public static Result run(Journal journal, Stores stores, boolean unclean, long nowMs, long graceMs) throws IOException {
        Collector collector = new Collector(unclean);
        collector.scan(journal);
        return collector.finish(stores, nowMs, graceMs);
    }

    /**
     * What start-up needs from the journal, fed one record at a time: by its own {@link #scan}, or by
     * {@link io.gyro.engine.cdr.JournalRecovery#apply(Journal, AccountStore, java.util.function.Consumer)}
     * after an unclean stop, so the journal is parsed once per start, not twice.
     */
    public static final class Collector implements java.util.function.Consumer<JournalEntry> {
        private final boolean unclean;
        private final ArrayDeque<JournalEntry> tail = new ArrayDeque<>();
        private long scanned;
        private int keys;

        public Collector(boolean unclean) {
            this.unclean = unclean;
        }

        @Override
        public void accept(JournalEntry e) {
            scanned++;
            if (e.kind == CdrKind.TOP_UP && e.idempotencyKey != null && !e.idempotencyKey.isEmpty()) {
                Admin.rememberTopUp(e.msisdn, e.idempotencyKey, -e.retailMicros, e.seq);
                keys++;
            }
            if (unclean && e.sessionId != null && e.ccRequestNumber >= 0) {
                tail.addLast(e);
                while (!tail.isEmpty() && tail.peekFirst().tsMs < e.tsMs - TAIL_WINDOW_MS) {
                    tail.removeFirst();
                }
            }
        }

        /** Feeds every record of {@code journal}, in order. */
        public void scan(Journal journal) throws IOException {
            try (Journal.Scanner scanner = journal.scan()) {
                while (scanner.hasNext()) {
                    accept(scanner.next());
                }
            }
        }

        /** After every record was fed: reconciles sessions and reservations when the stop was unclean. */
        public Result finish(Stores stores, long nowMs, long graceMs) {
            int reconciled = 0;
            int fixed = 0;
            if (unclean) {
                reconciled = SessionReconciliation.apply(new ArrayList<>(tail), stores.sessions(), nowMs, graceMs);
                fixed = recomputeReservations(stores);
            }
            return new Result(scanned, reconciled, fixed, keys);
        }
    }

    /**
     * Sets each account's reserved money and bucket units to the sum over its open sessions.
     *
     * <p>Only two kinds of account can disagree with that sum: one named by an open session, and one whose
     * last write was not followed by the matching session write (a reservation written to the account whose
     * session never was, or a session removed or released whose account write never happened). The
     * processor writes the account and then the session of one request before taking the next, so the
     * second kind is the account of the request in flight at the kill, which is among the accounts written
     * last ({@link AccountStore#writtenLast}). Every other account already agreed with its sessions when the
     * last run stopped. Only those accounts are read, compared and, when wrong, rewritten: no pass over
     * every account (which at 10 million accounts costs seconds of page faults in a fresh process).
     * {@link #recomputeAllReservations} is the full check, for tests and audits.
     */
    static int recomputeReservations(Stores stores) {
        Set<Long> extra = new HashSet<>();
        for (long id : stores.accounts().writtenLast()) {
            extra.add(id);
        }
        return recompute(stores, extra);
    }

    private static int recompute(Stores stores, Set<Long> extra) {
        Map<Long, long[]> money = new HashMap<>();
        Map<Long, Map<Long, Long>> units = new HashMap<>();
        stores.sessions().forEach(s -> {
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
            account.reservedMicros(m == null ? 0 : m[0]);
            for (int i = 0; i < account.bucketCount(); i++) {
                Long reserved = u == null ? null : u.get(account.bucketId(i));
                account.reservedUnits(i, reserved == null ? 0 : reserved);
            }
            accounts.write(account);
            fixed++;
        }
        return fixed;
    }

    /**
     * As {@link #recomputeReservations}, but candidates are every account holding a reservation (read in place,
     * nothing decoded) besides those named by sessions: finds a disagreement whatever its cause.
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
        if (a.reservedMicros() != (money == null ? 0 : money[0])) {
            return false;
        }
        for (int i = 0; i < a.bucketCount(); i++) {
            Long reserved = units == null ? null : units.get(a.bucketId(i));
            if (a.reservedUnits(i) != (reserved == null ? 0 : reserved)) {
                return false;
            }
        }
        return true;
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
