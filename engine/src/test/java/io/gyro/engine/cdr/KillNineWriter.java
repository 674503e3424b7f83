package io.gyro.engine.cdr;

import java.nio.file.Path;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.AccountStore;
import io.gyro.engine.store.Session;
import io.gyro.engine.store.SessionStore;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.gyro.engine.store.Subscriber;
import io.gyro.engine.store.SubscriberStore;

/**
 * Child process of {@link KillNineTest}: charges in a loop in the recommended order (journal, then
 * maps; every other session is then ended, which moves it to the ended-session map) and prints {@code ACK <i> <seq>} once an iteration is complete, i.e. when its answer would have
 * left. Runs until killed. Arguments: data directory, first iteration.
 */
public final class KillNineWriter {
    static final long INITIAL_MONEY = 1_000_000_000_000L;
    static final long CHARGE = 1_000;
    static final int ACCOUNTS = 50;
    static final StoreConfig CONFIG = new StoreConfig(20_000, 20_000);
    static final JournalConfig JOURNAL = new JournalConfig(256 * 1024, false);

    private KillNineWriter() {
    }

    static long accountOf(long i) {
        return 1 + i % ACCOUNTS;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long i = Long.parseLong(args[1]);
        Stores stores = Stores.open(dir, CONFIG);
        Journal journal = Journal.open(dir.resolve(Journal.DIR_NAME), JOURNAL);
        if (stores.recovered()) {
            JournalRecovery.apply(journal, stores.accounts());
        }
        System.out.println("OPEN recovered=" + stores.recovered() + " openMs=" + stores.openMillis()
                + " torn=" + journal.tornBytesTruncated());
        System.out.flush();
        AccountStore accounts = stores.accounts();
        SessionStore sessions = stores.sessions();
        SubscriberStore subscribers = stores.subscribers();
        Account a = new Account();
        Session s = new Session();
        Subscriber sub = new Subscriber();
        for (; ; i++) {
            long id = accountOf(i);
            if (!accounts.read(id, a)) {
                a.clear(id).moneyMicros(INITIAL_MONEY);
                a.addBucket(1, 1_000_000_000L, 0, 0, 0);
            }
            a.moneyMicros(a.moneyMicros() - CHARGE).remainingUnits(0, a.remainingUnits(0) - 10);
            CdrRecord r = journal.record().reset(CdrKind.EVENT, 1_772_359_200_000L + i).msisdn(id).units(10)
                    .retailMicros(CHARGE).afterState(a).explanation("kill -9 loop " + i);
            r.sessionId("sess-" + i);
            long seq = journal.append(r);
            journal.endOfBatch();
            a.lastJournalSeq(seq);
            accounts.write(a);

            s.clear();
            s.id().set("sess-" + i);
            s.msisdn(id).accountId(id).lastCcRequestNumber(i).lastJournalSeq(seq);
            int slot = s.addSlot(100, 0);
            s.grantedUnits(slot, i);
            for (int b = 0; b < 300; b++) {
                s.answer()[b] = (byte) (i + b);
            }
            s.answerLength(300);
            sessions.write(s);
            if (i % 2 == 0) {
                // Ended, as after its CCR-T: moves from the live map to the ended-session map.
                s.removeSlot(slot);
                s.lastRequestType(Enumerations.TERMINATION_REQUEST);
                sessions.write(s);
            }

            sub.clear().msisdn(8617000000000L + i).imsi(460990000000000L + i).accountId(id).packageId("basic");
            subscribers.create(sub);

            System.out.println("ACK " + i + " " + seq);
            System.out.flush();
        }
    }
}
