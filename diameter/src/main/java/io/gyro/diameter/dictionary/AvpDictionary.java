package io.gyro.diameter.dictionary;

import static io.gyro.diameter.dictionary.AvpCode.*;
import static io.gyro.diameter.dictionary.AvpType.*;

/**
 * The AVPs Gyro understands, with their data formats. Lookups are array reads: the validator
 * calls {@link #type} for every AVP of every request, on the event loop.
 *
 * <p>An AVP not listed here is unknown: with the M bit set the request is refused with
 * DIAMETER_AVP_UNSUPPORTED (RFC 6733 §4.1), without it the AVP is ignored.
 */
public final class AvpDictionary {
    private AvpDictionary() {
    }

    private static final int IETF_SIZE = 512;
    private static final int TGPP_SIZE = 4096;
    private static final byte[] IETF = new byte[IETF_SIZE];
    private static final byte[] TGPP = new byte[TGPP_SIZE];
    private static final byte[] IETF_RULES = new byte[IETF_SIZE];
    private static final byte[] TGPP_RULES = new byte[TGPP_SIZE];

    static {
        ietf(USER_NAME, UTF8_STRING);
        ietf(FILTER_ID, UTF8_STRING);
        ietf(CALLED_STATION_ID, UTF8_STRING);
        ietf(EVENT_TIMESTAMP, TIME);
        ietf(HOST_IP_ADDRESS, ADDRESS);
        ietf(AUTH_APPLICATION_ID, UNSIGNED32);
        ietf(ACCT_APPLICATION_ID, UNSIGNED32);
        ietf(VENDOR_SPECIFIC_APPLICATION_ID, GROUPED);
        ietf(SESSION_ID, UTF8_STRING);
        ietf(ORIGIN_HOST, DIAMETER_IDENTITY);
        ietf(SUPPORTED_VENDOR_ID, UNSIGNED32);
        ietf(VENDOR_ID, UNSIGNED32);
        ietf(FIRMWARE_REVISION, UNSIGNED32);
        ietf(RESULT_CODE, UNSIGNED32);
        ietf(PRODUCT_NAME, UTF8_STRING);
        ietf(DISCONNECT_CAUSE, ENUMERATED);
        ietf(ORIGIN_STATE_ID, UNSIGNED32);
        ietf(FAILED_AVP, GROUPED);
        ietf(ERROR_MESSAGE, UTF8_STRING);
        ietf(ROUTE_RECORD, DIAMETER_IDENTITY);
        ietf(DESTINATION_REALM, DIAMETER_IDENTITY);
        ietf(PROXY_INFO, GROUPED);
        ietf(280, DIAMETER_IDENTITY); // Proxy-Host
        ietf(33, OCTET_STRING); // Proxy-State
        ietf(RE_AUTH_REQUEST_TYPE, ENUMERATED);
        ietf(DESTINATION_HOST, DIAMETER_IDENTITY);
        ietf(TERMINATION_CAUSE, ENUMERATED);
        ietf(ORIGIN_REALM, DIAMETER_IDENTITY);
        ietf(EXPERIMENTAL_RESULT, GROUPED);
        ietf(EXPERIMENTAL_RESULT_CODE, UNSIGNED32);
        ietf(INBAND_SECURITY_ID, UNSIGNED32);
        ietf(27, UNSIGNED32); // Session-Timeout
        ietf(291, UNSIGNED32); // Authorization-Lifetime
        ietf(276, UNSIGNED32); // Auth-Grace-Period
        ietf(277, ENUMERATED); // Auth-Session-State
        ietf(25, OCTET_STRING); // Class
        ietf(287, UNSIGNED64); // Accounting-Sub-Session-Id
        ietf(294, DIAMETER_IDENTITY); // Error-Reporting-Host
        ietf(292, DIAMETER_URI); // Redirect-Host

        ietf(CC_INPUT_OCTETS, UNSIGNED64);
        ietf(CC_MONEY, GROUPED);
        ietf(CC_OUTPUT_OCTETS, UNSIGNED64);
        ietf(CC_REQUEST_NUMBER, UNSIGNED32);
        ietf(CC_REQUEST_TYPE, ENUMERATED);
        ietf(CC_SERVICE_SPECIFIC_UNITS, UNSIGNED64);
        ietf(CC_SESSION_FAILOVER, ENUMERATED);
        ietf(CC_TIME, UNSIGNED32);
        ietf(CC_TOTAL_OCTETS, UNSIGNED64);
        ietf(CHECK_BALANCE_RESULT, ENUMERATED);
        ietf(COST_INFORMATION, GROUPED);
        ietf(COST_UNIT, UTF8_STRING);
        ietf(CURRENCY_CODE, UNSIGNED32);
        ietf(CREDIT_CONTROL_FAILURE_HANDLING, ENUMERATED);
        ietf(EXPONENT, INTEGER32);
        ietf(FINAL_UNIT_INDICATION, GROUPED);
        ietf(GRANTED_SERVICE_UNIT, GROUPED);
        ietf(RATING_GROUP, UNSIGNED32);
        ietf(REDIRECT_ADDRESS_TYPE, ENUMERATED);
        ietf(REDIRECT_SERVER, GROUPED);
        ietf(REDIRECT_SERVER_ADDRESS, UTF8_STRING);
        ietf(REQUESTED_ACTION, ENUMERATED);
        ietf(REQUESTED_SERVICE_UNIT, GROUPED);
        ietf(RESTRICTION_FILTER_RULE, OCTET_STRING);
        ietf(SERVICE_IDENTIFIER, UNSIGNED32);
        ietf(SUBSCRIPTION_ID, GROUPED);
        ietf(SUBSCRIPTION_ID_DATA, UTF8_STRING);
        ietf(UNIT_VALUE, GROUPED);
        ietf(USED_SERVICE_UNIT, GROUPED);
        ietf(VALUE_DIGITS, INTEGER64);
        ietf(VALIDITY_TIME, UNSIGNED32);
        ietf(FINAL_UNIT_ACTION, ENUMERATED);
        ietf(SUBSCRIPTION_ID_TYPE, ENUMERATED);
        ietf(TARIFF_TIME_CHANGE, TIME);
        ietf(MULTIPLE_SERVICES_INDICATOR, ENUMERATED);
        ietf(MULTIPLE_SERVICES_CREDIT_CONTROL, GROUPED);
        ietf(USER_EQUIPMENT_INFO, GROUPED);
        ietf(USER_EQUIPMENT_INFO_TYPE, ENUMERATED);
        ietf(USER_EQUIPMENT_INFO_VALUE, OCTET_STRING);
        ietf(SERVICE_CONTEXT_ID, UTF8_STRING);
        ietf(411, OCTET_STRING); // CC-Correlation-Id
        ietf(419, UNSIGNED64); // CC-Sub-Session-Id
        ietf(426, ENUMERATED); // Credit-Control
        ietf(428, ENUMERATED); // Direct-Debiting-Failure-Handling
        ietf(452, ENUMERATED); // Tariff-Change-Usage
        ietf(453, UNSIGNED32); // G-S-U-Pool-Identifier
        ietf(454, ENUMERATED); // CC-Unit-Type
        ietf(457, GROUPED); // G-S-U-Pool-Reference
        ietf(440, GROUPED); // Service-Parameter-Info
        ietf(441, UNSIGNED32); // Service-Parameter-Type
        ietf(442, OCTET_STRING); // Service-Parameter-Value

        tgpp(TGPP_SGSN_MCC_MNC, UTF8_STRING);
        tgpp(TGPP_RAT_TYPE, OCTET_STRING);
        tgpp(TGPP_USER_LOCATION_INFO, OCTET_STRING);
        tgpp(1, UTF8_STRING); // 3GPP-IMSI
        tgpp(2, UNSIGNED32); // 3GPP-Charging-Id
        tgpp(3, UNSIGNED32); // 3GPP-PDP-Type
        tgpp(CALLING_PARTY_ADDRESS, UTF8_STRING);
        tgpp(CALLED_PARTY_ADDRESS, UTF8_STRING);
        tgpp(TIME_QUOTA_THRESHOLD, UNSIGNED32);
        tgpp(VOLUME_QUOTA_THRESHOLD, UNSIGNED32);
        tgpp(TRIGGER_TYPE, ENUMERATED);
        tgpp(QUOTA_HOLDING_TIME, UNSIGNED32);
        tgpp(REPORTING_REASON, ENUMERATED);
        tgpp(SERVICE_INFORMATION, GROUPED);
        tgpp(PS_INFORMATION, GROUPED);
        tgpp(IMS_INFORMATION, GROUPED);
        tgpp(ADDRESS_DATA, UTF8_STRING);
        tgpp(RECIPIENT_ADDRESS, GROUPED);
        tgpp(TRIGGER, GROUPED);
        tgpp(SMS_INFORMATION, GROUPED);
        tgpp(899, ENUMERATED); // Address-Type
        tgpp(1202, ENUMERATED); // Addressee-Type
        tgpp(1201, GROUPED); // Recipient-Address
        tgpp(2026, GROUPED); // Recipient-Info
        tgpp(886, GROUPED); // Originator-Address
        tgpp(1247, ENUMERATED); // PDP-Context-Type
        tgpp(1248, ENUMERATED); // MMBox-Storage-Requested
        tgpp(1016, GROUPED); // QoS-Information
        tgpp(POLICY_COUNTER_IDENTIFIER, UTF8_STRING);
        tgpp(POLICY_COUNTER_STATUS, UTF8_STRING);
        tgpp(POLICY_COUNTER_STATUS_REPORT, GROUPED);
        tgpp(SL_REQUEST_TYPE, ENUMERATED);
    }

    private static void ietf(int code, AvpType type) {
        IETF[code] = (byte) type.ordinal();
        IETF_RULES[code] = ruleOf(type);
    }

    private static void tgpp(int code, AvpType type) {
        TGPP[code] = (byte) type.ordinal();
        TGPP_RULES[code] = ruleOf(type);
    }

    /** {@link #rule}: not in the dictionary. */
    public static final int RULE_UNKNOWN = 0;
    /** {@link #rule}: data of any length (strings, identities, URIs). */
    public static final int RULE_ANY_LENGTH = 1;
    /** {@link #rule}: an Address (RFC 6733 §4.3.1), whose length depends on its family. */
    public static final int RULE_ADDRESS = 2;
    /** {@link #rule}: a grouped AVP. */
    public static final int RULE_GROUPED = 3;
    /** {@link #rule}: from here on, the rule is the exact data length of a fixed-size type (4 or 8). */
    public static final int RULE_FIXED = 4;

    private static byte ruleOf(AvpType type) {
        if (type.fixedLength >= 0) {
            if (type.fixedLength < RULE_FIXED) {
                throw new IllegalStateException(type + " is shorter than the rules can say");
            }
            return (byte) type.fixedLength;
        }
        return (byte) (type == UNKNOWN ? RULE_UNKNOWN : type == ADDRESS ? RULE_ADDRESS
                : type == GROUPED ? RULE_GROUPED : RULE_ANY_LENGTH);
    }

    /**
     * What the validator checks of an AVP's length, in one array read: {@link #RULE_UNKNOWN},
     * {@link #RULE_ANY_LENGTH}, {@link #RULE_ADDRESS}, {@link #RULE_GROUPED}, or the exact data
     * length of a fixed-size type (at least {@link #RULE_FIXED}). The same as {@link #type}, for a
     * walker that checks each AVP as it reads it.
     */
    public static int rule(long vendorId, long code) {
        if (vendorId == VendorId.IETF) {
            return code >= 0 && code < IETF_SIZE ? IETF_RULES[(int) code] : RULE_UNKNOWN;
        }
        if (vendorId == VendorId.TGPP) {
            return code >= 0 && code < TGPP_SIZE ? TGPP_RULES[(int) code] : RULE_UNKNOWN;
        }
        return RULE_UNKNOWN;
    }

    /** The format of an AVP, or {@link AvpType#UNKNOWN}. Never allocates. */
    public static AvpType type(long vendorId, long code) {
        if (vendorId == VendorId.IETF) {
            return code >= 0 && code < IETF_SIZE ? AvpType.ofOrdinal(IETF[(int) code]) : UNKNOWN;
        }
        if (vendorId == VendorId.TGPP) {
            return code >= 0 && code < TGPP_SIZE ? AvpType.ofOrdinal(TGPP[(int) code]) : UNKNOWN;
        }
        return UNKNOWN;
    }
}
