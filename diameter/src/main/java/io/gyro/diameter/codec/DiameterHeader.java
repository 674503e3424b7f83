package io.gyro.diameter.codec;

import io.netty.buffer.ByteBuf;

/**
 * Reads and writes the 20-byte Diameter header in place (RFC 6733 §3). Static accessors over a
 * frame whose header starts at {@code offset}; nothing is copied and nothing allocated.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Version    |                 Message Length                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | command flags |                  Command Code                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Application-ID                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Hop-by-Hop Identifier                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      End-to-End Identifier                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  command flags: R(equest) P(roxiable) E(rror) T(retransmitted) r r r r
 * </pre>
 */
public final class DiameterHeader {
    private DiameterHeader() {
    }

    public static final int LENGTH = 20;
    public static final int VERSION = 1;

    public static final int FLAG_REQUEST = 0x80;
    public static final int FLAG_PROXIABLE = 0x40;
    public static final int FLAG_ERROR = 0x20;
    public static final int FLAG_RETRANSMITTED = 0x10;
    public static final int FLAGS_RESERVED = 0x0f;

    public static int version(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset);
    }

    public static int messageLength(ByteBuf buf, int offset) {
        return buf.getUnsignedMedium(offset + 1);
    }

    public static int flags(ByteBuf buf, int offset) {
        return buf.getUnsignedByte(offset + 4);
    }

    public static boolean isRequest(ByteBuf buf, int offset) {
        return (flags(buf, offset) & FLAG_REQUEST) != 0;
    }

    public static boolean isRetransmitted(ByteBuf buf, int offset) {
        return (flags(buf, offset) & FLAG_RETRANSMITTED) != 0;
    }

    public static boolean isError(ByteBuf buf, int offset) {
        return (flags(buf, offset) & FLAG_ERROR) != 0;
    }

    public static int commandCode(ByteBuf buf, int offset) {
        return buf.getUnsignedMedium(offset + 5);
    }

    /** Application-Id as the signed int of its 32 bits (the relay id 0xffffffff is -1). */
    public static int applicationId(ByteBuf buf, int offset) {
        return buf.getInt(offset + 8);
    }

    public static int hopByHop(ByteBuf buf, int offset) {
        return buf.getInt(offset + 12);
    }

    public static int endToEnd(ByteBuf buf, int offset) {
        return buf.getInt(offset + 16);
    }

    /** Writes a header at the writer index; the length is patched later by {@link #patchLength}. */
    public static void write(ByteBuf out, int flags, int commandCode, int applicationId, int hopByHop, int endToEnd) {
        // Version, Message Length (0 for now), command flags and Command Code in one write.
        out.writeLong((long) VERSION << 56 | (long) (flags & 0xff) << 24 | (commandCode & 0xffffff));
        out.writeInt(applicationId);
        out.writeLong((long) hopByHop << 32 | (endToEnd & 0xffff_ffffL));
    }

    public static void patchLength(ByteBuf buf, int offset, int length) {
        buf.setMedium(offset + 1, length);
    }

    /** Sets the T bit, as a client does when it retransmits (RFC 6733 §3). */
    public static void setRetransmitted(ByteBuf buf, int offset) {
        buf.setByte(offset + 4, flags(buf, offset) | FLAG_RETRANSMITTED);
    }
}
