package io.gyro.engine.store;

import java.io.File;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.MapSegmentContext;

/**
 * Child process of {@link RenewalSweepLockTest}: opens a data directory's subscriber maps, starts a renewal-sweep
 * iteration of a segment and, at its first entry, prints {@code SWEEPING} and waits to be killed (a kill -9 in
 * the middle of the sweep). {@code reading}: the sweep's own iteration; {@code chronicle}: Chronicle's public
 * {@code forEachSegmentEntryWhile}, which the sweep used before. Not a test.
 */
public final class SweepLockChild {
    private SweepLockChild() {
    }

    public static void main(String[] args) throws Exception {
        long entries = Long.parseLong(args[1]);
        ChronicleMap<LongKey, Subscriber> byMsisdn = SubscriberStore.builder(entries).skipCloseOnExitHook(true)
                .createPersistedTo(new File(args[0], SubscriberStore.FILE_NAME));
        ChronicleMap<LongKey, LongKey> byImsi = SubscriberStore.imsiBuilder(entries).skipCloseOnExitHook(true)
                .createPersistedTo(new File(args[0], SubscriberStore.IMSI_FILE_NAME));
        SubscriberStore store = new SubscriberStore(byMsisdn, byImsi);
        for (int segment = 0; segment < store.segments(); segment++) {
            if ("reading".equals(args[2])) {
                store.forEachSegmentEntryReading(segment, e -> hang());
            } else {
                try (MapSegmentContext<LongKey, Subscriber, ?> c = byMsisdn.segmentContext(segment)) {
                    c.forEachSegmentEntryWhile(e -> hang());
                }
            }
        }
        System.out.println("EMPTY");
        System.out.flush();
    }

    private static boolean hang() {
        System.out.println("SWEEPING");
        System.out.flush();
        try {
            Thread.sleep(600_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
