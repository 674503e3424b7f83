package io.gyro.engine.pipeline;

/**
 * {@link CheckpointRecoveryTest} with the records going through the write-ahead log and its CDR export, as the
 * engine writes them: a kill also stops the export where it is, and the next start exports the rest before
 * recovery reads the journal.
 */
class CheckpointRecoveryWalTest extends CheckpointRecoveryTest {
    @Override
    boolean throughWal() {
        return true;
    }
}
