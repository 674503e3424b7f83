package io.gyro.engine.pipeline;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.DiameterWriter;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.gy.CreditControlRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the ring slot keeps of a decoded CCR's network information: the RAT as the catalogue numbers it, the IMS
 * Role-of-Node, the SMS recipient as rated.
 */
class RingEventTest {
    private static final int TGPP = (int) VendorId.TGPP;

    private static RingEvent copied(Consumer<DiameterWriter> body) {
        DiameterWriter w = new DiameterWriter();
        w.begin(Unpooled.buffer(), DiameterHeader.FLAG_REQUEST, CommandCode.CREDIT_CONTROL, 4, 1, 2);
        w.utf8(AvpCode.SESSION_ID, "pgw;1").utf8(AvpCode.ORIGIN_HOST, "pgw").utf8(AvpCode.ORIGIN_REALM, "net")
                .utf8(AvpCode.DESTINATION_REALM, "ocs").unsigned32(AvpCode.AUTH_APPLICATION_ID, 4)
                .utf8(AvpCode.SERVICE_CONTEXT_ID, "32251@3gpp.org").enumerated(AvpCode.CC_REQUEST_TYPE, 1)
                .unsigned32(AvpCode.CC_REQUEST_NUMBER, 0);
        body.accept(w);
        ByteBuf frame = w.end();
        CreditControlRequest r = new CreditControlRequest();
        Validation v = new Validation();
        assertEquals(CreditControlRequest.DECODED, r.validateAndDecode(frame, 0, new MessageValidator(), v, new Validation()), v.toString());
        RingEvent e = new RingEvent();
        e.copyFrom(null, r, 0);
        return e;
    }

    @ParameterizedTest(name = "3GPP-RAT-Type {0} -> RAT-Type {1}")
    @CsvSource({"1, 1000", "2, 1001", "6, 1004", "8, 1005", "9, 1007", "10, 1006", "99, -1"})
    void tgppRatTypeBecomesRatType(int octet, int ratType) {
        RingEvent e = copied(w -> w.beginGroup(AvpCode.SERVICE_INFORMATION, TGPP).beginGroup(AvpCode.PS_INFORMATION, TGPP)
                .octets(AvpCode.TGPP_RAT_TYPE, TGPP, new byte[] {(byte) octet}, 0, 1).endGroup().endGroup());
        assertEquals(ratType, e.ratType);
    }

    @ParameterizedTest(name = "Role-of-Node {0}")
    @CsvSource({"0", "1", "2"})
    void roleOfNodeIsKept(int role) {
        RingEvent e = copied(w -> w.beginGroup(AvpCode.SERVICE_INFORMATION, TGPP).beginGroup(AvpCode.IMS_INFORMATION, TGPP)
                .enumerated(829, TGPP, role).endGroup().endGroup());
        assertEquals(role, e.roleOfNode);
        assertEquals(-1, copied(w -> { }).roleOfNode, "absent");
    }

    @ParameterizedTest(name = "Address-Type {0}, {1} -> {2}")
    @CsvSource({"1, 447700900123, +447700900123", "6, 13800138000, 13800138000"})
    void msisdnTypedRecipientIsRatedInInternationalForm(int addressType, String data, String rated) {
        RingEvent e = copied(w -> w.beginGroup(AvpCode.SERVICE_INFORMATION, TGPP).beginGroup(AvpCode.SMS_INFORMATION, TGPP)
                .beginGroup(AvpCode.RECIPIENT_ADDRESS, TGPP).enumerated(899, TGPP, addressType)
                .utf8(AvpCode.ADDRESS_DATA, TGPP, data).endGroup().endGroup().endGroup());
        assertEquals(rated, new String(e.called, 0, e.calledLength, StandardCharsets.US_ASCII));
        assertTrue(e.calledLength <= RingEvent.MAX_CALLED);
    }
}
