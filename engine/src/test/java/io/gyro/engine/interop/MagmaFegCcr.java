package io.gyro.engine.interop;

import io.netty.buffer.ByteBuf;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CCRs of Magma's federation gateway (session_proxy playing the PGW towards an OCS) on Gy:
 * what {@code createCreditControlMessage}, {@code getServiceInfoAvp} and {@code getMSCCAVP} in
 * {@code feg/gateway/services/session_proxy/credit_control/gy/gy_client.go} of magma/magma
 * build with go-diameter, in the order go-diameter's {@code InsertAVP} (prepend) and
 * {@code NewAVP} (append) leave them, then Origin-Host/Realm and Destination-Realm/Host as
 * {@code AddOriginAVPsToMessage} and {@code addDestinationToMessage} append them.
 * The flags are the ones written in that code; what differs from the standard:
 * <ul>
 *   <li>most of PS-Information without the M bit: 3GPP-PDP-Type, 3GPP-RAT-Type,
 *       3GPP-Selection-Mode, 3GPP-NSAPI, 3GPP-SGSN-MCC-MNC, 3GPP-GGSN-MCC-MNC,
 *       3GPP-User-Location-Info (V only);</li>
 *   <li>CG-Address (846) with M, carrying the OCS's own address;</li>
 *   <li>3GPP-NSAPI as the ASCII character "5", 3GPP-GGSN-MCC-MNC equal to the serving PLMN;</li>
 *   <li>User-Equipment-Info and its members with no flags at all;</li>
 *   <li>Multiple-Services-Indicator after everything but the MSCCs' own block, MSCCs right
 *       after Session-Id, in reverse order.</li>
 * </ul>
 * One session; each method writes its next request. Test code.
 */
final class MagmaFegCcr {
    static final String ORIGIN_HOST = "gy.magma.com";
    static final String ORIGIN_REALM = "magma.com";
    /** feg/gateway/diameter/definitions.go ServiceContextIDDefault. */
    static final String SERVICE_CONTEXT_ID = "32251@3gpp.org";

    // magma UsedCreditsType, the TS 32.299 §7.2.175 numbers.
    static final int FINAL = 2;
    static final int QUOTA_EXHAUSTED = 3;
    static final int VALIDITY_TIMER_EXPIRED = 4;

    private static final int TGPP = NodeAvpWriter.TGPP;
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private final String sessionId;
    private final String imsi;
    private final String msisdn;
    private final String plmn;
    private final long ratingGroup;
    private final String ocsRealm;
    private final String ocsHost;
    private final long eventTimeMs;
    private int requestNumber = -1;

    /**
     * @param msisdn null or empty when the AGW has none: then only the IMSI Subscription-Id is sent
     * @param plmn the serving PLMN (the AGW's PlmnId), sent as 3GPP-SGSN-MCC-MNC and 3GPP-GGSN-MCC-MNC
     * @param ratingGroup the charging key of the usage (Magma sends one MSCC per charging key)
     */
    MagmaFegCcr(String imsi, String msisdn, String plmn, long ratingGroup, String ocsRealm, String ocsHost,
                long eventTimeMs) {
        // EncodeSessionID(host, "IMSI<digits>-<random>"): host;first half;second half;IMSI<digits>
        this.sessionId = ORIGIN_HOST + ";1234;" + (5000 + SESSIONS.incrementAndGet()) + ";IMSI" + imsi;
        this.imsi = imsi;
        this.msisdn = msisdn;
        this.plmn = plmn;
        this.ratingGroup = ratingGroup;
        this.ocsRealm = ocsRealm;
        this.ocsHost = ocsHost;
        this.eventTimeMs = eventTimeMs;
    }

    /** CCR-INITIAL with the requested units sessiond asks for. */
    NodeConnection.Request initial(long requestedTotalOctets) {
        requestNumber = 0;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 1, requestedTotalOctets, 0, 0, -1);
    }

    /** CCR-UPDATE: the octets since the last report (tx = input, rx = output, as model_conversion.go maps them). */
    NodeConnection.Request update(long inputOctets, long outputOctets, int reportingReason, long requestedTotalOctets) {
        requestNumber++;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 2, requestedTotalOctets, inputOctets, outputOctets,
                reportingReason);
    }

    NodeConnection.Request termination(long inputOctets, long outputOctets) {
        requestNumber++;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 3, 0, inputOctets, outputOctets, FINAL);
    }

    private ByteBuf request(ByteBuf out, int hbh, int e2e, int type, long requested, long in, long outOctets,
                            int reason) {
        NodeAvpWriter w = new NodeAvpWriter().beginCcr(out, hbh, e2e);
        w.utf8(263, 0, true, sessionId); // Session-Id, inserted last, so first
        mscc(w, type, requested, in, outOctets, reason);
        serviceInformation(w);
        w.time(55, 0, true, eventTimeMs) // Event-Timestamp
                .u32(258, 0, true, 4) // Auth-Application-Id
                .i32(416, 0, true, type) // CC-Request-Type
                .utf8(461, 0, true, SERVICE_CONTEXT_ID)
                .u32(415, 0, true, requestNumber); // CC-Request-Number
        if (msisdn != null && !msisdn.isEmpty()) {
            w.group(443, 0, true).i32(450, 0, true, 0).utf8(444, 0, true, msisdn).endGroup(); // E.164
        }
        w.group(443, 0, true).i32(450, 0, true, 1).utf8(444, 0, true, imsi).endGroup(); // IMSI
        w.group(458, 0, false) // User-Equipment-Info with no flags, nor on its members
                .i32(459, 0, false, 0) // IMEISV
                .ascii(460, 0, false, "3516920100000101")
                .endGroup();
        w.i32(455, 0, true, 1); // Multiple-Services-Indicator MULTIPLE_SERVICES_SUPPORTED
        w.utf8(264, 0, true, ORIGIN_HOST) // Origin-Host, appended when sent
                .utf8(296, 0, true, ORIGIN_REALM) // Origin-Realm
                .utf8(283, 0, true, ocsRealm) // Destination-Realm
                .utf8(293, 0, true, ocsHost); // Destination-Host (server.DestHost configured)
        return w.end();
    }

    private void mscc(NodeAvpWriter w, int type, long requested, long in, long outOctets, int reason) {
        w.group(456, 0, true).u32(432, 0, true, ratingGroup); // MSCC { Rating-Group
        if (type != 3) {
            w.group(437, 0, true) // Requested-Service-Unit
                    .u64(412, 0, true, 0) // CC-Input-Octets (Rx)
                    .u64(414, 0, true, 0) // CC-Output-Octets (Tx)
                    .u64(421, 0, true, requested) // CC-Total-Octets
                    .endGroup();
        }
        if (type != 1) {
            // THRESHOLD, QUOTA_EXHAUSTED, OTHER_QUOTA_TYPE, POOL_EXHAUSTED go in the USU; the others in the MSCC.
            boolean inUsu = reason == 0 || reason == QUOTA_EXHAUSTED || reason == 5 || reason == 8;
            if (!inUsu && reason >= 0) {
                w.i32(872, TGPP, true, reason); // Reporting-Reason FINAL/VALIDITY_TIME..., before the USU
            }
            w.group(446, 0, true) // Used-Service-Unit
                    .u64(412, 0, true, in)
                    .u64(414, 0, true, outOctets)
                    .u64(421, 0, true, in + outOctets);
            if (inUsu) {
                w.i32(872, TGPP, true, reason);
            }
            w.endGroup();
        }
        w.endGroup();
    }

    private void serviceInformation(NodeAvpWriter w) {
        w.group(873, TGPP, true).group(874, TGPP, true) // Service-Information { PS-Information (M|V)
                .i32(3, TGPP, false, 0) // 3GPP-PDP-Type IPv4, V only
                .octets(21, TGPP, false, new byte[]{6}) // 3GPP-RAT-Type EUTRAN, V only
                .utf8(12, TGPP, false, "0") // 3GPP-Selection-Mode, V only
                .ascii(10, TGPP, false, "5") // 3GPP-NSAPI, the character "5", V only
                .address(846, TGPP, true, NodeAvpWriter.ipv4(127, 0, 0, 1)) // CG-Address: the OCS's address, M|V
                .address(1227, TGPP, true, NodeAvpWriter.ipv4(192, 168, 128, 12)) // PDP-Address, M|V
                .address(1228, TGPP, true, NodeAvpWriter.ipv4(10, 22, 10, 1)) // SGSN-Address: the SPGW, M|V
                .address(847, TGPP, true, NodeAvpWriter.ipv4(10, 22, 10, 1)) // GGSN-Address: the SPGW, M|V
                .utf8(18, TGPP, false, plmn) // 3GPP-SGSN-MCC-MNC, V only
                .utf8(9, TGPP, false, plmn) // 3GPP-GGSN-MCC-MNC, V only (the same PLMN)
                .utf8(30, 0, true, "magma.ipv4") // Called-Station-Id: the APN
                .octets(22, TGPP, false, NodeAvpWriter.userLocationTaiEcgi(plmn, 1, 0x0019b01)) // ULI, V only
                .endGroup().endGroup();
    }
}
