package io.gyro.engine.cdr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.Session;
import io.gyro.engine.store.Stores;
import io.gyro.engine.store.Subscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link KillNineWriter} in a separate JVM, kills it with SIGKILL mid-loop (twice: the second run
 * starts by recovering from the first kill), then reopens the journal and the stores and checks that
 * nothing is corrupt and that nothing acknowledged was lost or charged twice.
 */
class KillNineTest {
    @TempDir
    Path dir;

    /** Outcome of one child run: last acknowledged iteration and seq. */
    private record Run(long lastAckI, long lastAckSeq, String openLine) {
    }

    private Run runAndKill(long startI, int acksBeforeKill) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle") || arg.startsWith("-Xmx")) {
                cmd.add(arg);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KillNineWriter.class.getName());
        cmd.add(dir.toString());
        cmd.add(Long.toString(startI));
        File stderr = dir.resolve("child-" + startI + ".err").toFile();
        Process p = new ProcessBuilder(cmd).redirectError(stderr).start();
        AtomicLong lastI = new AtomicLong(-1);
        AtomicLong lastSeq = new AtomicLong(-1);
        AtomicLong acks = new AtomicLong();
        String[] open = {null};
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        String[] f = line.split(" ");
                        lastSeq.set(Long.parseLong(f[2]));
                        lastI.set(Long.parseLong(f[1]));
                        acks.incrementAndGet();
                    } else if (line.startsWith("OPEN ")) {
                        open[0] = line;
                    }
                }
            } catch (Exception ignored) {
                // the pipe breaks when the child is killed
            }
        });
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acks.get() < acksBeforeKill && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(p.isAlive(), () -> "child died on its own: " + tail(stderr));
        p.destroyForcibly();   // SIGKILL on Unix
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        reader.join(5_000);
        assertTrue(acks.get() >= acksBeforeKill, () -> "child acknowledged only " + acks.get() + ": " + tail(stderr));
        return new Run(lastI.get(), lastSeq.get(), open[0]);
    }

    private static String tail(File f) {
        try {
            String all = java.nio.file.Files.readString(f.toPath());
            return all.substring(Math.max(0, all.length() - 4000));
        } catch (java.io.IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    @Test
    @Timeout(90)
    void killNineLosesNothingAcknowledgedAndChargesNothingTwice() throws Exception {
        Run first = runAndKill(1, 2_000);
        Run second = runAndKill(first.lastAckI() + 1, 2_000);
        assertTrue(second.openLine().startsWith("OPEN recovered=true"), second.openLine());

        try (Stores stores = Stores.open(dir, KillNineWriter.CONFIG);
             Journal journal = Journal.open(dir.resolve(Journal.DIR_NAME), KillNineWriter.JOURNAL)) {
            assertTrue(stores.recovered());
            System.out.printf("after kill -9: stores reopened with recovery in %d ms, torn journal bytes cut: %d, "
                    + "child run 2 reopen: %s%n", stores.openMillis(), journal.tornBytesTruncated(), second.openLine());
            JournalRecovery.Report report = JournalRecovery.apply(journal, stores.accounts());
            assertTrue(journal.lastSeq() >= second.lastAckSeq(), "acknowledged records are in the journal");

            // journal: gap-free seqs; per account, the number of charges and the last after-state
            Map<Long, Integer> charges = new HashMap<>();
            Map<Long, JournalEntry> lastRecord = new HashMap<>();
            long expectSeq = 1;
            try (Journal.Scanner s = journal.scan()) {
                while (s.hasNext()) {
                    JournalEntry e = s.next();
                    assertEquals(expectSeq++, e.seq);
                    charges.merge(e.accountId, 1, Integer::sum);
                    lastRecord.put(e.accountId, e);
                }
            }
            assertEquals(journal.lastSeq(), expectSeq - 1);

            Account a = new Account();
            for (long id = 1; id <= KillNineWriter.ACCOUNTS; id++) {
                assertTrue(stores.accounts().read(id, a), "account " + id);
                JournalEntry last = lastRecord.get(id);
                assertEquals(last.seq, a.lastJournalSeq(), "account " + id + " reflects its last record");
                assertEquals(last.moneyAfterMicros, a.moneyMicros());
                // conservation: opening balance - sum of journaled charges = closing balance, exactly
                assertEquals(KillNineWriter.INITIAL_MONEY - KillNineWriter.CHARGE * charges.get(id), a.moneyMicros(),
                        "account " + id);
                assertEquals(1_000_000_000L - 10L * charges.get(id), a.remainingUnits(0));
            }

            Session session = new Session();
            Subscriber sub = new Subscriber();
            for (long i = 1; i <= second.lastAckI(); i++) {
                assertTrue(stores.sessions().read("sess-" + i, session), "session " + i);
                assertEquals(i, session.lastCcRequestNumber());
                assertEquals(300, session.answerLength());
                assertEquals((byte) (i + 299), session.answer()[299]);
                // every other one ended (KillNineWriter): kept apart, with no slot, its answer intact
                assertEquals(i % 2 == 0 ? 0 : 1, session.slotCount(), "session " + i);
                assertEquals(i % 2 == 0 ? Enumerations.TERMINATION_REQUEST : 0, session.lastRequestType(), "session " + i);
                assertTrue(stores.subscribers().findByMsisdn(8617000000000L + i, sub), "subscriber " + i);
                assertTrue(stores.subscribers().findByImsi(460990000000000L + i, sub), "imsi " + i);
            }
            System.out.printf("kill -9 test: %d + %d acknowledged iterations, journal last seq %d, recovery rolled "
                            + "forward %d%n", first.lastAckI(), second.lastAckI() - first.lastAckI(),
                    journal.lastSeq(), report.applied());
        }
    }
}
