package io.gyro.diameter.dictionary;

/**
 * AVP codes used by Gyro, named as in RFC 6733, RFC 4006 and 3GPP TS 32.299 / TS 29.219.
 * Codes of vendor 0 unless the comment says 10415 (3GPP).
 */
public final class AvpCode {
    private AvpCode() {
    }

    // RFC 6733 base protocol
    public static final int USER_NAME = 1;
    public static final int FILTER_ID = 11;
    public static final int CALLED_STATION_ID = 30;
    public static final int EVENT_TIMESTAMP = 55;
    public static final int HOST_IP_ADDRESS = 257;
    public static final int AUTH_APPLICATION_ID = 258;
    public static final int ACCT_APPLICATION_ID = 259;
    public static final int VENDOR_SPECIFIC_APPLICATION_ID = 260;
    public static final int SESSION_ID = 263;
    public static final int ORIGIN_HOST = 264;
    public static final int SUPPORTED_VENDOR_ID = 265;
    public static final int VENDOR_ID = 266;
    public static final int FIRMWARE_REVISION = 267;
    public static final int RESULT_CODE = 268;
    public static final int PRODUCT_NAME = 269;
    public static final int DISCONNECT_CAUSE = 273;
    public static final int ORIGIN_STATE_ID = 278;
    public static final int FAILED_AVP = 279;
    public static final int ERROR_MESSAGE = 281;
    public static final int ROUTE_RECORD = 282;
    public static final int DESTINATION_REALM = 283;
    public static final int PROXY_INFO = 284;
    public static final int RE_AUTH_REQUEST_TYPE = 285;
    public static final int DESTINATION_HOST = 293;
    public static final int TERMINATION_CAUSE = 295;
    public static final int ORIGIN_REALM = 296;
    public static final int EXPERIMENTAL_RESULT = 297;
    public static final int EXPERIMENTAL_RESULT_CODE = 298;
    public static final int INBAND_SECURITY_ID = 299;

    // RFC 4006 credit control
    public static final int CC_INPUT_OCTETS = 412;
    public static final int CC_MONEY = 413;
    public static final int CC_OUTPUT_OCTETS = 414;
    public static final int CC_REQUEST_NUMBER = 415;
    public static final int CC_REQUEST_TYPE = 416;
    public static final int CC_SERVICE_SPECIFIC_UNITS = 417;
    public static final int CC_SESSION_FAILOVER = 418;
    public static final int CC_TIME = 420;
    public static final int CC_TOTAL_OCTETS = 421;
    public static final int CHECK_BALANCE_RESULT = 422;
    public static final int COST_INFORMATION = 423;
    public static final int COST_UNIT = 424;
    public static final int CURRENCY_CODE = 425;
    public static final int CREDIT_CONTROL_FAILURE_HANDLING = 427;
    public static final int EXPONENT = 429;
    public static final int FINAL_UNIT_INDICATION = 430;
    public static final int GRANTED_SERVICE_UNIT = 431;
    public static final int RATING_GROUP = 432;
    public static final int REDIRECT_ADDRESS_TYPE = 433;
    public static final int REDIRECT_SERVER = 434;
    public static final int REDIRECT_SERVER_ADDRESS = 435;
    public static final int REQUESTED_ACTION = 436;
    public static final int REQUESTED_SERVICE_UNIT = 437;
    public static final int RESTRICTION_FILTER_RULE = 438;
    public static final int SERVICE_IDENTIFIER = 439;
    public static final int SUBSCRIPTION_ID_DATA = 444;
    public static final int UNIT_VALUE = 445;
    public static final int USED_SERVICE_UNIT = 446;
    public static final int VALUE_DIGITS = 447;
    public static final int VALIDITY_TIME = 448;
    public static final int FINAL_UNIT_ACTION = 449;
    public static final int SUBSCRIPTION_ID_TYPE = 450;
    public static final int TARIFF_TIME_CHANGE = 451;
    public static final int SUBSCRIPTION_ID = 443;
    public static final int MULTIPLE_SERVICES_INDICATOR = 455;
    public static final int MULTIPLE_SERVICES_CREDIT_CONTROL = 456;
    public static final int USER_EQUIPMENT_INFO = 458;
    public static final int USER_EQUIPMENT_INFO_TYPE = 459;
    public static final int USER_EQUIPMENT_INFO_VALUE = 460;
    public static final int SERVICE_CONTEXT_ID = 461;

    // 3GPP (vendor 10415), TS 29.061 / TS 32.299
    public static final int TGPP_SGSN_MCC_MNC = 18;
    public static final int TGPP_RAT_TYPE = 21;
    public static final int TGPP_USER_LOCATION_INFO = 22;
    public static final int CALLING_PARTY_ADDRESS = 831;
    public static final int CALLED_PARTY_ADDRESS = 832;
    public static final int TIME_QUOTA_THRESHOLD = 868;
    public static final int VOLUME_QUOTA_THRESHOLD = 869;
    public static final int TRIGGER_TYPE = 870;
    public static final int QUOTA_HOLDING_TIME = 871;
    public static final int REPORTING_REASON = 872;
    public static final int SERVICE_INFORMATION = 873;
    public static final int PS_INFORMATION = 874;
    public static final int IMS_INFORMATION = 876;
    public static final int ADDRESS_DATA = 897;
    public static final int RECIPIENT_ADDRESS = 1201;
    public static final int TRIGGER = 1264;
    public static final int SMS_INFORMATION = 2000;

    // 3GPP Sy (vendor 10415), TS 29.219
    public static final int POLICY_COUNTER_IDENTIFIER = 2901;
    public static final int POLICY_COUNTER_STATUS = 2902;
    public static final int POLICY_COUNTER_STATUS_REPORT = 2903;
    public static final int SL_REQUEST_TYPE = 2904;
}
