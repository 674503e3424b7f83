package io.gyro.engine.cdr;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * How far the stores are known to agree with the journal: the seq of the last record whose whole request
 * (record, account, session, subscriber) was written, kept in a small memory-mapped file so that start-up
 * recovery reads only the records after it ({@link Journal#scanAfter}) instead of every record ever written.
 *
 * <p>Why the value is safe under kill -9 at any instruction: the charging processor is the only writer and
 * finishes each request (record, then account, then session) before the next, so at the end of a batch
 * every record up to {@code journal.lastSeq()} has had all its map writes. {@link #advance} is called there
 * and stores the seq with release semantics after those writes (a store the CPU and the JIT do not move
 * ahead of the earlier ones), into a shared mapping whose page outlives the process. A kill therefore
 * leaves either the old value or the new one, each of them a seq up to which every write is in the page
 * cache; the records after it are the only ones a kill can have left half applied, which is what recovery
 * looks at. An 8-byte aligned store is never torn. A request whose processing failed half way (an
 * exception after its record) is never covered: {@link #hold} keeps the checkpoint below it for the rest of
 * the run, so the next start rolls it forward from the journal.
 *
 * <p>Beside the seq it keeps the number of account writes made by then ({@code AccountStore.accountWrites}),
 * stored after the seq: the accounts written since are the only ones a kill can have left out of step with their
 * sessions or ahead of the journal (a reservation changes the account without a record), so recovery reads
 * those instead of the last few thousand written. A kill between the two stores leaves the older count, which
 * names more accounts, never fewer.
 *
 * <p>Not covered: power loss. The maps are not forced to the device, so neither is this file.
 *
 * <pre>
 *   offset  size
 *     0     8     magic "GYCKPT02" (little-endian long)
 *     8     8     seq: every record up to it is applied to the stores (little-endian; 0 = nothing known)
 *    16     8     account writes made when every request up to that seq had finished
 * </pre>
 *
 * <p>A missing file (a directory older than the checkpoint) or an unreadable one (wrong size or magic,
 * negative seq) is reported by {@link #found()} and replaced by one holding 0, so that start falls back to
 * reading the whole journal. Threads: {@link #open}, {@link #found} and {@link #close} on the lifecycle
 * thread; {@link #advance} and {@link #hold} on the charging processor thread (or the lifecycle thread before
 * the processor starts).
 */
public final class JournalCheckpoint implements AutoCloseable {
    public static final String FILE_NAME = "journal-checkpoint";
    static final int SIZE = 24;
    static final long MAGIC = 0x323054504B43_5947L; // "GYCKPT02" read as a little-endian long
    private static final int SEQ_OFFSET = 8;
    private static final int ACCOUNT_WRITES_OFFSET = 16;
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** What {@link #open} found in the file before any change. */
    public enum Status {
        /** The file held a checkpoint: {@link Found#seq()}. */
        VALID,
        /** No file: a data directory from before checkpoints, or a fresh one. */
        MISSING,
        /** The file could not be read as a checkpoint: {@link Found#problem()} says why. */
        UNREADABLE
    }

    /**
     * @param seq           the checkpoint when {@code VALID}, else 0
     * @param accountWrites account writes made by then when {@code VALID}, else -1 (unknown)
     * @param problem       why it is {@code UNREADABLE}, else null
     */
    public record Found(Status status, long seq, long accountWrites, String problem) {
    }

    private final FileChannel channel;
    private final MappedByteBuffer buffer;
    private final Found found;
    private final java.util.function.LongSupplier accountWrites;
    private long written;
    private long writtenAccountWrites;
    private long heldAt = Long.MAX_VALUE;

    private JournalCheckpoint(FileChannel channel, MappedByteBuffer buffer, Found found,
                              java.util.function.LongSupplier accountWrites) {
        this.channel = channel;
        this.buffer = buffer;
        this.found = found;
        this.accountWrites = accountWrites;
        this.written = found.seq();
        this.writtenAccountWrites = found.accountWrites();
    }

    /** As {@link #open(Path, java.util.function.LongSupplier)} without an account-write count (stays -1). */
    public static JournalCheckpoint open(Path dataDir) throws IOException {
        return open(dataDir, () -> -1);
    }

    /**
     * Opens {@code <dataDir>/journal-checkpoint}, creating it (holding 0) when missing or unreadable.
     *
     * @param accountWrites the stores' account-write count ({@code AccountStore::accountWrites}), read at each
     *                      {@link #advance}
     */
    public static JournalCheckpoint open(Path dataDir, java.util.function.LongSupplier accountWrites) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        Found found = read(file);
        if (found.status() != Status.VALID) {
            // Made whole beside it and renamed over it: a kill during this leaves the old file or the new one.
            Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
            ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN).putLong(MAGIC).putLong(0).putLong(-1);
            b.flip();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
            return new JournalCheckpoint(ch, m, found, accountWrites);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** What {@code <dataDir>/journal-checkpoint} holds, read without creating or changing it. */
    public static Found peek(Path dataDir) throws IOException {
        return read(dataDir.resolve(FILE_NAME));
    }

    private static Found read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new Found(Status.MISSING, 0, -1, null);
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != SIZE) {
            return new Found(Status.UNREADABLE, 0, -1, file + " is " + bytes.length + " bytes, not " + SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong(0) != MAGIC) {
            return new Found(Status.UNREADABLE, 0, -1, file + " does not start with the checkpoint magic");
        }
        long seq = b.getLong(SEQ_OFFSET);
        if (seq < 0) {
            return new Found(Status.UNREADABLE, 0, -1, file + " holds a negative seq " + seq);
        }
        return new Found(Status.VALID, seq, Math.max(b.getLong(ACCOUNT_WRITES_OFFSET), -1), null);
    }

    /** What the file held when it was opened (before this run changed anything). */
    public Found found() {
        return found;
    }

    /** The seq last stored by this run (the found one until the first {@link #advance}). */
    public long seq() {
        return written;
    }

    /**
     * Every record up to {@code seq} is applied to the stores and every request so far has finished: stores the
     * seq (capped by {@link #hold}), then the account-write count (frozen by a hold), each after every earlier
     * write. Allocates nothing, no system call; writes only what moved.
     */
    public void advance(long seq) {
        long s = Math.min(seq, heldAt);
        if (s > written) {
            LONG.setRelease(buffer, SEQ_OFFSET, s);
            written = s;
        }
        if (heldAt == Long.MAX_VALUE) {
            long n = accountWrites.getAsLong();
            if (n != writtenAccountWrites) {
                LONG.setRelease(buffer, ACCOUNT_WRITES_OFFSET, n);
                writtenAccountWrites = n;
            }
        }
    }

    /**
     * Stores 0 (nothing known) and then an unknown account-write count, forced to the device: for a start
     * that does not trust the checkpoint, before it reads the whole journal. A kill between the two stores
     * leaves seq 0 with an older count, which names more accounts, never fewer. Lifecycle thread.
     */
    public void reset() {
        LONG.setRelease(buffer, SEQ_OFFSET, 0L);
        LONG.setRelease(buffer, ACCOUNT_WRITES_OFFSET, -1L);
        buffer.force();
        written = 0;
        writtenAccountWrites = -1;
    }

    /** The account-write count last stored (the found one until the first {@link #advance}; -1 unknown). */
    public long accountWrites() {
        return writtenAccountWrites;
    }

    /**
     * The records after {@code seq} may not be applied (a request failed half way): the checkpoint stays at or
     * below it for the rest of this run, and so does the account-write count (at its last batch end's value,
     * before the failed request's writes).
     */
    public void hold(long seq) {
        heldAt = Math.min(heldAt, Math.max(seq, 0));
    }

    @Override
    public void close() throws IOException {
        try {
            buffer.force();
        } finally {
            MappedFiles.unmap(buffer);
            channel.close();
        }
    }
}
