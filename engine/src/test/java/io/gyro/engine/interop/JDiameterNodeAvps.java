package io.gyro.engine.interop;

import org.jdiameter.api.AvpSet;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The Service-Information of real nodes (README) built with jDiameter's own encoder, for
 * {@link JDiameterRealNodesTest}: the PS-Information of a PGW with every member the README lists,
 * the SMS-Information of the RestComm SMSC, the IMS-Information of an IMS node. A second encoder
 * writing the same trees catches what ours would hide (padding, group lengths, Address
 * encoding). Flags as the nodes set them (V and M unless the comment says otherwise).
 * jDiameter runs with its dictionary off (JDiameterPgw), so it sends what it is given.
 */
final class JDiameterNodeAvps {
    private JDiameterNodeAvps() {
    }

    private static final long TGPP = JDiameterPgw.TGPP;

    private static AvpSet serviceInformation(AvpSet avps) {
        return avps.addGroupedAvp(873, TGPP, true, false);
    }

    private static void utf8(AvpSet set, int code, String value) {
        set.addAvp(code, value, TGPP, true, false, false);
    }

    private static void octets(AvpSet set, int code, byte[] value, boolean mandatory) {
        set.addAvp(code, value, TGPP, mandatory, false);
    }

    private static void u32(AvpSet set, int code, long value, boolean mandatory) {
        set.addAvp(code, value, TGPP, mandatory, false, true);
    }

    private static void enumerated(AvpSet set, int code, int value, boolean mandatory) {
        set.addAvp(code, value, TGPP, mandatory, false);
    }

    /** A PGW's full PS-Information (Open5GS's members, plus the ones ergw and the brief list). */
    static void psInformation(AvpSet avps, String servingPlmn) throws Exception {
        AvpSet ps = serviceInformation(avps).addGroupedAvp(874, TGPP, true, false);
        u32(ps, 2, 0x0a000005, true); // 3GPP-Charging-Id
        enumerated(ps, 3, 0, true); // 3GPP-PDP-Type IPv4
        ps.addAvp(1227, InetAddress.getByAddress(new byte[]{10, 45, 0, 2}), TGPP, true, false); // PDP-Address
        ps.addAvp(1228, InetAddress.getByAddress(new byte[]{10, 1, 2, 3}), TGPP, true, false); // SGSN-Address
        ps.addAvp(847, InetAddress.getByAddress(new byte[]{10, 1, 9, 9}), TGPP, true, false); // GGSN-Address
        ps.addAvp(30, "internet", true, false, false); // Called-Station-Id (vendor 0)
        utf8(ps, 8, "46099"); // 3GPP-IMSI-MCC-MNC
        utf8(ps, 9, "46001"); // 3GPP-GGSN-MCC-MNC
        octets(ps, 10, new byte[]{5}, true); // 3GPP-NSAPI
        utf8(ps, 12, "0"); // 3GPP-Selection-Mode
        utf8(ps, 13, "0800"); // 3GPP-Charging-Characteristics
        utf8(ps, 18, servingPlmn); // 3GPP-SGSN-MCC-MNC
        octets(ps, 20, "3516920100000101".getBytes(StandardCharsets.US_ASCII), true); // 3GPP-IMEISV
        octets(ps, 21, new byte[]{6}, true); // 3GPP-RAT-Type EUTRAN
        octets(ps, 22, NodeAvpWriter.userLocationTaiEcgi(servingPlmn, 1, 0x0019b01), true); // 3GPP-User-Location-Info
        octets(ps, 23, new byte[]{0x23, 0x00}, true); // 3GPP-MS-TimeZone
        u32(ps, 2050, 0x0a000005, true); // PDN-Connection-Charging-ID
        enumerated(ps, 2047, 2, true); // Serving-Node-Type GTPSGW
        enumerated(ps, 2051, 1, true); // Dynamic-Address-Flag Dynamic
        utf8(ps, 1004, "rb-internet"); // Charging-Rule-Base-Name
        AvpSet qos = ps.addGroupedAvp(1016, TGPP, true, false); // QoS-Information
        enumerated(qos, 1028, 9, true); // QoS-Class-Identifier
        u32(qos, 516, 50_000_000, true); // Max-Requested-Bandwidth-UL
        u32(qos, 515, 100_000_000, true); // Max-Requested-Bandwidth-DL
        AvpSet arp = qos.addGroupedAvp(1034, TGPP, false, false); // Allocation-Retention-Priority, M must not
        u32(arp, 1046, 8, false);
        enumerated(arp, 1047, 1, false);
        enumerated(arp, 1048, 1, false);
        u32(qos, 1041, 1_000_000_000, false); // APN-Aggregate-Max-Bitrate-UL, M must not
        u32(qos, 1040, 1_000_000_000, false); // APN-Aggregate-Max-Bitrate-DL
        AvpSet uei = avps.addGroupedAvp(458, true, false); // User-Equipment-Info, top level (RFC 4006)
        uei.addAvp(459, 0, true, false); // IMEISV
        uei.addAvp(460, "3516920100000101".getBytes(StandardCharsets.US_ASCII), true, false);
    }

    /** The RestComm SMSC's SMS-Information (SmscSmsEventCcr); a null recipient leaves Recipient-Info out. */
    static void smsInformation(AvpSet avps, String sender, String recipient, boolean internationalTon) {
        int addressType = internationalTon ? 1 : 6;
        AvpSet sms = serviceInformation(avps).addGroupedAvp(2000, TGPP, true, false);
        octets(sms, 2008, e164Address("8613900000001"), true); // Originator-SCCP-Address
        octets(sms, 2017, e164Address("8613800755500"), true); // SMSC-Address
        enumerated(sms, 2001, 0, true); // Data-Coding-Scheme
        enumerated(sms, 2007, 0, true); // SM-Message-Type SUBMISSION
        AvpSet originatorInterface = sms.addGroupedAvp(2009, TGPP, true, false);
        utf8(originatorInterface, 2003, "0");
        utf8(originatorInterface, 2005, "esme-1");
        if (recipient != null) {
            AvpSet recipientAddress = sms.addGroupedAvp(2026, TGPP, true, false).addGroupedAvp(1201, TGPP, true, false);
            enumerated(recipientAddress, 899, addressType, true);
            utf8(recipientAddress, 897, recipient);
        }
        AvpSet originator = sms.addGroupedAvp(2027, TGPP, true, false);
        enumerated(originator, 899, addressType, true);
        utf8(originator, 897, sender);
    }

    /** Address of family 8 (E.164) with the digits in ASCII, as the RestComm SMSC encodes it. */
    private static byte[] e164Address(String digits) {
        byte[] d = digits.getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[2 + d.length];
        value[1] = 8;
        System.arraycopy(d, 0, value, 2, d.length);
        return value;
    }

    /** An IMS node's IMS-Information, TS 32.299 members (ImsVolteCcr, TS_32_299 envelope). */
    static void imsInformation(AvpSet avps, String callingParty, String calledParty, String callId) {
        AvpSet ims = serviceInformation(avps).addGroupedAvp(876, TGPP, true, false);
        utf8(ims.addGroupedAvp(823, TGPP, true, false), 824, "INVITE"); // Event-Type { SIP-Method }
        enumerated(ims, 829, 0, true); // Role-Of-Node ORIGINATING
        enumerated(ims, 862, 0, true); // Node-Functionality S-CSCF
        utf8(ims, 830, callId); // User-Session-Id
        utf8(ims, 831, callingParty); // Calling-Party-Address
        utf8(ims, 832, calledParty); // Called-Party-Address
        AvpSet stamps = ims.addGroupedAvp(833, TGPP, true, false); // Time-Stamps
        stamps.addAvp(834, new java.util.Date(), TGPP, true, false); // SIP-Request-Timestamp
        AvpSet ioi = ims.addGroupedAvp(838, TGPP, true, false); // Inter-Operator-Identifier
        utf8(ioi, 839, "ims.mnc001.mcc460.3gppnetwork.org");
        utf8(ioi, 840, "ims.mnc000.mcc460.3gppnetwork.org");
        utf8(ims, 841, "pcscf.ims-" + callId); // IMS-Charging-Identifier
        utf8(ims, 842, "c=IN IP4 10.46.0.2"); // SDP-Session-Description
        AvpSet media = ims.addGroupedAvp(843, TGPP, true, false); // SDP-Media-Component
        utf8(media, 844, "m=audio 49152 RTP/AVP 116");
        utf8(media, 845, "a=rtpmap:116 AMR-WB/16000/1");
    }
}
