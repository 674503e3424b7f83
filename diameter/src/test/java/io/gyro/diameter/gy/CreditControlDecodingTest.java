package io.gyro.diameter.gy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.ApplicationId;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link CreditControlDecoding} hands {@code onRequest} the request its {@code validate} decoded, and only for the
 * frame it decoded: the reuse is seen by changing the frame's CC-Request-Number after {@code validate}.
 */
class CreditControlDecodingTest {
    private static final long NUMBER = 0x5EED_5EEDL;
    private static final long CHANGED = 0x0BAD_0BADL;

    private final CreditControlDecoding decoding = new CreditControlDecoding();
    private final MessageValidator validator = new MessageValidator();

    private static ByteBuf ccr(int hopByHop, long ccRequestNumber, int requestedAction) {
        ByteBuf out = Unpooled.buffer(512);
        CreditControlRequestWriter w = new CreditControlRequestWriter();
        w.begin(out, hopByHop, 2, "pgw01;1;2;3", "pgw01".getBytes(StandardCharsets.US_ASCII),
                "epc".getBytes(StandardCharsets.US_ASCII), "gyro.local", "32251@3gpp.org",
                Enumerations.UPDATE_REQUEST, ccRequestNumber);
        w.msisdn(8_617_000_000_001L);
        if (requestedAction >= 0) {
            w.requestedAction(requestedAction);
        }
        w.beginMscc(10, -1).usedOctets(100, 200, -1).requestedEmpty().endMscc();
        return Unpooled.wrappedBuffer(ByteBufUtil.getBytes(w.end()));
    }

    /** Overwrites the CC-Request-Number value (found by its unusual bytes) in place. */
    private static void changeNumber(ByteBuf frame) {
        frame.setInt(offsetOf(frame, NUMBER), (int) CHANGED);
    }

    private Validation validate(ByteBuf frame, int commandCode) {
        return decoding.validate(frame, 0, commandCode, ApplicationId.CREDIT_CONTROL, validator, new Validation());
    }

    @Test
    void theFrameValidateDecodedIsNotWalkedAgain() {
        ByteBuf frame = ccr(1, NUMBER, -1);
        assertTrue(validate(frame, CommandCode.CREDIT_CONTROL).ok());
        changeNumber(frame);
        assertTrue(decoding.decoded(frame, 0));
        assertEquals(NUMBER, decoding.request().ccRequestNumber, "the result of validate's walk");
        assertEquals(1, decoding.request().msccCount);

        // Handed over once: the next call for the same frame reads it.
        assertTrue(decoding.decoded(frame, 0));
        assertEquals(CHANGED, decoding.request().ccRequestNumber);
    }

    @Test
    void anotherFrameObjectWithTheSameIdsIsDecoded() {
        ByteBuf seen = ccr(1, NUMBER, -1);
        assertTrue(validate(seen, CommandCode.CREDIT_CONTROL).ok());
        ByteBuf other = ccr(1, CHANGED, -1);
        assertTrue(decoding.decoded(other, 0));
        assertEquals(CHANGED, decoding.request().ccRequestNumber);
    }

    @Test
    void theSameFrameObjectHoldingALaterMessageIsDecoded() {
        ByteBuf frame = ccr(1, NUMBER, -1);
        assertTrue(validate(frame, CommandCode.CREDIT_CONTROL).ok());
        // A pooled frame object reused for the next message: other ids, other content.
        frame.setBytes(0, ccr(2, CHANGED, -1), 0, frame.writerIndex());
        assertTrue(decoding.decoded(frame, 0));
        assertEquals(CHANGED, decoding.request().ccRequestNumber);
        assertEquals(2, decoding.request().hopByHop);
    }

    @Test
    void anotherCommandForgetsTheDecodedFrame() {
        ByteBuf frame = ccr(1, NUMBER, -1);
        assertTrue(validate(frame, CommandCode.CREDIT_CONTROL).ok());
        changeNumber(frame);
        validate(ccr(3, NUMBER, -1), CommandCode.CAPABILITIES_EXCHANGE);
        assertTrue(decoding.decoded(frame, 0));
        assertEquals(CHANGED, decoding.request().ccRequestNumber);
    }

    @Test
    void aRefusedValueIsHandedOverAsDecodeRefusesIt() {
        ByteBuf frame = ccr(1, NUMBER, 7);
        Validation validation = validate(frame, CommandCode.CREDIT_CONTROL);
        assertTrue(validation.ok(), "the validator accepts it: 7 is a well-formed Enumerated");
        assertFalse(decoding.decoded(frame, 0));
        assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE, decoding.error().resultCode);

        Validation direct = new Validation();
        assertFalse(new CreditControlRequest().decode(frame, 0, direct));
        assertEquals(direct.resultCode, decoding.error().resultCode);
        assertEquals(direct.failedAvpOffset, decoding.error().failedAvpOffset);
        assertEquals(direct.errorMessage, decoding.error().errorMessage);
    }

    @Test
    void anInvalidFrameIsRefusedAsTheValidatorRefusesItAndNotKept() {
        ByteBuf frame = ccr(1, NUMBER, -1);
        int value = offsetOf(frame, NUMBER);
        frame.setMedium(value - 3, 7); // CC-Request-Number's AVP length: 7 bytes for an Unsigned32
        Validation validation = validate(frame, CommandCode.CREDIT_CONTROL);
        Validation expected = validator.validate(frame, 0, new Validation());
        assertFalse(expected.ok());
        assertEquals(expected.resultCode, validation.resultCode);
        assertEquals(expected.failedAvpOffset, validation.failedAvpOffset);
        assertEquals(expected.errorMessage, validation.errorMessage);

        // Nothing of it is handed over: asked anyway, the frame is decoded as decode reads it.
        CreditControlRequest direct = new CreditControlRequest();
        boolean directOk = direct.decode(frame, 0, new Validation());
        assertEquals(directOk, decoding.decoded(frame, 0));
        assertEquals(direct.ccRequestNumber, decoding.request().ccRequestNumber);
    }

    private static int offsetOf(ByteBuf frame, long value) {
        for (int i = 20; i + 4 <= frame.writerIndex(); i++) {
            if (frame.getUnsignedInt(i) == value) {
                return i;
            }
        }
        throw new AssertionError("value not found");
    }
}
