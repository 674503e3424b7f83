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
import java.util.List;
import java.util.Map;

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
        ArrayDeque<JournalEntry> tail = new ArrayDeque<>();
        long scanned = 0;
        int keys = 0;
        try (Journal.Scanner scanner = journal.scan()) {
            while (scanner.hasNext()) {
                JournalEntry e = scanner.next();
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
        }
        int reconciled = 0;
        int fixed = 0;
        if (unclean) {
            reconciled = SessionReconciliation.apply(new ArrayList<>(tail), stores.sessions(), nowMs, graceMs);
            fixed = recomputeReservations(stores);
        }
        return new Result(scanned, reconciled, fixed, keys);
    }

    /** Sets each account's reserved money and bucket units to the sum over its open sessions. */
    static int recomputeReservations(Stores stores) {
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
        List<Long> wrong = new ArrayList<>();
        accounts.forEach(a -> {
            if (!matches(a, money.get(a.accountId()), units.get(a.accountId()))) {
                wrong.add(a.accountId());
            }
        });
        Account account = new Account();
        for (long id : wrong) {
            if (!accounts.read(id, account)) {
                continue;
            }
            long[] m = money.get(id);
            Map<Long, Long> u = units.get(id);
            account.reservedMicros(m == null ? 0 : m[0]);
            for (int i = 0; i < account.bucketCount(); i++) {
                Long reserved = u == null ? null : u.get(account.bucketId(i));
                account.reservedUnits(i, reserved == null ? 0 : reserved);
            }
            accounts.write(account);
        }
        return wrong.size();
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
