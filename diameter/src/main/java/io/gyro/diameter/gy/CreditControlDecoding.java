package io.gyro.diameter.gy;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.ApplicationId;
import io.gyro.diameter.dictionary.CommandCode;
import io.netty.buffer.ByteBuf;

/**
 * One event loop's CCR decoding for a {@link io.gyro.diameter.api.DiameterApplication}: {@link #validate} (called
 * where the application's {@code validate} is) checks and decodes a CCR in one walk
 * ({@link CreditControlRequest#validateAndDecode}), and {@link #decoded} (called from {@code onRequest}) hands that
 * result over instead of walking the frame again. Any other frame, or a CCR that {@code validate} did not see, is
 * decoded by {@code decoded} itself, so the outcome never depends on whether the one walk ran.
 *
 * <p>Not thread-safe: one instance per event-loop thread.
 */
public final class CreditControlDecoding {
    private final CreditControlRequest request = new CreditControlRequest();
    private final Validation error = new Validation();
    /** The CCR {@link #validate} decoded into {@link #request} (and {@link #error}), or null. */
    private ByteBuf decodedFrame;
    private int decodedOffset;
    /** What {@link CreditControlRequest#decode} would have returned for it. */
    private boolean decodedOk;

    /** The request {@link #decoded} filled. */
    public CreditControlRequest request() {
        return request;
    }

    /** Why the last {@link #decoded} returned false (5004, 5009 ...). */
    public Validation error() {
        return error;
    }

    /**
     * What {@code validator.validate(frame, offset, out)} would do, with {@code out} filled the same way; a Gy CCR is
     * decoded on the way and kept for {@link #decoded} of the same frame.
     */
    public Validation validate(ByteBuf frame, int offset, int commandCode, int applicationId,
            MessageValidator validator, Validation out) {
        decodedFrame = null;
        if (commandCode != CommandCode.CREDIT_CONTROL || applicationId != ApplicationId.CREDIT_CONTROL) {
            return validator.validate(frame, offset, out);
        }
        int outcome = request.validateAndDecode(frame, offset, validator, out, error);
        if (outcome != CreditControlRequest.INVALID) {
            decodedFrame = frame;
            decodedOffset = offset;
            decodedOk = outcome == CreditControlRequest.DECODED;
        }
        return out;
    }

    /**
     * Decodes the validated CCR at {@code offset} into {@link #request()}, as {@link CreditControlRequest#decode}
     * does: false with {@link #error()} filled when a value is unacceptable. When {@link #validate} has just decoded
     * this frame (the same buffer object at the same offset with the same Hop-by-Hop and End-to-End ids: a pooled
     * frame object is reused for later messages), its result is returned without a second walk.
     */
    public boolean decoded(ByteBuf frame, int offset) {
        boolean fromValidate = decodedFrame == frame && decodedOffset == offset
                && request.hopByHop == DiameterHeader.hopByHop(frame, offset)
                && request.endToEnd == DiameterHeader.endToEnd(frame, offset);
        decodedFrame = null;
        return fromValidate ? decodedOk : request.decode(frame, offset, error);
    }
}
