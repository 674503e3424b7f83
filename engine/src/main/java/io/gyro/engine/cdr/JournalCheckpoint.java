package io.gyro.engine.cdr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How far the accounts are known to agree with the journal in this run: the seq of the last record whose whole
 * request (record, account, session, subscriber) was written. The account snapshot thread reads it as the seq a
 * snapshot starts from ({@code store.AccountSnapshots}): every record up to it is in the accounts it walks.
 *
 * <p>The charging processor is the only writer and finishes each request before the next, so at the end of a batch
 * every record up to the journal's last seq has had all its writes; {@link #advance} is called there. A request whose
 * processing failed half way (an exception after its record) is never covered: {@link #hold} keeps the value below it
 * for the rest of the run, so no snapshot claims it, and the next start rolls it forward from the journal.
 *
 * <p>Held in memory only: the versions whose accounts were file-backed kept it in {@value #LEGACY_FILE_NAME}, which
 * {@link #deleteLegacyFile} removes. Threads: {@link #advance} and {@link #hold} on the charging processor thread (or
 * the lifecycle thread before it starts); {@link #seq} on any thread.
 */
public final class JournalCheckpoint {
    /** The file the versions with file-backed accounts kept the checkpoint in. */
    public static final String LEGACY_FILE_NAME = "journal-checkpoint";

    private volatile long seq;
    /** Volatile for {@link #held}, which the lifecycle thread reads at close. */
    private volatile long heldAt = Long.MAX_VALUE;

    /** @param seq every record up to it is applied (the journal's last seq once start-up recovery is done) */
    public JournalCheckpoint(long seq) {
        this.seq = Math.max(seq, 0);
    }

    /** Removes the file of the versions before account snapshots, if the data directory has one. */
    public static void deleteLegacyFile(Path dataDir) throws IOException {
        Files.deleteIfExists(dataDir.resolve(LEGACY_FILE_NAME));
        Files.deleteIfExists(dataDir.resolve(LEGACY_FILE_NAME + ".tmp"));
    }

    /** The seq up to which every record is applied (any thread). */
    public long seq() {
        return seq;
    }

    /**
     * Every record up to {@code seq} is applied to the stores and every request so far has finished: moves to it,
     * capped by {@link #hold}. Allocates nothing; writes only what moved.
     */
    public void advance(long seq) {
        long s = Math.min(seq, heldAt);
        if (s > this.seq) {
            this.seq = s;
            mirror.accept(s);
        }
    }

    private java.util.function.LongConsumer mirror = seq -> { };
    private Runnable onHold = () -> { };

    /**
     * Hands every move of the checkpoint, and its value now, to {@code mirror}, and every {@link #hold} to
     * {@code onHold} (on the thread that moves it): the accounts' image keeps them where a start after a kill finds
     * them ({@code store.AccountImage}).
     */
    public void mirrorTo(java.util.function.LongConsumer mirror, Runnable onHold) {
        this.mirror = mirror;
        this.onHold = onHold;
        mirror.accept(seq);
    }

    /** The records after {@code seq} may not be applied (a request failed half way): stays at or below it. */
    public void hold(long seq) {
        heldAt = Math.min(heldAt, Math.max(seq, 0));
        onHold.run();
    }

    /**
     * Whether {@link #hold} was called in this run (any thread): the stores then close without the clean-shutdown
     * marker ({@code store.AccountSnapshots#start}), since a failed request may have left a write no record carries.
     */
    public boolean held() {
        return heldAt != Long.MAX_VALUE;
    }
}
