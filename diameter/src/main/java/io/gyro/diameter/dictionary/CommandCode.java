package io.gyro.diameter.dictionary;

/** Command codes (RFC 6733 §3.1, RFC 4006 §3, TS 29.219 §5.6). */
public final class CommandCode {
    private CommandCode() {
    }

    public static final int CAPABILITIES_EXCHANGE = 257;
    public static final int RE_AUTH = 258;
    public static final int CREDIT_CONTROL = 272;
    public static final int ABORT_SESSION = 274;
    public static final int SESSION_TERMINATION = 275;
    public static final int DEVICE_WATCHDOG = 280;
    public static final int DISCONNECT_PEER = 282;
    public static final int SPENDING_LIMIT = 8388635;
    public static final int SPENDING_STATUS_NOTIFICATION = 8388636;
}
