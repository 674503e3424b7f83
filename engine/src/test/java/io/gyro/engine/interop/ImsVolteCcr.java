package io.gyro.engine.interop;

import io.netty.buffer.ByteBuf;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Ro CCRs of an IMS node charging a VoLTE call (session charging with time units), with
 * the IMS-Information that Kamailio's {@code ims_charging} module (the S-CSCF/AS of most
 * open-source VoLTE labs) builds in {@code Ro_write_ims_information_avps}
 * ({@code src/modules/ims_charging/ccr.c}, {@code ims_ro.c}, {@code Ro_data.c} of
 * kamailio/kamailio), flags from {@code cdp_avp/epcapp.h}.
 *
 * <p>Two envelopes around it:
 * <ul>
 *   <li>{@link Envelope#TS_32_299}: the CCR of TS 32.299 §6.4.2 as an IMS node that follows
 *       it sends, with the IMS-Information members TS 32.260 lists that Kamailio leaves out
 *       (IMS-Charging-Identifier, Inter-Operator-Identifier, SDP-Session-Description,
 *       SDP-Media-Component), all V and M;</li>
 *   <li>{@link Envelope#KAMAILIO}: byte for byte what Kamailio sends: no top-level
 *       Auth-Application-Id but a Vendor-Specific-Application-Id {10415, 4};
 *       Accounting-Record-Type (480) and Accounting-Record-Number (485) with M; User-Name;
 *       Event-Timestamp without M; User-Equipment-Info of type MAC; the Subscription-Id both at
 *       the top and inside Service-Information, with the '+' of the tel: URI kept unless
 *       {@code strip_plus_from_e164} is set; SIP-Request/Response-Timestamp and
 *       Access-Network-Information without M; a SIP-Response-Timestamp of 0 (1970) on the
 *       CCR-I; SIP-Method and Event "dummy" on interim and stop requests.</li>
 * </ul>
 * Kamailio's Service-Context-Id is "ext.mnc.mcc.release.root" from five modparams (default
 * "ext.01.001.8.32260@3gpp.org", the TS 32.299 §7.1.12 form); the rating group and service
 * identifier are modparams too (voice_rating_group, default 100; voice_service_identifier,
 * default 1000). One call; each method writes its next request. Test code.
 */
final class ImsVolteCcr {
    enum Envelope { TS_32_299, KAMAILIO }

    static final String ORIGIN_HOST = "scscf.ims.mnc001.mcc460.3gppnetwork.org";
    static final String ORIGIN_REALM = "ims.mnc001.mcc460.3gppnetwork.org";
    /** Kamailio's default: service_context_id_ext.mnc.mcc.release.root. */
    static final String KAMAILIO_DEFAULT_CONTEXT = "ext.01.001.8.32260@3gpp.org";

    private static final int TGPP = NodeAvpWriter.TGPP;
    private static final AtomicInteger CALLS = new AtomicInteger();

    private final Envelope envelope;
    private final String sessionId;
    private final String serviceContextId;
    private final long ratingGroup;
    private final long serviceIdentifier;
    private final String subscriptionE164;
    private final String callingParty;
    private final String calledParty;
    private final String callId;
    private final String ocsRealm;
    private final long eventTimeMs;
    private int requestNumber = -1;
    /** Role-Of-Node on every request: 0 ORIGINATING_ROLE unless {@link #terminating()}. */
    private int roleOfNode;

    /**
     * @param subscriptionE164 the Subscription-Id-Data (E.164): digits, or "+" and digits as
     *        Kamailio leaves a tel: URI by default
     * @param callingParty Calling-Party-Address (the P-Asserted-Identity)
     * @param calledParty Called-Party-Address (the Request-URI), e.g. "tel:+8613800138000"
     */
    ImsVolteCcr(Envelope envelope, String serviceContextId, long ratingGroup, long serviceIdentifier,
                String subscriptionE164, String callingParty, String calledParty, String ocsRealm, long eventTimeMs) {
        int call = CALLS.incrementAndGet();
        this.envelope = envelope;
        this.sessionId = ORIGIN_HOST + ";" + (3_000_000 + call) + ";" + call;
        this.serviceContextId = serviceContextId;
        this.ratingGroup = ratingGroup;
        this.serviceIdentifier = serviceIdentifier;
        this.subscriptionE164 = subscriptionE164;
        this.callingParty = callingParty;
        this.calledParty = calledParty;
        this.callId = "a84b4c76e66710@pcscf" + call;
        this.ocsRealm = ocsRealm;
        this.eventTimeMs = eventTimeMs;
    }

    /**
     * The same call charged by the terminating S-CSCF (Kamailio's {@code Ro_CCR} called with direction "term"):
     * Role-Of-Node 1 TERMINATING_ROLE on every request; the called party is then the served subscriber.
     */
    ImsVolteCcr terminating() {
        roleOfNode = 1;
        return this;
    }

    /** CCR-INITIAL on the INVITE: asks for {@code reserveSeconds}. */
    NodeConnection.Request initial(long reserveSeconds) {
        requestNumber = 0;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 1, reserveSeconds, -1);
    }

    /** CCR-UPDATE when the reservation runs out: the seconds used, and a new reservation. */
    NodeConnection.Request update(long usedSeconds, long reserveSeconds) {
        requestNumber++;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 2, reserveSeconds, usedSeconds);
    }

    /** CCR-TERMINATION on the BYE. */
    NodeConnection.Request termination(long usedSeconds) {
        requestNumber++;
        return (out, hbh, e2e) -> request(out, hbh, e2e, 3, -1, usedSeconds);
    }

    private ByteBuf request(ByteBuf out, int hbh, int e2e, int type, long reserve, long used) {
        NodeAvpWriter w = new NodeAvpWriter().beginCcr(out, hbh, e2e);
        w.utf8(263, 0, true, sessionId).utf8(264, 0, true, ORIGIN_HOST).utf8(296, 0, true, ORIGIN_REALM)
                .utf8(283, 0, true, ocsRealm);
        if (envelope == Envelope.KAMAILIO) {
            kamailio(w, type, reserve, used);
        } else {
            standard(w, type, reserve, used);
        }
        return w.end();
    }

    /** Ro_write_CCR_avps, then what Ro_Send_CCR / send_ccr_interim / send_ccr_stop add after it. */
    private void kamailio(NodeAvpWriter w, int type, long reserve, long used) {
        int recordType = type == 1 ? 2 : type == 2 ? 3 : 4; // START_RECORD, INTERIM_RECORD, STOP_RECORD
        w.i32(480, 0, true, recordType) // Accounting-Record-Type, in a CCR
                .u32(485, 0, true, 0) // Accounting-Record-Number, never set
                .utf8(1, 0, true, subscriptionE164) // User-Name: the subscription id
                .utf8(461, 0, true, serviceContextId);
        serviceInformation(w, type, true);
        w.group(260, 0, true).u32(266, 0, true, TGPP).u32(258, 0, true, 4).endGroup(); // Vendor-Specific-Application-Id
        w.i32(416, 0, true, type).u32(415, 0, true, requestNumber)
                .time(55, 0, false, eventTimeMs) // Event-Timestamp, AAA_AVP_FLAG_NONE
                .group(458, 0, true).i32(459, 0, true, 1).ascii(460, 0, true, "00:11:22:33:44:55").endGroup() // UEI: MAC
                .group(443, 0, true).i32(450, 0, true, 0).utf8(444, 0, true, subscriptionE164).endGroup()
                .i32(455, 0, true, 1); // Multiple-Services-Indicator
        mscc(w, type, reserve, used);
        if (type == 3) {
            w.i32(295, 0, true, 1); // Termination-Cause DIAMETER_LOGOUT, after the MSCC
        }
    }

    private void standard(NodeAvpWriter w, int type, long reserve, long used) {
        w.u32(258, 0, true, 4)
                .utf8(461, 0, true, serviceContextId)
                .i32(416, 0, true, type)
                .u32(415, 0, true, requestNumber)
                .time(55, 0, true, eventTimeMs)
                .group(443, 0, true).i32(450, 0, true, 0).utf8(444, 0, true, subscriptionE164).endGroup();
        if (type == 3) {
            w.i32(295, 0, true, 1);
        }
        w.i32(455, 0, true, 1);
        mscc(w, type, reserve, used);
        serviceInformation(w, type, false);
    }

    /** Ro_add_multiple_service_credit_Control(_stop): RSU, Service-Identifier, Rating-Group, USU. */
    private void mscc(NodeAvpWriter w, int type, long reserve, long used) {
        w.group(456, 0, true);
        if (type != 3) {
            w.group(437, 0, true).u32(420, 0, true, reserve).endGroup(); // RSU { CC-Time }
            w.u32(439, 0, true, serviceIdentifier).u32(432, 0, true, ratingGroup);
            if (used >= 0) {
                w.group(446, 0, true).u32(420, 0, true, used).endGroup(); // USU { CC-Time }
            }
        } else {
            w.group(446, 0, true).u32(420, 0, true, used).endGroup(); // the stop record: USU first
            w.u32(439, 0, true, serviceIdentifier).u32(432, 0, true, ratingGroup);
        }
        w.endGroup();
    }

    private void serviceInformation(NodeAvpWriter w, int type, boolean kamailio) {
        long requestSeconds = eventTimeMs / 1000;
        w.group(873, TGPP, true); // Service-Information
        if (kamailio) {
            w.group(443, 0, true).i32(450, 0, true, 0).utf8(444, 0, true, subscriptionE164).endGroup();
        }
        w.group(876, TGPP, true); // IMS-Information
        w.group(823, TGPP, true) // Event-Type
                .utf8(824, TGPP, true, kamailio && type != 1 ? "dummy" : "INVITE"); // SIP-Method
        if (kamailio && type != 1) {
            w.utf8(825, TGPP, true, "dummy"); // Event
        }
        w.endGroup()
                .i32(829, TGPP, true, roleOfNode) // Role-Of-Node ORIGINATING_ROLE / TERMINATING_ROLE
                .i32(862, TGPP, true, 0) // Node-Functionality S-CSCF
                .utf8(830, TGPP, true, callId) // User-Session-Id: the Call-ID
                .utf8(831, TGPP, true, callingParty) // Calling-Party-Address
                .utf8(832, TGPP, true, calledParty); // Called-Party-Address
        if (kamailio) {
            w.utf8(1263, TGPP, false, "3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=4600100010019b01"); // Access-Network-Information
        }
        w.group(833, TGPP, true) // Time-Stamps
                .time(834, TGPP, !kamailio, requestSeconds * 1000); // SIP-Request-Timestamp
        if (type == 1) {
            // Kamailio passes a reply time of 0 on the INVITE: 1970-01-01 on the wire.
            w.time(835, TGPP, !kamailio, kamailio ? 0 : requestSeconds * 1000 + 1000); // SIP-Response-Timestamp
        }
        w.endGroup();
        if (!kamailio) {
            w.group(838, TGPP, true) // Inter-Operator-Identifier
                    .utf8(839, TGPP, true, "ims.mnc001.mcc460.3gppnetwork.org") // Originating-IOI
                    .utf8(840, TGPP, true, "ims.mnc000.mcc460.3gppnetwork.org") // Terminating-IOI
                    .endGroup()
                    .utf8(841, TGPP, true, "pcscf.ims-" + callId) // IMS-Charging-Identifier
                    .utf8(842, TGPP, true, "c=IN IP4 10.46.0.2") // SDP-Session-Description
                    .utf8(842, TGPP, true, "o=- 1 1 IN IP4 10.46.0.2")
                    .group(843, TGPP, true) // SDP-Media-Component
                    .utf8(844, TGPP, true, "m=audio 49152 RTP/AVP 116 118") // SDP-Media-Name
                    .utf8(845, TGPP, true, "a=rtpmap:116 AMR-WB/16000/1") // SDP-Media-Description
                    .i32(882, TGPP, true, 0) // Media-Initiator-Flag called party
                    .endGroup();
        }
        w.endGroup().endGroup();
    }
}
