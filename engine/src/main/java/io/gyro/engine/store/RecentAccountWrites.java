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
 * <p>Which of them came after the journal checkpoint: the file also counts every account write ever made
 * (across runs), so the checkpoint can name the count at its batch end ({@code cdr.JournalCheckpoint}) and
 * recovery reads only the slots written after it ({@link #distinctIdsSince}) instead of all {@value #SLOTS}
 * (each a cold read of the account map in a fresh process: 0.7 to 1.9 s at 10 million accounts). The count is
 * stored after the slot, both before the map write's lock is taken; a kill between the two leaves the count one
 * short, so the slot at the count itself is always read too.
 *
 * <pre>
 *   offset      size
 *     0         8*SLOTS  account id of write n at slot n % SLOTS (0 = never used; little-endian)
 *     8*SLOTS   8        magic "GYRAW001" (absent in files from before the count: every slot is read then)
 *     8*SLOTS+8 8        n: account writes made so far
 * </pre>
 * Called by the store's single writer thread only; never cleared (an old id is a harmless extra check).
 */
final class RecentAccountWrites implements AutoCloseable {
    static final String FILE_NAME = "recent-account-writes";
    static final int SLOTS = 8192;

    static final long MAGIC = 0x313030574152_5947L; // "GYRAW001" read as a little-endian long
    private static final int MAGIC_OFFSET = SLOTS * Long.BYTES;
    private static final int COUNT_OFFSET = MAGIC_OFFSET + Long.BYTES;

    private final FileChannel channel;
    private final MappedByteBuffer buffer;
    /** Account writes made so far, all runs (the file's count, kept here too). */
    private long count;
    /** The count as the last run left it; -1 when the file did not have one (every slot is then suspect). */
    private final long countAtOpen;

    private RecentAccountWrites(FileChannel channel, MappedByteBuffer buffer, long countAtOpen) {
        this.channel = channel;
        this.buffer = buffer;
        this.countAtOpen = countAtOpen;
        this.count = Math.max(countAtOpen, 0);
    }

    static RecentAccountWrites open(Path dataDir) throws IOException {
        FileChannel ch = FileChannel.open(dataDir.resolve(FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            boolean fresh = ch.size() == 0;
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, COUNT_OFFSET + Long.BYTES);
            b.order(ByteOrder.LITTLE_ENDIAN);
            long found = fresh ? 0 : -1;
            if (b.getLong(MAGIC_OFFSET) == MAGIC && b.getLong(COUNT_OFFSET) >= 0) {
                found = b.getLong(COUNT_OFFSET);
            } else {
                b.putLong(COUNT_OFFSET, 0);
                b.putLong(MAGIC_OFFSET, MAGIC);
            }
            return new RecentAccountWrites(ch, b, found);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Records that {@code accountId} is about to be written: its slot, then the count. */
    void add(long accountId) {
        buffer.putLong((int) (count & (SLOTS - 1)) * Long.BYTES, accountId);
        count++;
        buffer.putLong(COUNT_OFFSET, count);
    }

    /** Account writes made so far, in every run. */
    long count() {
        return count;
    }

    /**
     * The distinct ids of the writes from number {@code fromCount} on (the slot at the file's count included, see
     * above), up to this run's writes so far; every slot's ids when {@code fromCount < 0}, when the file had no
     * count, or when more than {@value #SLOTS} - 1 writes came since.
     */
    long[] distinctIdsSince(long fromCount) {
        if (!covers(fromCount)) {
            return distinctIds();
        }
        long[] ids = new long[(int) (count + 1 - fromCount)];
        int n = 0;
        for (long c = fromCount; c <= count; c++) {
            long id = buffer.getLong((int) (c & (SLOTS - 1)) * Long.BYTES);
            if (id != 0) {
                ids[n++] = id;
            }
        }
        return distinct(Arrays.copyOf(ids, n));
    }

    /** Whether {@link #distinctIdsSince} of {@code fromCount} names every account written since that count. */
    boolean covers(long fromCount) {
        return fromCount >= 0 && countAtOpen >= 0 && fromCount <= count && count + 1 - fromCount < SLOTS;
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
        return distinct(Arrays.copyOf(ids, n));
    }

    private static long[] distinct(long[] sorted) {
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
