package io.gyro.diameter.dictionary;

/** Enumerated AVP values used by Gy (RFC 4006 §8, TS 32.299 §7.2). */
public final class Enumerations {
    private Enumerations() {
    }

    // CC-Request-Type (RFC 4006 §8.3)
    public static final int INITIAL_REQUEST = 1;
    public static final int UPDATE_REQUEST = 2;
    public static final int TERMINATION_REQUEST = 3;
    public static final int EVENT_REQUEST = 4;

    // Subscription-Id-Type (RFC 4006 §8.47)
    public static final int END_USER_E164 = 0;
    public static final int END_USER_IMSI = 1;
    public static final int END_USER_SIP_URI = 2;
    public static final int END_USER_NAI = 3;
    public static final int END_USER_PRIVATE = 4;

    // Requested-Action (RFC 4006 §8.41)
    public static final int DIRECT_DEBITING = 0;
    public static final int REFUND_ACCOUNT = 1;
    public static final int CHECK_BALANCE = 2;
    public static final int PRICE_ENQUIRY = 3;

    // Check-Balance-Result (RFC 4006 §8.6)
    public static final int ENOUGH_CREDIT = 0;
    public static final int NO_CREDIT = 1;

    // Final-Unit-Action (RFC 4006 §8.35)
    public static final int FUA_TERMINATE = 0;
    public static final int FUA_REDIRECT = 1;
    public static final int FUA_RESTRICT_ACCESS = 2;

    // Redirect-Address-Type (RFC 4006 §8.38)
    public static final int REDIRECT_IPV4 = 0;
    public static final int REDIRECT_IPV6 = 1;
    public static final int REDIRECT_URL = 2;
    public static final int REDIRECT_SIP_URI = 3;

    // Reporting-Reason (TS 32.299 §7.2.175)
    public static final int RR_THRESHOLD = 0;
    public static final int RR_QHT = 1;
    public static final int RR_FINAL = 2;
    public static final int RR_QUOTA_EXHAUSTED = 3;
    public static final int RR_VALIDITY_TIME = 4;
    public static final int RR_OTHER_QUOTA_TYPE = 5;
    public static final int RR_RATING_CONDITION_CHANGE = 6;
    public static final int RR_FORCED_REAUTHORISATION = 7;
    public static final int RR_POOL_EXHAUSTED = 8;

    // Disconnect-Cause (RFC 6733 §5.4.3)
    public static final int REBOOTING = 0;
    public static final int BUSY = 1;
    public static final int DO_NOT_WANT_TO_TALK_TO_YOU = 2;

    // Termination-Cause (RFC 6733 §8.15)
    public static final int DIAMETER_LOGOUT = 1;

    // Re-Auth-Request-Type (RFC 6733 §8.12)
    public static final int AUTHORIZE_ONLY = 0;
    public static final int AUTHORIZE_AUTHENTICATE = 1;

    // Multiple-Services-Indicator (RFC 4006 §8.40)
    public static final int MULTIPLE_SERVICES_SUPPORTED = 1;
}
