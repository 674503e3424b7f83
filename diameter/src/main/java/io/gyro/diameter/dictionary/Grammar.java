package io.gyro.diameter.dictionary;

import static io.gyro.diameter.dictionary.AvpCode.*;

/**
 * Per-command grammar: the AVPs a message must carry at its top level (the "{ }" entries of
 * the command's ABNF), and the required members of the grouped AVPs Gyro reads.
 * A missing one is answered with DIAMETER_MISSING_AVP and a Failed-AVP naming it
 * (RFC 6733 §7.5).
 *
 * <p>All required AVPs here are vendor 0. Lookups scan a short int array; no allocation.
 */
public final class Grammar {
    private Grammar() {
    }

    private static final int[] NONE = {};

    // RFC 6733 §5.3.1: CER ::= < Diameter Header: 257, REQ > { Origin-Host } { Origin-Realm }
    //   1* { Host-IP-Address } { Vendor-Id } { Product-Name } ...
    private static final int[] CER = {ORIGIN_HOST, ORIGIN_REALM, HOST_IP_ADDRESS, VENDOR_ID, PRODUCT_NAME};
    // RFC 6733 §5.3.2: CEA adds { Result-Code }
    private static final int[] CEA = {RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM, HOST_IP_ADDRESS, VENDOR_ID, PRODUCT_NAME};
    // RFC 6733 §5.5.1 / §5.5.2
    private static final int[] DWR = {ORIGIN_HOST, ORIGIN_REALM};
    private static final int[] DWA = {RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM};
    // RFC 6733 §5.4.1 / §5.4.2
    private static final int[] DPR = {ORIGIN_HOST, ORIGIN_REALM, DISCONNECT_CAUSE};
    private static final int[] DPA = {RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM};
    // RFC 4006 §3.1: CCR ::= < Session-Id > { Origin-Host } { Origin-Realm } { Destination-Realm }
    //   { Auth-Application-Id } { Service-Context-Id } { CC-Request-Type } { CC-Request-Number }
    private static final int[] CCR = {SESSION_ID, ORIGIN_HOST, ORIGIN_REALM, DESTINATION_REALM,
            AUTH_APPLICATION_ID, SERVICE_CONTEXT_ID, CC_REQUEST_TYPE, CC_REQUEST_NUMBER};
    // RFC 4006 §3.2 (RFC 8506 keeps Result-Code mandatory in CCA)
    private static final int[] CCA = {SESSION_ID, RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM,
            AUTH_APPLICATION_ID, CC_REQUEST_TYPE, CC_REQUEST_NUMBER};
    // RFC 6733 §8.3.1 RAR, §8.3.2 RAA
    private static final int[] RAR = {SESSION_ID, ORIGIN_HOST, ORIGIN_REALM, DESTINATION_REALM,
            DESTINATION_HOST, AUTH_APPLICATION_ID, RE_AUTH_REQUEST_TYPE};
    private static final int[] RAA = {SESSION_ID, RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM};
    // RFC 6733 §8.5.1 ASR, §8.5.2 ASA
    private static final int[] ASR = {SESSION_ID, ORIGIN_HOST, ORIGIN_REALM, DESTINATION_REALM,
            DESTINATION_HOST, AUTH_APPLICATION_ID};
    private static final int[] ASA = {SESSION_ID, RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM};
    // RFC 6733 §8.4.1 STR, §8.4.2 STA
    private static final int[] STR = {SESSION_ID, ORIGIN_HOST, ORIGIN_REALM, DESTINATION_REALM,
            AUTH_APPLICATION_ID, TERMINATION_CAUSE};
    private static final int[] STA = {SESSION_ID, RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM};
    // TS 29.219 §5.6.2 SLR / §5.6.3 SLA (SL-Request-Type is vendor 10415 and checked by the Sy decoder)
    private static final int[] SLR = {SESSION_ID, AUTH_APPLICATION_ID, ORIGIN_HOST, ORIGIN_REALM, DESTINATION_REALM};
    private static final int[] SLA = {SESSION_ID, ORIGIN_HOST, ORIGIN_REALM};
    // TS 29.219 §5.6.4 SNR / §5.6.5 SNA
    private static final int[] SNR = {SESSION_ID, AUTH_APPLICATION_ID, ORIGIN_HOST, ORIGIN_REALM,
            DESTINATION_REALM, DESTINATION_HOST};
    private static final int[] SNA = {SESSION_ID, ORIGIN_HOST, ORIGIN_REALM};

    /*
     * RFC 6733 §3.2: an AVP written "< >", "{ }" or "[ ]" (no '*') occurs at most once; a second one is
     * DIAMETER_AVP_OCCURS_TOO_MANY_TIMES (§7.1.5) with a copy of it in Failed-AVP. RFC 4006 §3.1 CCR:
     *   < Session-Id > { Origin-Host } { Origin-Realm } { Destination-Realm } { Auth-Application-Id }
     *   { Service-Context-Id } { CC-Request-Type } { CC-Request-Number } [ Destination-Host ] [ User-Name ]
     *   [ CC-Sub-Session-Id ] [ Acct-Multi-Session-Id ] [ Origin-State-Id ] [ Event-Timestamp ]
     *   [ Service-Identifier ] [ Termination-Cause ] [ Requested-Service-Unit ] [ Requested-Action ]
     *   [ Multiple-Services-Indicator ] [ CC-Correlation-Id ] [ User-Equipment-Info ]
     * (*[ Subscription-Id ], *[ Used-Service-Unit ], *[ Multiple-Services-Credit-Control ] may repeat.)
     */
    private static final int CC_SUB_SESSION_ID = 419;
    private static final int ACCT_MULTI_SESSION_ID = 50;
    private static final int CC_CORRELATION_ID = 411;
    private static final int[] CCR_SINGLE = {SESSION_ID, ORIGIN_HOST, ORIGIN_REALM, DESTINATION_REALM,
            AUTH_APPLICATION_ID, SERVICE_CONTEXT_ID, CC_REQUEST_TYPE, CC_REQUEST_NUMBER, DESTINATION_HOST, USER_NAME,
            CC_SUB_SESSION_ID, ACCT_MULTI_SESSION_ID, ORIGIN_STATE_ID, EVENT_TIMESTAMP, SERVICE_IDENTIFIER,
            TERMINATION_CAUSE, REQUESTED_SERVICE_UNIT, REQUESTED_ACTION, MULTIPLE_SERVICES_INDICATOR,
            CC_CORRELATION_ID, USER_EQUIPMENT_INFO};
    // RFC 4006 §8.46: Subscription-Id ::= { Subscription-Id-Type } { Subscription-Id-Data }
    private static final int[] SUBSCRIPTION_ID_SINGLE = {SUBSCRIPTION_ID_TYPE, SUBSCRIPTION_ID_DATA};

    /**
     * The vendor-0 AVPs a request of this command may carry at most once at its top level, as
     * {@link #singleBit}s ORed together; 0 when Gyro does not check the command's counts.
     */
    public static long singleInstance(int commandCode, boolean request) {
        return request && commandCode == CommandCode.CREDIT_CONTROL ? CCR_SINGLE_BITS : 0;
    }

    /** {@link #singleInstance} for the members of a grouped AVP. */
    public static long singleInstanceMembers(long vendorId, long groupCode) {
        return vendorId == VendorId.IETF && groupCode == SUBSCRIPTION_ID ? SUBSCRIPTION_ID_SINGLE_BITS : 0;
    }

    /** The bit of a vendor-0 AVP code that some single-instance rule names, 0 for any other code. */
    public static long singleBit(long code) {
        return code >= 0 && code < BIT_CODES ? SINGLE_BITS[(int) code] : 0;
    }

    /** Required top-level AVPs of a command, or an empty array for an unknown command. */
    public static int[] required(int commandCode, boolean request) {
        switch (commandCode) {
            case CommandCode.CAPABILITIES_EXCHANGE:
                return request ? CER : CEA;
            case CommandCode.DEVICE_WATCHDOG:
                return request ? DWR : DWA;
            case CommandCode.DISCONNECT_PEER:
                return request ? DPR : DPA;
            case CommandCode.CREDIT_CONTROL:
                return request ? CCR : CCA;
            case CommandCode.RE_AUTH:
                return request ? RAR : RAA;
            case CommandCode.ABORT_SESSION:
                return request ? ASR : ASA;
            case CommandCode.SESSION_TERMINATION:
                return request ? STR : STA;
            case CommandCode.SPENDING_LIMIT:
                return request ? SLR : SLA;
            case CommandCode.SPENDING_STATUS_NOTIFICATION:
                return request ? SNR : SNA;
            default:
                return NONE;
        }
    }

    private static final int[] SUBSCRIPTION_ID_MEMBERS = {SUBSCRIPTION_ID_TYPE, SUBSCRIPTION_ID_DATA};
    private static final int[] UNIT_VALUE_MEMBERS = {VALUE_DIGITS};
    private static final int[] CC_MONEY_MEMBERS = {UNIT_VALUE};
    private static final int[] FUI_MEMBERS = {FINAL_UNIT_ACTION};
    private static final int[] REDIRECT_SERVER_MEMBERS = {REDIRECT_ADDRESS_TYPE, REDIRECT_SERVER_ADDRESS};
    private static final int[] COST_INFORMATION_MEMBERS = {UNIT_VALUE, CURRENCY_CODE};
    private static final int[] VSAI_MEMBERS = {VENDOR_ID};
    private static final int[] EXPERIMENTAL_RESULT_MEMBERS = {VENDOR_ID, EXPERIMENTAL_RESULT_CODE};
    private static final int[] USER_EQUIPMENT_INFO_MEMBERS = {USER_EQUIPMENT_INFO_TYPE, USER_EQUIPMENT_INFO_VALUE};

    /** Required members of a grouped vendor-0 AVP (RFC 4006 §8, RFC 6733 §6.11, §7.6). */
    public static int[] requiredMembers(long vendorId, long groupCode) {
        if (vendorId != VendorId.IETF) {
            return NONE;
        }
        switch ((int) groupCode) {
            case SUBSCRIPTION_ID:
                return SUBSCRIPTION_ID_MEMBERS;
            case UNIT_VALUE:
                return UNIT_VALUE_MEMBERS;
            case CC_MONEY:
                return CC_MONEY_MEMBERS;
            case FINAL_UNIT_INDICATION:
                return FUI_MEMBERS;
            case REDIRECT_SERVER:
                return REDIRECT_SERVER_MEMBERS;
            case COST_INFORMATION:
                return COST_INFORMATION_MEMBERS;
            case VENDOR_SPECIFIC_APPLICATION_ID:
                return VSAI_MEMBERS;
            case EXPERIMENTAL_RESULT:
                return EXPERIMENTAL_RESULT_MEMBERS;
            case USER_EQUIPMENT_INFO:
                return USER_EQUIPMENT_INFO_MEMBERS;
            default:
                return NONE;
        }
    }

    /** The application a command belongs to, or -1 when Gyro does not know the command. */
    public static int applicationOf(int commandCode) {
        switch (commandCode) {
            case CommandCode.CAPABILITIES_EXCHANGE:
            case CommandCode.DEVICE_WATCHDOG:
            case CommandCode.DISCONNECT_PEER:
                return ApplicationId.COMMON;
            case CommandCode.CREDIT_CONTROL:
            case CommandCode.RE_AUTH:
            case CommandCode.ABORT_SESSION:
                return ApplicationId.CREDIT_CONTROL;
            case CommandCode.SPENDING_LIMIT:
            case CommandCode.SPENDING_STATUS_NOTIFICATION:
            case CommandCode.SESSION_TERMINATION:
                return ApplicationId.SY;
            default:
                return -1;
        }
    }

    /*
     * A bit of its own for each AVP code some grammar above requires, so that a walker can note
     * what it saw with one OR per AVP instead of scanning the grammar for each. Built once, in
     * declaration order; every such code is vendor 0 and below 512.
     */
    private static final int BIT_CODES = 512;
    private static final long[] REQUIRED_BITS = new long[BIT_CODES];

    static {
        int bits = 0;
        int[][] grammars = {CER, CEA, DWR, DWA, DPR, DPA, CCR, CCA, RAR, RAA, ASR, ASA, STR, STA, SLR, SLA, SNR, SNA,
                SUBSCRIPTION_ID_MEMBERS, UNIT_VALUE_MEMBERS, CC_MONEY_MEMBERS, FUI_MEMBERS, REDIRECT_SERVER_MEMBERS,
                COST_INFORMATION_MEMBERS, VSAI_MEMBERS, EXPERIMENTAL_RESULT_MEMBERS, USER_EQUIPMENT_INFO_MEMBERS};
        for (int[] grammar : grammars) {
            for (int code : grammar) {
                if (code < 0 || code >= BIT_CODES) {
                    throw new IllegalStateException("required AVP code " + code + " is beyond the bit table");
                }
                if (REQUIRED_BITS[code] == 0) {
                    if (bits == Long.SIZE) {
                        throw new IllegalStateException("more than 64 required AVP codes");
                    }
                    REQUIRED_BITS[code] = 1L << bits++;
                }
            }
        }
    }

    private static final long[] SINGLE_BITS = new long[BIT_CODES];
    private static final long CCR_SINGLE_BITS;
    private static final long SUBSCRIPTION_ID_SINGLE_BITS;

    static {
        int bits = 0;
        for (int[] rule : new int[][] {CCR_SINGLE, SUBSCRIPTION_ID_SINGLE}) {
            for (int code : rule) {
                if (SINGLE_BITS[code] == 0) {
                    if (bits == Long.SIZE) {
                        throw new IllegalStateException("more than 64 single-instance AVP codes");
                    }
                    SINGLE_BITS[code] = 1L << bits++;
                }
            }
        }
        CCR_SINGLE_BITS = maskOf(CCR_SINGLE);
        SUBSCRIPTION_ID_SINGLE_BITS = maskOf(SUBSCRIPTION_ID_SINGLE);
    }

    private static long maskOf(int[] codes) {
        long mask = 0;
        for (int code : codes) {
            mask |= SINGLE_BITS[code];
        }
        return mask;
    }

    /**
     * The bit of a vendor-0 AVP code that some grammar requires, 0 for any other code. A walker
     * ORs the bits of the AVPs it sees; a required code is present when its bit is set.
     */
    public static long requiredBit(long code) {
        return code >= 0 && code < BIT_CODES ? REQUIRED_BITS[(int) code] : 0;
    }
}
