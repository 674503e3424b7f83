package io.gyro.diameter.peer;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "No bad input may crash the server" (GY-PROFILE.md): every fixture with its AVP bytes corrupted
 * at random (fixed seed, so a failure reproduces) still gets exactly one answer, the connection
 * stays open (the header is intact, so the stream stays framed), and neither the peer layer nor
 * the CCR decoder throws.
 */
class CorruptedInputTest {
    private static final int MUTATIONS = 150;

    @ParameterizedTest
    @ValueSource(strings = {"ccr-initial", "ccr-update", "ccr-termination", "ccr-event", "dwr"})
    void corruptedAvpsNeverCrashTheConnection(String fixture) {
        byte[] original = Fixtures.bytes(fixture);
        Random random = new Random(fixture.hashCode());
        long applicationErrors = Counters.APPLICATION_ERRORS.get();
        // One connection takes every mutation in turn: each must leave it open and framed.
        PeerHarness peer = new PeerHarness(PeerHarness.ocs(PeerHarness.allow("pgw.example.net")));
        try {
            peer.openWithCer();
            for (int i = 0; i < MUTATIONS; i++) {
                byte[] corrupted = original.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    int at = DiameterHeader.LENGTH + random.nextInt(corrupted.length - DiameterHeader.LENGTH);
                    corrupted[at] = (byte) random.nextInt(256);
                }
                peer.send(corrupted);
                ByteBuf answer = peer.nextOutbound();
                int mutation = i;
                java.util.function.Supplier<String> context =
                        () -> fixture + " mutation " + mutation + ":\n" + Fixtures.hex(corrupted);
                assertNotNull(answer, context);
                try {
                    assertFalse(DiameterHeader.isRequest(answer, answer.readerIndex()), context);
                    assertEquals(0x11223344 + hopDelta(fixture), DiameterHeader.hopByHop(answer, answer.readerIndex()), context);
                    assertEquals(0, answer.readableBytes() % 4, context);
                } finally {
                    answer.release();
                }
                assertNull(peer.nextOutbound(), context);
                assertTrue(peer.channel.isActive(), context);
            }
        } finally {
            peer.close();
        }
        assertEquals(applicationErrors, Counters.APPLICATION_ERRORS.get(), "the CCR decoder threw on validated input");
    }

    private static int hopDelta(String fixture) {
        switch (fixture) {
            case "ccr-update":
                return 1;
            case "ccr-termination":
                return 2;
            case "ccr-event":
                return 3;
            default:
                return 0;
        }
    }
}
