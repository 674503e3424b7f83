package io.gyro.engine.crash;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;

/** Reads the few things the crash test needs from a Credit-Control-Answer. */
final class Answers {
    private Answers() {
    }

    /** Top-level Unsigned32 AVP of the message, or -1. */
    static long topLevel(ByteBuf message, int code) {
        AvpReader r = new AvpReader().wrapMessage(message, message.readerIndex(),
                DiameterHeader.messageLength(message, message.readerIndex()));
        while (r.next()) {
            if (r.is(code, VendorId.IETF)) {
                return r.unsigned32();
            }
        }
        return -1;
    }

    /** {Result-Code, granted units} of the MSCC with this rating group, or null. */
    static long[] mscc(ByteBuf message, long ratingGroup) {
        AvpReader r = new AvpReader().wrapMessage(message, message.readerIndex(),
                DiameterHeader.messageLength(message, message.readerIndex()));
        AvpReader m = new AvpReader();
        AvpReader g = new AvpReader();
        while (r.next()) {
            if (!r.is(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL, VendorId.IETF)) {
                continue;
            }
            r.enter(m);
            long rg = -1;
            long result = -1;
            long granted = -1;
            while (m.next()) {
                if (m.is(AvpCode.RATING_GROUP, VendorId.IETF)) {
                    rg = m.unsigned32();
                } else if (m.is(AvpCode.RESULT_CODE, VendorId.IETF)) {
                    result = m.unsigned32();
                } else if (m.is(AvpCode.GRANTED_SERVICE_UNIT, VendorId.IETF)) {
                    m.enter(g);
                    while (g.next()) {
                        granted = g.dataLength() == 8 ? g.unsigned64() : g.unsigned32();
                    }
                }
            }
            if (rg == ratingGroup) {
                return new long[]{result, granted};
            }
        }
        return null;
    }
}
