package io.gyro.diameter.codec;

/**
 * The outcome of checking a message: a Result-Code and what Failed-AVP should carry.
 * Decode errors are data, so an answer can always be built (STYLE.md, "Erlang/OTP diameter").
 * Reusable; filled by {@link MessageValidator}.
 */
public final class Validation {
    /** 0 when the message is acceptable, otherwise the Result-Code to answer with. */
    public int resultCode;
    /** Offset and length in the frame of the AVP to copy into Failed-AVP, or -1. */
    public int failedAvpOffset = -1;
    public int failedAvpLength;
    /** Code and vendor of a missing AVP (5005), or -1: Failed-AVP then carries an empty AVP of that code. */
    public long missingAvpCode = -1;
    public long missingAvpVendor;
    /** A constant text for Error-Message, never built per request. */
    public String errorMessage;

    public boolean ok() {
        return resultCode == 0;
    }

    public Validation reset() {
        resultCode = 0;
        failedAvpOffset = -1;
        failedAvpLength = 0;
        missingAvpCode = -1;
        missingAvpVendor = 0;
        errorMessage = null;
        return this;
    }

    public Validation fail(int code, String message) {
        this.resultCode = code;
        this.errorMessage = message;
        return this;
    }

    public Validation failAvp(int code, int avpOffset, int avpLength, String message) {
        this.resultCode = code;
        this.failedAvpOffset = avpOffset;
        this.failedAvpLength = avpLength;
        this.errorMessage = message;
        return this;
    }

    public Validation failMissing(long avpCode, long vendor, String message) {
        this.resultCode = io.gyro.diameter.dictionary.ResultCode.DIAMETER_MISSING_AVP;
        this.missingAvpCode = avpCode;
        this.missingAvpVendor = vendor;
        this.errorMessage = message;
        return this;
    }

    @Override
    public String toString() {
        return "Validation{resultCode=" + resultCode + ", failedAvpOffset=" + failedAvpOffset
                + ", missingAvpCode=" + missingAvpCode + ", message=" + errorMessage + '}';
    }
}
