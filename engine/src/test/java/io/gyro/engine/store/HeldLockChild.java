package io.gyro.engine.store;

import java.io.File;

import net.openhft.chronicle.hash.locks.InterProcessReadWriteUpdateLock;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.MapSegmentContext;

/**
 * Child process of {@link StoresLockProbeTest}: opens a data directory's subscriber map, takes the read,
 * update or write lock of one segment (the state a kill -9 inside a lookup, an iteration or a write
 * leaves), prints {@code LOCKED} and waits to be killed. Not a test.
 */
public final class HeldLockChild {
    private HeldLockChild() {
    }

    public static void main(String[] args) throws Exception {
        // args: dir, entries of the map, segment, read|update|write
        File file = new File(args[0], SubscriberStore.FILE_NAME);
        long entries = Long.parseLong(args[1]);
        int segment = Integer.parseInt(args[2]);
        ChronicleMap<LongKey, Subscriber> map = SubscriberStore.builder(entries).skipCloseOnExitHook(true)
                .createPersistedTo(file);
        MapSegmentContext<LongKey, Subscriber, ?> c = map.segmentContext(segment);
        InterProcessReadWriteUpdateLock lock = (InterProcessReadWriteUpdateLock) c;
        switch (args[3]) {
            case "read" -> lock.readLock().lock();
            case "update" -> lock.updateLock().lock();
            default -> lock.writeLock().lock();
        }
        System.out.println("LOCKED");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
