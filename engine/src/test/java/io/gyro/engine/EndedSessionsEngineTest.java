package io.gyro.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.engine.status.EngineCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: ended sessions, kept sessions.graceSeconds for retransmissions, must never make the engine refuse a new
 * session. With stores.maxSessions 50 (new sessions refused from 45 running ones, the 90% headroom), many more than
 * 50 complete sessions (CCR-I then CCR-T) inside the grace period all succeed, while 45 running sessions still make
 * the next one meet 3004; a retransmitted CCR-T of an ended session gets its first answer byte for byte (with the
 * retransmission's hop-by-hop and end-to-end ids), before and after a restart.
 */
class EndedSessionsEngineTest {
    private static final long MSISDN = 8617000000001L;
    private static final String DATA = "32251@3gpp.org";
    private static final int MAX_SESSIONS = 50;
    /** ChargingProcessor refuses new sessions at 90% of stores.maxSessions (Engine: headroom for running ones). */
    private static final int OPEN_LIMIT = MAX_SESSIONS * 9 / 10;
    private static final int COMPLETE_SESSIONS = 400;

    @TempDir
    Path dataDir;

    private Map<String, String> overrides() throws Exception {
        Map<String, String> o = EngineHarness.overrides(dataDir, 2);
        o.put("stores.maxSessions", String.valueOf(MAX_SESSIONS));
        o.put("stores.maxEndedSessions", "10000");
        o.put("sessions.graceSeconds", "600");   // every ended session is kept for the whole test
        return o;
    }

    private static long initial(GyTestClient gy, String sessionId) throws Exception {
        return gy.exchange(sessionId, DATA, Enumerations.INITIAL_REQUEST, 0, 100,
                w -> w.msisdn(MSISDN).beginMscc(100, -1).requestedOctets(1000).endMscc()).resultCode();
    }

    private static ByteBuf termination(GyTestClient gy, String sessionId) {
        return gy.ccr(sessionId, DATA, Enumerations.TERMINATION_REQUEST, 1,
                w -> w.msisdn(MSISDN).beginMscc(100, -1).usedOctets(300, 200, Enumerations.RR_FINAL).endMscc());
    }

    /** The answer's bytes with its hop-by-hop and end-to-end ids (header bytes 12..19) zeroed. */
    private static byte[] withoutIds(ByteBuf answer) {
        byte[] bytes = ByteBufUtil.getBytes(answer);
        for (int i = 12; i < 20; i++) {
            bytes[i] = 0;
        }
        return bytes;
    }

    /** Sends the CCR-T of {@code sessionId} again, T flag set, and checks its answer against {@code first}. */
    private static void retransmissionGetsTheStoredAnswer(GyTestClient gy, String sessionId, byte[] first)
            throws Exception {
        ByteBuf again = termination(gy, sessionId);
        DiameterHeader.setRetransmitted(again, again.readerIndex());
        int hopByHop = DiameterHeader.hopByHop(again, again.readerIndex());
        int endToEnd = DiameterHeader.endToEnd(again, again.readerIndex());
        ByteBuf answer = gy.send(again);
        try {
            assertEquals(hopByHop, DiameterHeader.hopByHop(answer, answer.readerIndex()));
            assertEquals(endToEnd, DiameterHeader.endToEnd(answer, answer.readerIndex()));
            assertArrayEquals(first, withoutIds(answer), "the stored CCA-T of " + sessionId);
        } finally {
            answer.release();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void completeSessionsWithinTheGraceNeverMeetTooBusyWhileRunningOnesStillDo() throws Exception {
        byte[] firstTermination;
        try (GyTestClient gy = GyTestClient.start(overrides())) {
            byte[] first = null;
            byte[] last = null;
            for (int i = 0; i < COMPLETE_SESSIONS; i++) {
                String id = "pgw.test;complete;" + i;
                assertEquals(ResultCode.DIAMETER_SUCCESS, initial(gy, id), "CCR-I of complete session " + i);
                ByteBuf cca = gy.send(termination(gy, id));
                try {
                    assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(cca, AvpCode.RESULT_CODE),
                            "CCR-T of complete session " + i);
                    if (i == 0) {
                        first = withoutIds(cca);
                    }
                    last = withoutIds(cca);
                } finally {
                    cca.release();
                }
            }
            assertEquals(0L, ((Map<?, ?>) gy.engine().status().get("counters")).get(EngineCounters.SESSION_STORE_FULL.name()),
                    "no new session was refused");
            firstTermination = first;

            // Running sessions still count: up to the limit they are served, the next ones are refused 3004.
            for (int i = 0; i < OPEN_LIMIT; i++) {
                assertEquals(ResultCode.DIAMETER_SUCCESS, initial(gy, "pgw.test;open;" + i), "running session " + i);
            }
            for (int i = OPEN_LIMIT; i <= MAX_SESSIONS; i++) {
                assertEquals(ResultCode.DIAMETER_TOO_BUSY, initial(gy, "pgw.test;open;" + i),
                        "new session " + (i + 1) + " with " + OPEN_LIMIT + " running");
            }

            // The first ended session is still kept, live map full or not.
            retransmissionGetsTheStoredAnswer(gy, "pgw.test;complete;0", firstTermination);
            retransmissionGetsTheStoredAnswer(gy, "pgw.test;complete;" + (COMPLETE_SESSIONS - 1), last);

            // Ending a running session makes room for exactly one new one.
            ByteBuf end = gy.send(termination(gy, "pgw.test;open;0"));
            try {
                assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(end, AvpCode.RESULT_CODE));
            } finally {
                end.release();
            }
            assertEquals(ResultCode.DIAMETER_SUCCESS, initial(gy, "pgw.test;after-end"));
            assertEquals(ResultCode.DIAMETER_TOO_BUSY, initial(gy, "pgw.test;after-end-2"));
        }

        // The ended sessions' map is on disk: after a restart the retransmission still gets the stored answer.
        try (GyTestClient gy = GyTestClient.start(overrides())) {
            retransmissionGetsTheStoredAnswer(gy, "pgw.test;complete;0", firstTermination);
            ByteBuf update = gy.call("pgw.test;complete;0", DATA, Enumerations.UPDATE_REQUEST, 2,
                    w -> w.msisdn(MSISDN).beginMscc(100, -1).requestedOctets(1000).endMscc());
            try {
                assertEquals(ResultCode.DIAMETER_UNKNOWN_SESSION_ID, EngineHarness.topLevel(update, AvpCode.RESULT_CODE),
                        "an ended session does not continue");
            } finally {
                update.release();
            }
        }
    }

}
