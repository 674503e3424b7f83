package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import net.openhft.chronicle.algo.locks.VanillaReadWriteUpdateWithWaitsLockingStrategy;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renewal sweep reads the subscriber map under segment read locks only, so a kill -9 in the middle of it
 * leaves a read lock, which {@link Stores#open} resets, instead of an update lock, which costs the whole map's
 * recovery (issue 5: about 18 s at 10 million subscribers).
 */
class RenewalSweepLockTest {
    private static final StoreConfig SMALL = new StoreConfig(10_000, 1_000);
    private static final VanillaReadWriteUpdateWithWaitsLockingStrategy LOCKS =
            (VanillaReadWriteUpdateWithWaitsLockingStrategy) VanillaReadWriteUpdateWithWaitsLockingStrategy.instance();

    @TempDir
    Path dir;

    private void populate() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            for (long n = 1; n <= 1000; n++) {
                stores.subscribers().create(new Subscriber().msisdn(8617000000000L + n).imsi(460990000000000L + n)
                        .accountId(8617000000000L + n).packageId("basic").state(SubscriberState.ACTIVE)
                        .nextRenewalMs(n % 3 == 0 ? 1_000 : 9_000));
            }
        }
    }

    private static long lockState(SubscriberStore store, int segment) {
        VanillaChronicleHash<?, ?, ?, ?> hash = (VanillaChronicleHash<?, ?, ?, ?>) store.msisdnMap();
        return BigSegmentHeader.INSTANCE.getLockState(hash.segmentHeaderAddress(segment));
    }

    @Test
    void theSweepHoldsOnlyTheReadLockWhileItVisitsAndNothingAfter() throws Exception {
        populate();
        try (Stores stores = Stores.open(dir, SMALL)) {
            SubscriberStore store = stores.subscribers();
            int visited = 0;
            for (int segment = 0; segment < store.segments(); segment++) {
                int s = segment;
                int[] n = {0};
                store.forEachSegmentEntryReading(segment, e -> {
                    long state = lockState(store, s);
                    assertTrue(LOCKS.isReadLocked(state), "read-locked while visited: " + BigSegmentHeader.INSTANCE
                            .lockStateToString(state));
                    assertFalse(LOCKS.isUpdateLocked(state) || LOCKS.isWriteLocked(state),
                            "no update or write lock: " + BigSegmentHeader.INSTANCE.lockStateToString(state));
                    n[0]++;
                    return true;
                });
                assertFalse(LOCKS.isLocked(lockState(store, segment)), "released after segment " + segment);
                visited += n[0];
            }
            assertEquals(1000, visited, "every subscriber visited once");

            // the sweep's own use: every due subscriber (a third of them) found, none twice
            long[] out = new long[4];
            java.util.Set<Long> due = new java.util.HashSet<>();
            for (int segment = 0; segment < store.segments(); segment++) {
                int skip = 0;
                int got;
                do {
                    got = store.findDueRenewals(segment, 5_000, skip, out);
                    for (int i = 0; i < got; i++) {
                        assertTrue(due.add(out[i]));
                    }
                    skip += got;
                } while (got == out.length);
                assertFalse(LOCKS.isLocked(lockState(store, segment)));
            }
            assertEquals(333, due.size());
        }
    }

    @Test
    void aKillInTheMiddleOfTheSweepRecoversNoMap() throws Exception {
        assertEquals(0, killedWhileSweeping("reading"));
    }

    @Test
    void aKillInTheMiddleOfChroniclesUpdateLockedIterationCostsTheWholeMapsRecovery() throws Exception {
        assertEquals(1, killedWhileSweeping("chronicle"), "why the sweep no longer uses it");
    }

    /** Kills a child in the middle of a sweep's iteration, then reopens: returns the maps Chronicle recovered. */
    private int killedWhileSweeping(String how) throws Exception {
        populate();
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), SweepLockChild.class.getName(),
                dir.toString(), Long.toString(SMALL.maxSubscribers()), how));
        Process child = new ProcessBuilder(cmd).redirectError(dir.resolve("child.err").toFile()).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = r.readLine();   // past the logging library's own lines
            } while (line != null && !line.equals("SWEEPING") && !line.equals("EMPTY"));
            assertEquals("SWEEPING", line, "the child never reached an entry (see child.err)");
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertTrue(stores.recovered());
            Subscriber s = new Subscriber();
            for (long n = 1; n <= 1000; n++) {
                assertTrue(stores.subscribers().findByMsisdn(8617000000000L + n, s));
            }
            return stores.mapsRecovered();
        }
    }
}
