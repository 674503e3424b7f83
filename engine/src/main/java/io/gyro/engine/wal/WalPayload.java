package io.gyro.engine.wal;

import java.nio.ByteBuffer;

/**
 * What {@link Wal#append} writes as a record's payload: a reusable encoder, wrapped around its source
 * before each append (a flyweight), so appending allocates nothing. Called on the writer's thread.
 */
public interface WalPayload {
    /** The record kind ({@link WalRecordKind}), written in the frame. */
    int kind();

    /** The layout version of this kind's payload, written in the frame; decoders refuse versions they do not know. */
    int layoutVersion();

    /** Exact number of bytes {@link #write} will write. */
    int length();

    /** Writes exactly {@link #length()} bytes at {@code offset} of {@code dst} (little-endian, absolute puts). */
    void write(ByteBuffer dst, int offset);
}
