package io.gyro.diameter.dictionary;

/** Application identifiers (RFC 6733 §2.4, RFC 4006 §1.3, TS 29.219). */
public final class ApplicationId {
    private ApplicationId() {
    }

    public static final int COMMON = 0;
    /** Diameter Credit-Control Application, used by Gy. */
    public static final int CREDIT_CONTROL = 4;
    /** 3GPP Sy reference point (PCRF to OCS). */
    public static final int SY = 16777302;
    /** Relay application id: a relay accepts every application. */
    public static final int RELAY = 0xffffffff;
}
