package io.gyro.engine.interop;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CCR-EVENT an SMSC sends on Ro before it delivers a short message: what
 * {@code ChargingSbb.setupChargingRequestInterface} in
 * {@code core/slee/services/chargingsbb/.../ChargingSbb.java} of RestComm/smscgateway builds
 * with the JAIN SLEE Diameter Ro resource adaptor (jDiameter), in the order its setters are
 * called. Every 3GPP AVP is V and M: jDiameter's dictionary marks SMS-Information and its
 * members mandatory="must". What an OCS must cope with:
 * <ul>
 *   <li>one MSCC with Service-Identifier 1 and no Rating-Group, no Multiple-Services-Indicator;</li>
 *   <li>the recipient inside Recipient-Info (2026) / Recipient-Address (1201), with Address-Type
 *       MSISDN (1) for an international TON, Others (6) otherwise;</li>
 *   <li>SMSC-Address and Originator-SCCP-Address as Address AVPs of family 8 (E.164) with the
 *       digits in ASCII;</li>
 *   <li>Originator-Interface with the network id as Interface-Id and the ESME name as
 *       Interface-Text; Originator-Received-Address repeating the sender.</li>
 * </ul>
 * A {@code null} recipient leaves Recipient-Info out: RestComm always has one, but TS 32.274
 * makes it optional and an SMS node that cannot see the destination sends none; the catalogue's
 * defaultDestination must price that message. Test code.
 */
final class SmscSmsEventCcr {
    static final String ORIGIN_HOST = "smsc.restcomm.test";
    static final String ORIGIN_REALM = "restcomm.test";
    /** ChargingSbb.SERVICE_CONTEXT_ID_SMSC. */
    static final String SERVICE_CONTEXT_ID = "32274@3gpp.org";
    static final int DIRECT_DEBITING = 0;
    static final int PRICE_ENQUIRY = 3;

    private static final int TGPP = NodeAvpWriter.TGPP;
    private static final int E164_FAMILY = 8;
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private SmscSmsEventCcr() {
    }

    /**
     * One submission: {@code sender} pays (the E.164 Subscription-Id), {@code recipient} is the
     * destination address or null, {@code internationalTon} picks Address-Type.
     */
    static NodeConnection.Request submit(String sender, String recipient, boolean internationalTon, String ocsRealm,
                                         long eventTimeMs) {
        return event(DIRECT_DEBITING, sender, recipient, internationalTon, ocsRealm, eventTimeMs);
    }

    /**
     * The same event with another Requested-Action (RFC 4006 §8.41): RestComm only debits, but an
     * SMSC that quotes first (PRICE_ENQUIRY) sends this shape with 3.
     */
    static NodeConnection.Request event(int requestedAction, String sender, String recipient, boolean internationalTon,
                                        String ocsRealm, long eventTimeMs) {
        String sessionId = ORIGIN_HOST + ";" + (77_000 + SESSIONS.incrementAndGet()) + ";1";
        return (out, hbh, e2e) -> write(out, hbh, e2e, sessionId, requestedAction, sender, recipient, internationalTon,
                ocsRealm, eventTimeMs);
    }

    private static ByteBuf write(ByteBuf out, int hbh, int e2e, String sessionId, int requestedAction, String sender,
                                 String recipient, boolean internationalTon, String ocsRealm, long eventTimeMs) {
        int addressType = internationalTon ? 1 : 6; // AddressTypeEnum Msisdn(1), Others(6)
        NodeAvpWriter w = new NodeAvpWriter().beginCcr(out, hbh, e2e);
        // What the resource adaptor's createRoCreditControlRequest(EVENT_REQUEST) fills in.
        w.utf8(263, 0, true, sessionId)
                .utf8(264, 0, true, ORIGIN_HOST)
                .utf8(296, 0, true, ORIGIN_REALM)
                .utf8(283, 0, true, ocsRealm)
                .u32(258, 0, true, 4)
                .i32(416, 0, true, 4); // CC-Request-Type EVENT_REQUEST
        // Then the setters, in ChargingSbb's order.
        w.utf8(461, 0, true, SERVICE_CONTEXT_ID)
                .u32(415, 0, true, 0) // CC-Request-Number
                .time(55, 0, true, eventTimeMs) // Event-Timestamp
                .group(443, 0, true).i32(450, 0, true, 0).utf8(444, 0, true, sender).endGroup() // E.164 sender
                .i32(436, 0, true, requestedAction); // Requested-Action
        w.group(456, 0, true) // MSCC { RSU { CC-Service-Specific-Units 1 }, Service-Identifier 1 }
                .group(437, 0, true).u64(417, 0, true, 1).endGroup()
                .u32(439, 0, true, 1)
                .endGroup();
        w.group(873, TGPP, true).group(2000, TGPP, true) // Service-Information { SMS-Information
                .address(2008, TGPP, true, E164_FAMILY, ascii("8613900000001")) // Originator-SCCP-Address: the MSC's GT
                .address(2017, TGPP, true, E164_FAMILY, ascii("8613800755500")) // SMSC-Address
                .i32(2001, TGPP, true, 0) // Data-Coding-Scheme: GSM 7-bit
                .i32(2007, TGPP, true, 0) // SM-Message-Type SUBMISSION
                .group(2009, TGPP, true) // Originator-Interface
                .utf8(2003, TGPP, true, "0") // Interface-Id: the network id
                .utf8(2005, TGPP, true, "esme-1") // Interface-Text: the ESME's name
                .endGroup();
        if (recipient != null) {
            w.group(2026, TGPP, true) // Recipient-Info
                    .group(1201, TGPP, true) // Recipient-Address
                    .i32(899, TGPP, true, addressType) // Address-Type
                    .utf8(897, TGPP, true, recipient) // Address-Data
                    .endGroup().endGroup();
        }
        w.group(2027, TGPP, true) // Originator-Received-Address
                .i32(899, TGPP, true, addressType)
                .utf8(897, TGPP, true, sender)
                .endGroup();
        w.endGroup().endGroup();
        return w.end();
    }

    private static byte[] ascii(String digits) {
        return digits.getBytes(StandardCharsets.US_ASCII);
    }
}
