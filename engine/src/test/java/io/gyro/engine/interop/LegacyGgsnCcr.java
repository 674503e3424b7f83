package io.gyro.engine.interop;

import io.netty.buffer.ByteBuf;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CCRs of a Rel-8 GTPv1 GGSN whose Gy dictionary predates PS-Information: the Gi AVPs of
 * TS 29.061 §16.4.7 (3GPP-IMSI, 3GPP-Charging-Id, 3GPP-PDP-Type, 3GPP-SGSN-Address,
 * 3GPP-GGSN-Address, 3GPP-IMSI-MCC-MNC, 3GPP-GGSN-MCC-MNC, 3GPP-NSAPI, 3GPP-Selection-Mode,
 * 3GPP-Charging-Characteristics, 3GPP-SGSN-MCC-MNC, 3GPP-RAT-Type, 3GPP-User-Location-Info,
 * 3GPP-MS-TimeZone, 3GPP-GPRS-Negotiated-QoS-Profile) at the top level of the CCR, next to an
 * RFC 4006 MSCC, and no Service-Information at all.
 *
 * <p>No open-source GGSN with this dictionary was found to read (README, "Legacy GGSN"), so the
 * values follow the TS 29.061 item encodings, and the flags the freeDiameter 1.5.0 dictionary
 * gives these AVPs, whose notes say they were set "per packet dumps" and "per contrib/3gpp":
 * V and M on all of them but 3GPP-SGSN-Address and 3GPP-GGSN-Address (V only, M must not).
 * As GTPv1 carries it, the NSAPI is one ASCII hex digit and the ULI is a CGI.
 *
 * <p>One session; each method writes its next request. Test code.
 */
final class LegacyGgsnCcr {
    static final String ORIGIN_HOST = "ggsn01.mnc001.mcc460.gprs";
    static final String ORIGIN_REALM = "mnc001.mcc460.gprs";
    static final String SERVICE_CONTEXT_ID = "32251@3gpp.org";

    private static final int TGPP = NodeAvpWriter.TGPP;
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private final String sessionId;
    private final String msisdn;
    private final String imsi;
    private final String sgsnPlmn;
    private final String locationPlmn;
    private final long ratingGroup;
    private final String ocsRealm;
    private int requestNumber = -1;

    /**
     * @param sgsnPlmn 3GPP-SGSN-MCC-MNC, or null to leave it out (some GGSNs send the visited
     *        network only in 3GPP-User-Location-Info)
     * @param locationPlmn the PLMN of the cell in 3GPP-User-Location-Info
     */
    LegacyGgsnCcr(String msisdn, String imsi, String sgsnPlmn, String locationPlmn, long ratingGroup, String ocsRealm) {
        this.sessionId = ORIGIN_HOST + ";" + (1_000 + SESSIONS.incrementAndGet()) + ";0";
        this.msisdn = msisdn;
        this.imsi = imsi;
        this.sgsnPlmn = sgsnPlmn;
        this.locationPlmn = locationPlmn;
        this.ratingGroup = ratingGroup;
        this.ocsRealm = ocsRealm;
    }

    NodeConnection.Request initial() {
        requestNumber = 0;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 1, -1, -1, -1);
    }

    NodeConnection.Request update(long inputOctets, long outputOctets, int reportingReason) {
        requestNumber++;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 2, inputOctets, outputOctets, reportingReason);
    }

    NodeConnection.Request termination(long inputOctets, long outputOctets) {
        requestNumber++;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 3, inputOctets, outputOctets, 2);
    }

    private ByteBuf request(ByteBuf out, int hbh, int e2e, int type, long in, long outOctets, int reason) {
        NodeAvpWriter w = new NodeAvpWriter().beginCcr(out, hbh, e2e);
        w.utf8(263, 0, true, sessionId)
                .utf8(264, 0, true, ORIGIN_HOST)
                .utf8(296, 0, true, ORIGIN_REALM)
                .utf8(283, 0, true, ocsRealm)
                .u32(258, 0, true, 4)
                .utf8(461, 0, true, SERVICE_CONTEXT_ID)
                .i32(416, 0, true, type)
                .u32(415, 0, true, requestNumber);
        if (type == 3) {
            w.i32(295, 0, true, 1); // Termination-Cause DIAMETER_LOGOUT
        }
        w.group(443, 0, true).i32(450, 0, true, 0).utf8(444, 0, true, msisdn).endGroup(); // E.164
        w.group(443, 0, true).i32(450, 0, true, 1).utf8(444, 0, true, imsi).endGroup(); // IMSI
        w.i32(455, 0, true, 1); // Multiple-Services-Indicator
        w.group(456, 0, true).u32(432, 0, true, ratingGroup);
        if (type != 3) {
            w.group(437, 0, true).endGroup(); // an empty RSU: the OCS picks the quota
        }
        if (type != 1) {
            w.group(446, 0, true)
                    .u64(421, 0, true, in + outOctets) // CC-Total-Octets
                    .u64(412, 0, true, in)
                    .u64(414, 0, true, outOctets)
                    .endGroup()
                    .i32(872, TGPP, true, reason); // Reporting-Reason in the MSCC
        }
        w.endGroup();
        // TS 29.061 §16.4.7 Gi AVPs, at the top level.
        w.utf8(1, TGPP, true, imsi) // 3GPP-IMSI
                .u32(2, TGPP, true, 0x2e1a0c51L) // 3GPP-Charging-Id
                .i32(3, TGPP, true, 0) // 3GPP-PDP-Type IPv4
                .utf8(5, TGPP, true, "08-4B090000F000000F0000") // 3GPP-GPRS-Negotiated-QoS-Profile
                .octets(6, TGPP, false, NodeAvpWriter.ipv4(10, 1, 2, 3)) // 3GPP-SGSN-Address: 4 raw bytes, M must not
                .octets(7, TGPP, false, NodeAvpWriter.ipv4(10, 1, 9, 9)) // 3GPP-GGSN-Address
                .utf8(8, TGPP, true, imsi.substring(0, 5)) // 3GPP-IMSI-MCC-MNC
                .utf8(9, TGPP, true, "46001") // 3GPP-GGSN-MCC-MNC
                .ascii(10, TGPP, true, "5") // 3GPP-NSAPI: one hex digit
                .utf8(12, TGPP, true, "0") // 3GPP-Selection-Mode
                .utf8(13, TGPP, true, "0400"); // 3GPP-Charging-Characteristics: prepaid
        if (sgsnPlmn != null) {
            w.utf8(18, TGPP, true, sgsnPlmn); // 3GPP-SGSN-MCC-MNC
        }
        w.octets(21, TGPP, true, new byte[]{1}) // 3GPP-RAT-Type UTRAN
                .octets(22, TGPP, true, NodeAvpWriter.userLocationCgi(locationPlmn, 0x1a2b, 0x3c4d)) // ULI: CGI
                .octets(23, TGPP, true, new byte[]{0x23, 0x00}) // 3GPP-MS-TimeZone
                .utf8(30, 0, true, "cmnet"); // Called-Station-Id
        return w.end();
    }
}
