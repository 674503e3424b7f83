package io.gyro.diameter.peer;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Our base-protocol encoders against the hand-assembled fixtures, byte for byte (RFC 6733 §5). */
class BaseMessagesTest {
    static final int HBH = 0x11223344;
    static final int E2E = 0x55667788;

    static LocalPeer pgw() {
        return LocalPeer.builder("pgw.example.net", "example.net").hostIpAddress(ip("10.0.0.1"))
                .originStateId(1700000000L).productName("Gyro").build();
    }

    static LocalPeer ocs() {
        return LocalPeer.builder("ocs.example.com", "example.com").hostIpAddress(ip("10.0.0.2"))
                .originStateId(1600000000L).productName("Gyro").build();
    }

    static InetAddress ip(String dotted) {
        try {
            return InetAddress.getByName(dotted);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static void assertBytes(String fixture, ByteBuf actual) {
        try {
            assertEquals(Fixtures.hex(Fixtures.bytes(fixture)), Fixtures.hex(ByteBufUtil.getBytes(actual)), fixture);
        } finally {
            actual.release();
        }
    }

    private static ByteBuf buffer() {
        return PooledByteBufAllocator.DEFAULT.buffer(64);
    }

    @Test
    void capabilitiesExchangeRequest() {
        assertBytes("cer", BaseMessages.cer(buffer(), pgw(), HBH, E2E));
    }

    @Test
    void capabilitiesExchangeAnswer() {
        assertBytes("cea", BaseMessages.cea(buffer(), ocs(), HBH, E2E, ResultCode.DIAMETER_SUCCESS, null));
    }

    @Test
    void deviceWatchdogRequestAndAnswer() {
        assertBytes("dwr", BaseMessages.dwr(buffer(), ocs(), HBH, E2E));
        assertBytes("dwa", BaseMessages.dwa(buffer(), ocs(), HBH, E2E));
    }

    @Test
    void disconnectPeerRequestAndAnswer() {
        assertBytes("dpr", BaseMessages.dpr(buffer(), pgw(), HBH, E2E, Enumerations.DO_NOT_WANT_TO_TALK_TO_YOU));
        assertBytes("dpa", BaseMessages.dpa(buffer(), ocs(), HBH, E2E));
    }
}
