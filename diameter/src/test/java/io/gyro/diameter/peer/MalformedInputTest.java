package io.gyro.diameter.peer;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.testing.Avps;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The malformed-input fixtures of {@code messages/malformed/} through the server pipeline, after a
 * valid CER: each gets its Result-Code and Failed-AVP (GY-PROFILE.md "Errors on bad input"),
 * and the connection closes only when the stream cannot be re-framed.
 */
class MalformedInputTest {
    private static final long NONE = -1;
    private PeerHarness peer = new PeerHarness(PeerHarness.ocs(PeerHarness.allow("pgw.example.net")));

    @AfterEach
    void close() {
        peer.close();
    }

    static Stream<Arguments> cases() {
        // fixture, Result-Code, Failed-AVP member code, E bit, connection closed afterwards
        return Stream.of(
                Arguments.of("avp-length-past-end", ResultCode.DIAMETER_INVALID_AVP_LENGTH, AvpCode.CC_REQUEST_NUMBER, false, false),
                Arguments.of("avp-length-below-header", ResultCode.DIAMETER_INVALID_AVP_LENGTH, AvpCode.CC_REQUEST_NUMBER, false, false),
                Arguments.of("unsigned32-length-5", ResultCode.DIAMETER_INVALID_AVP_LENGTH, AvpCode.CC_REQUEST_NUMBER, false, false),
                Arguments.of("unknown-avp-mandatory", ResultCode.DIAMETER_AVP_UNSUPPORTED, 3999L, false, false),
                Arguments.of("unknown-avp-optional", ResultCode.DIAMETER_SUCCESS, NONE, false, false),
                Arguments.of("missing-session-id", ResultCode.DIAMETER_MISSING_AVP, AvpCode.SESSION_ID, false, false),
                Arguments.of("missing-cc-request-type", ResultCode.DIAMETER_MISSING_AVP, AvpCode.CC_REQUEST_TYPE, false, false),
                Arguments.of("subscription-id-without-data", ResultCode.DIAMETER_MISSING_AVP, AvpCode.SUBSCRIPTION_ID_DATA, false, false),
                Arguments.of("bad-cc-request-type", ResultCode.DIAMETER_INVALID_AVP_VALUE, AvpCode.CC_REQUEST_TYPE, false, false),
                // RFC 6733 §7.1.5: a second single-instance AVP is 5009, with a copy of it in Failed-AVP.
                Arguments.of("duplicate-session-id", ResultCode.DIAMETER_AVP_OCCURS_TOO_MANY_TIMES, AvpCode.SESSION_ID, false, false),
                Arguments.of("duplicate-cc-request-type", ResultCode.DIAMETER_AVP_OCCURS_TOO_MANY_TIMES, AvpCode.CC_REQUEST_TYPE, false, false),
                Arguments.of("duplicate-cc-request-number", ResultCode.DIAMETER_AVP_OCCURS_TOO_MANY_TIMES, AvpCode.CC_REQUEST_NUMBER, false, false),
                // RFC 4006 §3.1: Auth-Application-Id is the header's 4; another value is a bad value.
                Arguments.of("auth-application-id-contradicts-header", ResultCode.DIAMETER_INVALID_AVP_VALUE, AvpCode.AUTH_APPLICATION_ID, false, false),
                // RFC 6733 §7.1.5 answers an unsupported version with 5011; GY-PROFILE.md says 3008.
                Arguments.of("version-2", ResultCode.DIAMETER_UNSUPPORTED_VERSION, NONE, false, false),
                Arguments.of("reserved-header-bits", ResultCode.DIAMETER_INVALID_HDR_BITS, NONE, true, false),
                Arguments.of("unknown-command", ResultCode.DIAMETER_COMMAND_UNSUPPORTED, NONE, true, false),
                Arguments.of("wrong-application", ResultCode.DIAMETER_APPLICATION_UNSUPPORTED, NONE, true, false),
                Arguments.of("length-not-multiple-of-4", ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH, NONE, false, true),
                Arguments.of("oversize", ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH, NONE, false, true));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("cases")
    void malformedRequestGetsItsAnswer(String fixture, int resultCode, long failedAvp, boolean errorBit, boolean closes) {
        peer.openWithCer();
        byte[] request = Fixtures.bytes("malformed/" + fixture);
        peer.send(request);
        ByteBuf answer = peer.nextOutbound();
        assertNotNull(answer, fixture + ": no answer");
        try {
            int offset = answer.readerIndex();
            assertFalse(DiameterHeader.isRequest(answer, offset));
            assertEquals(DiameterHeader.commandCode(Fixtures.buffer("malformed/" + fixture), 0),
                    DiameterHeader.commandCode(answer, offset), "same command code");
            assertEquals(0x11223344, DiameterHeader.hopByHop(answer, offset), "Hop-by-Hop copied");
            assertEquals(0x55667788, DiameterHeader.endToEnd(answer, offset), "End-to-End copied");
            assertEquals(answer.readableBytes(), DiameterHeader.messageLength(answer, offset));
            assertEquals(resultCode, Avps.u32(answer, AvpCode.RESULT_CODE), fixture);
            assertEquals(failedAvp, PeerHarness.failedAvpCode(answer), fixture + ": Failed-AVP");
            assertEquals(errorBit, PeerHarness.errorBit(answer), fixture + ": E bit");
            assertEquals("ocs.example.com", Avps.utf8(answer, AvpCode.ORIGIN_HOST));
            if (!closes && resultCode != ResultCode.DIAMETER_UNSUPPORTED_VERSION && !fixture.startsWith("missing-session")) {
                assertEquals("pgw.example.net;1700000000;42", Avps.utf8(answer, AvpCode.SESSION_ID), "Session-Id echoed");
            }
        } finally {
            answer.release();
        }
        assertNull(peer.nextOutbound(), "exactly one answer");
        assertEquals(!closes, peer.channel.isActive(), fixture + ": connection " + (closes ? "closed" : "kept"));
        if (!closes) {
            // The stream is still framed: the next request is served normally.
            peer.send("ccr-initial");
            ByteBuf next = peer.nextOutbound();
            assertEquals(ResultCode.DIAMETER_SUCCESS, Avps.u32(next, AvpCode.RESULT_CODE));
            next.release();
        }
    }

    @Test
    void repeatedSessionIdNamesTheSecondInstanceInFailedAvp() {
        peer.openWithCer();
        peer.send(Fixtures.bytes("malformed/duplicate-session-id"));
        ByteBuf answer = peer.nextOutbound();
        try {
            AvpReader member = Avps.find(answer, AvpCode.FAILED_AVP).enter(new AvpReader());
            assertTrue(member.next());
            assertEquals(AvpCode.SESSION_ID, member.code());
            assertEquals("pgw.example.net;1700000000;43", member.buffer().toString(member.dataOffset(),
                    member.dataLength(), java.nio.charset.StandardCharsets.UTF_8), "the first instance past the maximum");
            assertEquals("pgw.example.net;1700000000;42", Avps.utf8(answer, AvpCode.SESSION_ID), "the first is echoed");
        } finally {
            answer.release();
        }
        assertTrue(peer.delivered.isEmpty(), "never reaches the application");
    }

    @Test
    void unknownOptionalAvpReachesTheApplication() {
        peer.openWithCer();
        peer.send("malformed/unknown-avp-optional");
        peer.nextOutbound().release();
        assertEquals(1, peer.delivered.size());
        assertTrue(Avps.has(io.netty.buffer.Unpooled.wrappedBuffer(peer.delivered.get(0)), 3999));
    }

    @Test
    void answerWithoutTheErrorBitIsAWellFormedCreditControlAnswer() {
        peer.openWithCer();
        peer.send("malformed/unknown-avp-mandatory");
        ByteBuf answer = peer.nextOutbound();
        try {
            Validation v = new MessageValidator().validate(answer, answer.readerIndex(), new Validation());
            assertTrue(v.ok(), "a 5001 CCA still has Auth-Application-Id, CC-Request-Type/Number: " + v);
            assertEquals(1, Avps.u32(answer, AvpCode.CC_REQUEST_TYPE));
        } finally {
            answer.release();
        }
    }

    @Test
    void failedAvpOfAShortAvpHeaderIsPaddedToAWholeHeader() {
        peer.openWithCer();
        peer.send("malformed/avp-length-below-header");
        ByteBuf answer = peer.nextOutbound();
        try {
            Validation v = new MessageValidator().validate(answer, answer.readerIndex(), new Validation());
            assertEquals(0, v.resultCode == ResultCode.DIAMETER_INVALID_AVP_LENGTH ? 1 : 0, "answer framing intact: " + v);
            assertTrue(Avps.find(answer, AvpCode.FAILED_AVP, AvpCode.CC_REQUEST_NUMBER).avpLength() >= 8);
        } finally {
            answer.release();
        }
    }

    @Test
    void missingAvpIsNamedWithAZeroFilledMinimalPayload() {
        peer.openWithCer();
        peer.send("malformed/missing-cc-request-type");
        ByteBuf answer = peer.nextOutbound();
        try {
            assertEquals(0, Avps.u32(answer, AvpCode.FAILED_AVP, AvpCode.CC_REQUEST_TYPE));
            assertEquals(4, Avps.find(answer, AvpCode.FAILED_AVP, AvpCode.CC_REQUEST_TYPE).dataLength());
        } finally {
            answer.release();
        }
        peer.send("malformed/missing-session-id");
        answer = peer.nextOutbound();
        try {
            assertEquals(0, Avps.find(answer, AvpCode.FAILED_AVP, AvpCode.SESSION_ID).dataLength(),
                    "UTF8String: the minimal payload is empty");
        } finally {
            answer.release();
        }
    }

    @Test
    void firstMessageNotCerClosesWithoutAnswer() {
        peer.send("ccr-initial");
        assertNull(peer.nextOutbound());
        assertFalse(peer.channel.isActive());
        assertTrue(peer.delivered.isEmpty());
    }

    @Test
    void cerFromUnknownHostGetsUnknownPeerThenClose() {
        peer.close();
        peer = new PeerHarness(PeerHarness.ocs(PeerHarness.allow("other-pgw.example.net")));
        peer.send("cer");
        ByteBuf cea = peer.nextOutbound();
        try {
            assertEquals(CommandCode.CAPABILITIES_EXCHANGE, DiameterHeader.commandCode(cea, cea.readerIndex()));
            assertEquals(ResultCode.DIAMETER_UNKNOWN_PEER, Avps.u32(cea, AvpCode.RESULT_CODE));
            assertTrue(PeerHarness.errorBit(cea), "3xxx: E bit");
        } finally {
            cea.release();
        }
        assertFalse(peer.channel.isActive());
        assertTrue(peer.opened.isEmpty());
    }

    @Test
    void cerWithNoCommonApplicationGetsNoCommonApplicationThenClose() {
        peer.send("malformed/cer-no-common-application");
        ByteBuf cea = peer.nextOutbound();
        try {
            assertEquals(ResultCode.DIAMETER_NO_COMMON_APPLICATION, Avps.u32(cea, AvpCode.RESULT_CODE));
            assertFalse(PeerHarness.errorBit(cea));
        } finally {
            cea.release();
        }
        assertFalse(peer.channel.isActive());
        assertTrue(peer.opened.isEmpty());
    }

    @Test
    void malformedCerIsAnsweredAndClosed() {
        byte[] cer = Fixtures.bytes("cer");
        byte[] broken = cer.clone();
        broken[20 + 7] = 4; // Origin-Host AVP length 4: below the AVP header
        peer.send(broken);
        ByteBuf cea = peer.nextOutbound();
        try {
            assertEquals(ResultCode.DIAMETER_INVALID_AVP_LENGTH, Avps.u32(cea, AvpCode.RESULT_CODE));
            // The answer speaks for us: our Host-IP-Address (loopback), not the CER's 10.0.0.1 echoed.
            io.gyro.diameter.codec.AvpReader host = Avps.find(cea, AvpCode.HOST_IP_ADDRESS);
            assertEquals(1, Avps.count(cea, AvpCode.HOST_IP_ADDRESS));
            assertEquals(127, cea.getUnsignedByte(host.dataOffset() + 2));
            assertEquals(1, cea.getUnsignedByte(host.dataOffset() + 5));
        } finally {
            cea.release();
        }
        assertFalse(peer.channel.isActive());
    }
}
