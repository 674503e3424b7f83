package io.gyro.diameter.testing;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Test-side lookups of AVPs in a whole message by a path of AVP codes (vendor ignored: the
 * fixtures use no code twice across vendors). Allocates freely; for assertions only.
 */
public final class Avps {
    private Avps() {
    }

    /** A reader positioned on the first AVP at {@code path}, or null. */
    public static AvpReader find(ByteBuf message, int... path) {
        int offset = message.readerIndex();
        AvpReader reader = new AvpReader().wrapMessage(message, offset, DiameterHeader.messageLength(message, offset));
        for (int depth = 0; depth < path.length; depth++) {
            boolean found = false;
            while (reader.next()) {
                if (reader.code() == path[depth]) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return null;
            }
            if (depth < path.length - 1) {
                reader = reader.enter(new AvpReader());
            }
        }
        return reader;
    }

    public static boolean has(ByteBuf message, int... path) {
        return find(message, path) != null;
    }

    public static long u32(ByteBuf message, int... path) {
        AvpReader r = require(message, path);
        return r.unsigned32();
    }

    public static String utf8(ByteBuf message, int... path) {
        AvpReader r = require(message, path);
        return r.buffer().toString(r.dataOffset(), r.dataLength(), StandardCharsets.UTF_8);
    }

    /** Number of AVPs with {@code code} at the top level. */
    public static int count(ByteBuf message, int code) {
        int offset = message.readerIndex();
        AvpReader reader = new AvpReader().wrapMessage(message, offset, DiameterHeader.messageLength(message, offset));
        int n = 0;
        while (reader.next()) {
            if (reader.code() == code) {
                n++;
            }
        }
        return n;
    }

    private static AvpReader require(ByteBuf message, int... path) {
        AvpReader r = find(message, path);
        if (r == null) {
            throw new AssertionError("no AVP at path " + java.util.Arrays.toString(path));
        }
        return r;
    }
}
