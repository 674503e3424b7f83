package io.gyro.engine.interop;

import io.netty.buffer.ByteBuf;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CCRs of an Open5GS SMF / PGW-C on Gy, one PDU session: what {@code smf_gy_send_ccr}
 * in {@code src/smf/gy-path.c} of open5gs/open5gs (read at 8f25f3bea) builds, with the AVP
 * flags of the freeDiameter 1.5.0 dictionary Open5GS loads ({@code dict_dcca_3gpp.csv} of
 * open5gs/freeDiameter). engine/src/test/resources/interop/README.md has the tree and the
 * quirks; the ones that matter to an OCS:
 * <ul>
 *   <li>the MSCC carries no Rating-Group and no Service-Identifier ("Rating-Group" is a
 *       comment in fill_multiple_services_credit_control_ccr);</li>
 *   <li>Multiple-Services-Indicator is 0 (NOT_SUPPORTED), on the CCR-I only, yet an MSCC is sent;</li>
 *   <li>Requested-Action DIRECT_DEBITING and AoC-Request-Type on every request, not only events;</li>
 *   <li>Subscription-Id IMSI first, then E.164 only when the UE has an MSISDN;</li>
 *   <li>Used-Service-Unit has CC-Time and CC-Input/Output-Octets but no CC-Total-Octets;</li>
 *   <li>QoS-Information inside the MSCC, its ARP members and APN-AMBR without the M bit
 *       (TS 29.212: "must not"), QCI and QoS-Information with it;</li>
 *   <li>User-Equipment-Info (an RFC 4006 top-level AVP) inside PS-Information;</li>
 *   <li>3GPP-NSAPI is the EPS Bearer Id as one raw byte on GTPv2 (an ASCII hex digit on GTPv1);</li>
 *   <li>Destination-Realm is Open5GS's own realm ({@code fd_g_config->cnf_diamrlm}), and from
 *       the CCR-U on a Destination-Host names the OCS that answered the CCR-I.</li>
 * </ul>
 * The fixture is one session; each method writes the next request of it. Test code.
 */
final class Open5gsSmfCcr {
    static final String ORIGIN_HOST = "smf.localdomain";
    static final String ORIGIN_REALM = "localdomain";
    static final String SERVICE_CONTEXT_ID = "32251@3gpp.org";

    // TS 32.299 §7.2.175 Reporting-Reason values Open5GS maps PFCP report triggers to (pfcp-path.c).
    static final int THRESHOLD = 0;
    static final int FINAL = 2;
    static final int QUOTA_EXHAUSTED = 3;
    static final int VALIDITY_TIME = 4;

    private static final int TGPP = NodeAvpWriter.TGPP;
    /** freeDiameter's default Session-Id: DiameterIdentity;high 32 bits;low 32 bits;the option string. */
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private final String sessionId;
    private final String imsi;
    private final String msisdn;
    private final String servingPlmn;
    private final byte[] userLocation;
    private final String ocsHost;
    private final long eventTimeMs;
    private int requestNumber = -1;

    /**
     * @param msisdn null for a UE without one (Open5GS then sends the IMSI Subscription-Id only)
     * @param servingPlmn the serving network's MCC-MNC, sent as 3GPP-SGSN-MCC-MNC and in the ULI
     * @param ocsHost the OCS's Origin-Host, which Open5GS learns from the CCA-I and sends back
     *        as Destination-Host
     */
    Open5gsSmfCcr(String imsi, String msisdn, String servingPlmn, String ocsHost, long eventTimeMs) {
        this.sessionId = ORIGIN_HOST + ";1732000000;" + SESSIONS.incrementAndGet() + ";app_gy";
        this.imsi = imsi;
        this.msisdn = msisdn;
        this.servingPlmn = servingPlmn;
        this.userLocation = NodeAvpWriter.userLocationTaiEcgi(servingPlmn, 0x0001, 0x0019b01);
        this.ocsHost = ocsHost;
        this.eventTimeMs = eventTimeMs;
    }

    /** CCR-INITIAL: an RSU of 1,000,000 octets (fill_requested_service_unit), no USU. */
    NodeConnection.Request initial() {
        requestNumber = 0;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 1, -1, -1, -1, -1);
    }

    /**
     * CCR-UPDATE after a PFCP usage report: the octets and seconds since the last report, and
     * the Reporting-Reason its trigger maps to (THRESHOLD/QUOTA_EXHAUSTED go in the USU,
     * VALIDITY_TIME and FINAL in the MSCC, as fill_used_service_unit and TS 32.299 §7.2.175 say).
     */
    NodeConnection.Request update(long uplinkOctets, long downlinkOctets, long seconds, int reportingReason) {
        requestNumber++;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 2, uplinkOctets, downlinkOctets, seconds, reportingReason);
    }

    /** CCR-TERMINATION: the last usage, Reporting-Reason FINAL in the MSCC, Termination-Cause LOGOUT. */
    NodeConnection.Request termination(long uplinkOctets, long downlinkOctets, long seconds) {
        requestNumber++;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 3, uplinkOctets, downlinkOctets, seconds, FINAL);
    }

    private ByteBuf request(ByteBuf out, int hbh, int e2e, int type, long ul, long dl, long seconds, int reason) {
        NodeAvpWriter w = new NodeAvpWriter().beginCcr(out, hbh, e2e);
        w.utf8(263, 0, true, sessionId) // Session-Id
                .utf8(264, 0, true, ORIGIN_HOST) // Origin-Host
                .utf8(296, 0, true, ORIGIN_REALM) // Origin-Realm
                .utf8(283, 0, true, ORIGIN_REALM) // Destination-Realm: its own realm
                .u32(258, 0, true, 4) // Auth-Application-Id
                .utf8(461, 0, true, SERVICE_CONTEXT_ID)
                .i32(416, 0, true, type) // CC-Request-Type
                .u32(415, 0, true, requestNumber); // CC-Request-Number
        if (type != 1) {
            w.utf8(293, 0, true, ocsHost); // Destination-Host, learned from the CCA-I
        }
        w.time(55, 0, true, eventTimeMs); // Event-Timestamp
        w.group(443, 0, true).i32(450, 0, true, 1).utf8(444, 0, true, imsi).endGroup(); // Subscription-Id IMSI
        if (msisdn != null) {
            w.group(443, 0, true).i32(450, 0, true, 0).utf8(444, 0, true, msisdn).endGroup(); // E.164
        }
        if (type == 3) {
            w.i32(295, 0, true, 1); // Termination-Cause DIAMETER_LOGOUT
        }
        w.i32(436, 0, true, 0); // Requested-Action DIRECT_DEBITING, on a session request
        w.i32(2055, TGPP, true, 1); // AoC-Request-Type AoC_FULL
        if (type == 1) {
            w.i32(455, 0, true, 0); // Multiple-Services-Indicator MULTIPLE_SERVICES_NOT_SUPPORTED
        }
        mscc(w, type, ul, dl, seconds, reason);
        serviceInformation(w, type);
        return w.end();
    }

    private static void mscc(NodeAvpWriter w, int type, long ul, long dl, long seconds, int reason) {
        w.group(456, 0, true); // Multiple-Services-Credit-Control: no Rating-Group, no Service-Identifier
        if (type == 1 || type == 2) {
            w.group(437, 0, true).u64(421, 0, true, 1_000_000).endGroup(); // RSU { CC-Total-Octets }
        }
        if (type == 2 || type == 3) {
            w.group(446, 0, true); // Used-Service-Unit
            if (type == 2 && (reason == THRESHOLD || reason == QUOTA_EXHAUSTED)) {
                w.i32(872, TGPP, true, reason); // Reporting-Reason for one quota type: in the USU
            }
            w.u32(420, 0, true, seconds) // CC-Time
                    .u64(412, 0, true, ul) // CC-Input-Octets (uplink)
                    .u64(414, 0, true, dl) // CC-Output-Octets (downlink)
                    .endGroup();
            if (reason == FINAL || reason == VALIDITY_TIME) {
                w.i32(872, TGPP, true, reason); // Reporting-Reason for all quota types: in the MSCC
            }
        }
        w.group(1016, TGPP, true) // QoS-Information (TS 29.212 §5.3.16, M)
                .i32(1028, TGPP, true, 9) // QoS-Class-Identifier 9 (M)
                .group(1034, TGPP, false) // Allocation-Retention-Priority: M must not
                .u32(1046, TGPP, false, 8) // Priority-Level
                .i32(1047, TGPP, false, 1) // Pre-emption-Capability DISABLED
                .i32(1048, TGPP, false, 1) // Pre-emption-Vulnerability DISABLED
                .endGroup()
                .u32(1041, TGPP, false, 1_000_000_000) // APN-Aggregate-Max-Bitrate-UL: M must not
                .u32(1040, TGPP, false, 1_000_000_000) // APN-Aggregate-Max-Bitrate-DL: M must not
                .endGroup();
        w.endGroup();
    }

    private void serviceInformation(NodeAvpWriter w, int type) {
        w.group(873, TGPP, true).group(874, TGPP, true); // Service-Information { PS-Information
        w.u32(2, TGPP, true, 0x0a000005); // 3GPP-Charging-Id
        if (type == 1) {
            w.i32(3, TGPP, true, 0); // 3GPP-PDP-Type IPv4, on the CCR-I only
        }
        w.address(1227, TGPP, true, NodeAvpWriter.ipv4(10, 45, 0, 2)) // PDP-Address: the UE's
                .address(1228, TGPP, true, NodeAvpWriter.ipv4(127, 0, 0, 3)) // SGSN-Address: the SGW-C's S5-C
                .address(847, TGPP, true, NodeAvpWriter.ipv4(127, 0, 0, 4)) // GGSN-Address: its own GTP-C
                .utf8(30, 0, true, "internet") // Called-Station-Id: the APN
                .utf8(12, TGPP, true, "0") // 3GPP-Selection-Mode
                .utf8(13, TGPP, true, "0800") // 3GPP-Charging-Characteristics, as 4 hex digits
                .utf8(18, TGPP, true, servingPlmn) // 3GPP-SGSN-MCC-MNC: the serving PLMN
                .octets(10, TGPP, true, new byte[]{5}) // 3GPP-NSAPI: EPS Bearer Id 5, one raw byte
                .octets(23, TGPP, true, new byte[]{0x23, 0x00}) // 3GPP-MS-TimeZone: UTC+8, no DST
                .octets(22, TGPP, true, userLocation) // 3GPP-User-Location-Info: TAI and ECGI
                .octets(21, TGPP, true, new byte[]{6}); // 3GPP-RAT-Type EUTRAN
        w.group(458, 0, true) // User-Equipment-Info, inside PS-Information
                .i32(459, 0, true, 0) // User-Equipment-Info-Type IMEISV
                .ascii(460, 0, true, "3516920100000101") // 16 BCD-decoded digits
                .endGroup();
        w.endGroup().endGroup();
    }
}
