package io.gyro.engine.store;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The ids of the last {@value #SLOTS} account writes, in a small memory-mapped file, so that recovery
 * after a kill -9 can find the accounts whose write may disagree with the rest of the state without a
 * pass over every account (seconds per million at 10 million accounts: the pass touches every page of the
 * map, which a freshly started process has not mapped yet).
 *
 * <p>Why the last writes are enough: the charging processor is the only writer and finishes one request
 * (journal record, account write, session write) before the next, so a kill can leave at most the account
 * of the request in flight out of step with its session (a reservation without its session, or the
 * reverse) or ahead of the journal (a maps-first write). That account's id was put here before its map
 * write started (the ring slot is written first; the Chronicle write that follows takes the segment lock
 * with a CAS, which the JIT and the CPU do not move the slot store past), and a kill -9 keeps what a
 * process wrote to a shared mapping. {@value #SLOTS} slots leave room for far more than one request.
 *
 * <pre>
 *   offset  size
 *     0     8*SLOTS  account id of write n at slot n % SLOTS (0 = never used; little-endian)
 * </pre>
 * Called by the store's single writer thread only; never cleared (an old id is a harmless extra check).
 */
final class RecentAccountWrites implements AutoCloseable {
    static final String FILE_NAME = "recent-account-writes";
    static final int SLOTS = 8192;

    private final FileChannel channel;
    private final MappedByteBuffer buffer;
    private int next;

    private RecentAccountWrites(FileChannel channel, MappedByteBuffer buffer) {
        this.channel = channel;
        this.buffer = buffer;
    }

    static RecentAccountWrites open(Path dataDir) throws IOException {
        FileChannel ch = FileChannel.open(dataDir.resolve(FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, (long) SLOTS * Long.BYTES);
            b.order(ByteOrder.LITTLE_ENDIAN);
            return new RecentAccountWrites(ch, b);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Records that {@code accountId} is about to be written. */
    void add(long accountId) {
        buffer.putLong(next * Long.BYTES, accountId);
        next = (next + 1) & (SLOTS - 1);
    }

    /** The distinct account ids in the ring (as left by the last run, before this run wrote anything). */
    long[] distinctIds() {
        long[] ids = new long[SLOTS];
        int n = 0;
        for (int i = 0; i < SLOTS; i++) {
            long id = buffer.getLong(i * Long.BYTES);
            if (id != 0) {
                ids[n++] = id;
            }
        }
        long[] sorted = Arrays.copyOf(ids, n);
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[distinct++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, distinct);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
