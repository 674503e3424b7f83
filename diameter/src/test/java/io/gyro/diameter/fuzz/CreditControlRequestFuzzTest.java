package io.gyro.diameter.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.ApplicationId;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;

/**
 * Coverage-guided fuzzing of {@link CreditControlRequest#decode} on what the peer layer hands it:
 * CCRs that passed {@link MessageValidator}. The input is a message whose header is forced to a
 * CCR of the Credit-Control application with the right length (so the fuzzer spends its time in
 * the AVPs); inputs the validator refuses are dropped. The decoder must never throw, and every
 * field it fills must be within its bounds: offsets inside the message, enumerations in range,
 * Unsigned32 values non-negative, unit counts -1 or non-negative (never an overflowed sum),
 * at most MAX_MSCC - 1 MSCCs; a refusal carries a Result-Code and a Failed-AVP inside the message.
 *
 * <p>Seeds: the CCR fixtures (and mutations of them) under {@code CreditControlRequestFuzzTestInputs/}.
 */
class CreditControlRequestFuzzTest {
    private final MessageValidator validator = new MessageValidator();
    private final Validation validation = new Validation();
    private final CreditControlRequest ccr = new CreditControlRequest();
    private final Validation error = new Validation();

    @FuzzTest(maxDuration = "2m")
    void decodeValidatedRequests(byte[] input) {
        if (input.length < DiameterHeader.LENGTH) {
            return;
        }
        int length = Math.min(input.length & ~3, 0xffffff);
        byte[] message = Arrays.copyOf(input, length);
        message[0] = 1;
        message[1] = (byte) (length >>> 16);
        message[2] = (byte) (length >>> 8);
        message[3] = (byte) length;
        message[4] = (byte) ((message[4] & DiameterHeader.FLAG_RETRANSMITTED) | DiameterHeader.FLAG_REQUEST | DiameterHeader.FLAG_PROXIABLE);
        int command = CommandCode.CREDIT_CONTROL;
        message[5] = (byte) (command >>> 16);
        message[6] = (byte) (command >>> 8);
        message[7] = (byte) command;
        int application = ApplicationId.CREDIT_CONTROL;
        message[8] = (byte) (application >>> 24);
        message[9] = (byte) (application >>> 16);
        message[10] = (byte) (application >>> 8);
        message[11] = (byte) application;
        // An offset inside a larger buffer, as the frame decoder's slices are.
        ByteBuf frame = Unpooled.wrappedBuffer(new byte[7], message).slice(7, length);
        if (!validator.validate(frame, 0, validation).ok()) {
            return;
        }
        if (!ccr.decode(frame, 0, error)) {
            check(error.resultCode != 0, "refused without a Result-Code");
            check(error.failedAvpOffset < 0 || (error.failedAvpOffset >= DiameterHeader.LENGTH
                    && error.failedAvpLength >= 0 && error.failedAvpOffset + error.failedAvpLength <= length),
                    "Failed-AVP outside the message: " + error);
            return;
        }
        within("Session-Id", ccr.sessionIdOffset, ccr.sessionIdLength, length);
        within("Origin-Host", ccr.originHostOffset, ccr.originHostLength, length);
        within("Service-Context-Id", ccr.serviceContextIdOffset, ccr.serviceContextIdLength, length);
        within("called party", ccr.calledPartyOffset, ccr.calledPartyLength, length);
        check(ccr.sessionIdLength > 0 || ccr.sessionIdOffset >= DiameterHeader.LENGTH, "no Session-Id in a validated CCR");
        check(ccr.ccRequestType >= Enumerations.INITIAL_REQUEST && ccr.ccRequestType <= Enumerations.EVENT_REQUEST,
                "CC-Request-Type " + ccr.ccRequestType);
        check(ccr.ccRequestNumber >= 0 && ccr.ccRequestNumber <= 0xffffffffL, "CC-Request-Number " + ccr.ccRequestNumber);
        check(ccr.requestedAction >= -1 && ccr.requestedAction <= Enumerations.PRICE_ENQUIRY,
                "Requested-Action " + ccr.requestedAction);
        check(ccr.msisdn >= -1 && ccr.imsi >= -1, "MSISDN/IMSI " + ccr.msisdn + "/" + ccr.imsi);
        check(ccr.sgsnMccMnc >= -1 && ccr.sgsnMccMnc <= 999_999, "3GPP-SGSN-MCC-MNC " + ccr.sgsnMccMnc);
        check(ccr.msccCount >= 0 && ccr.msccCount < CreditControlRequest.MAX_MSCC, "MSCC count " + ccr.msccCount);
        check(!ccr.singleService || ccr.msccCount == 1, "single service with " + ccr.msccCount + " MSCCs");
        for (int i = 0; i < ccr.msccCount; i++) {
            String at = "MSCC " + i + ": ";
            check(ccr.ratingGroup[i] >= -1 && ccr.ratingGroup[i] <= 0xffffffffL, at + "Rating-Group " + ccr.ratingGroup[i]);
            check(ccr.serviceIdentifier[i] >= -1 && ccr.serviceIdentifier[i] <= 0xffffffffL,
                    at + "Service-Identifier " + ccr.serviceIdentifier[i]);
            check(ccr.rsuTotalOctets[i] >= -1 && ccr.rsuTime[i] >= -1 && ccr.rsuServiceSpecificUnits[i] >= -1,
                    at + "negative requested units");
            check(ccr.usuTotalOctets[i] >= 0 && ccr.usuTime[i] >= 0 && ccr.usuServiceSpecificUnits[i] >= 0,
                    at + "negative used units " + ccr.usuTotalOctets[i] + "/" + ccr.usuTime[i] + "/"
                            + ccr.usuServiceSpecificUnits[i] + "\n" + Fixtures.hex(message));
            check(ccr.usuPresent[i] || (ccr.usuTotalOctets[i] == 0 && ccr.usuTime[i] == 0
                    && ccr.usuServiceSpecificUnits[i] == 0), at + "used units without a USU");
        }
        // The String views must not throw either.
        ccr.sessionIdString();
        ccr.serviceContextIdString();
        ccr.calledPartyString();
    }

    private static void within(String what, int offset, int length, int messageLength) {
        check(length == 0 || (offset >= DiameterHeader.LENGTH && length > 0 && offset + length <= messageLength),
                what + " at " + offset + "+" + length + " outside the message of " + messageLength);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
