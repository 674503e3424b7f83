package io.gyro.diameter.interop;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.gy.CreditControlAnswerWriter;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterServer;
import io.netty.buffer.ByteBuf;
import org.jdiameter.api.Answer;
import org.jdiameter.api.ApplicationId;
import org.jdiameter.api.Avp;
import org.jdiameter.api.AvpSet;
import org.jdiameter.api.DisconnectCause;
import org.jdiameter.api.Message;
import org.jdiameter.api.Mode;
import org.jdiameter.api.Request;
import org.jdiameter.api.Session;
import org.jdiameter.api.SessionFactory;
import org.jdiameter.api.Stack;
import org.jdiameter.client.impl.StackImpl;
import org.jdiameter.client.impl.helpers.XMLConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interop (a): a jDiameter client stack (playing the PGW) completes CER/CEA with our
 * {@link DiameterServer} and gets answers to CCR-I/U/T from a test application on our side.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class JDiameterClientToGyroServerTest {
    private static final String SERVER_REALM = "ocs.gyro.test";

    /** What our side decoded from each CCR jDiameter sent. */
    record Seen(int ccRequestType, long ccRequestNumber, long msisdn, int msccCount, long ratingGroup,
                long usuTotalOctets, int reportingReason, String sessionId) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch peerOpen = new CountDownLatch(1);
    private final CountDownLatch peerClosed = new CountDownLatch(1);
    private DiameterServer server;
    private Stack stack;

    /** Grants 4096 octets per MSCC, answering on the event loop. */
    private final class Granting implements DiameterApplication {
        private final CreditControlRequest ccr = new CreditControlRequest();
        private final Validation error = new Validation();
        private final CreditControlAnswerWriter cca = new CreditControlAnswerWriter();

        @Override
        public void onRequest(PeerConnection peer, ByteBuf frame, int commandCode, int applicationId) {
            if (!ccr.decode(frame, frame.readerIndex(), error)) {
                peer.answerError(frame, error.resultCode, error.errorMessage);
                return;
            }
            seen.add(new Seen(ccr.ccRequestType, ccr.ccRequestNumber, ccr.msisdn, ccr.msccCount,
                    ccr.msccCount > 0 ? ccr.ratingGroup[0] : -1, ccr.msccCount > 0 ? ccr.usuTotalOctets[0] : -1,
                    ccr.msccCount > 0 ? ccr.reportingReason[0] : -1, ccr.sessionIdString()));
            byte[] sessionId = new byte[ccr.sessionIdLength];
            frame.getBytes(ccr.sessionIdOffset, sessionId);
            cca.begin(peer.channel().alloc().buffer(256), ccr.hopByHop, ccr.endToEnd, sessionId, sessionId.length,
                    ResultCode.DIAMETER_SUCCESS, peer.local().originHostBytes, peer.local().originRealmBytes,
                    ccr.ccRequestType, ccr.ccRequestNumber);
            for (int i = 0; i < ccr.msccCount; i++) {
                cca.beginMscc(ccr.ratingGroup[i], -1, ResultCode.DIAMETER_SUCCESS);
                if (ccr.ccRequestType != Enumerations.TERMINATION_REQUEST) {
                    cca.grantedOctets(4096).validityTime(600);
                }
                cca.endMscc();
            }
            peer.answerAndFlush(cca.end());
        }

        @Override
        public void onPeerOpen(PeerConnection peer) {
            peerOpen.countDown();
        }

        @Override
        public void onPeerClosed(PeerConnection peer) {
            peerClosed.countDown();
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new DiameterServer(LocalPeer.builder("ocs.gyro.test", SERVER_REALM).build(), new Granting(), 1, true);
        int port = server.bind(new InetSocketAddress("127.0.0.1", 0)).getPort();
        stack = new StackImpl();
        try {
            SessionFactory unused = stack.init(new XMLConfiguration(
                    JDiameterConfigs.client("pgw.jdiameter.test", JDiameterConfigs.freePort(), "pgw.test", port, SERVER_REALM)));
            stack.start(Mode.ALL_PEERS, 10, TimeUnit.SECONDS);
        } catch (Exception e) {
            destroyStack();
            throw e;
        }
    }

    @AfterEach
    void stop() {
        destroyStack();
        if (server != null) {
            server.close();
        }
    }

    private void destroyStack() {
        if (stack == null) {
            return;
        }
        try {
            stack.stop(3, TimeUnit.SECONDS, DisconnectCause.REBOOTING);
        } catch (Exception ignored) {
            // destroy() below still releases its threads
        } finally {
            stack.destroy();
            stack = null;
        }
    }

    @Test
    void capabilitiesExchangeThenInitialUpdateTermination() throws Exception {
        assertTrue(peerOpen.await(10, TimeUnit.SECONDS), "jDiameter never completed CER/CEA with our server");
        Session session = stack.getSessionFactory().getNewSession();
        ApplicationId gy = ApplicationId.createByAuthAppId(4);

        Answer initial = send(session, gy, Enumerations.INITIAL_REQUEST, 0, false);
        assertSuccess(initial, Enumerations.INITIAL_REQUEST, 0);
        AvpSet gsu = initial.getAvps().getAvp(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL).getGrouped()
                .getAvp(AvpCode.GRANTED_SERVICE_UNIT).getGrouped();
        assertEquals(4096, gsu.getAvp(AvpCode.CC_TOTAL_OCTETS).getUnsigned64());

        assertSuccess(send(session, gy, Enumerations.UPDATE_REQUEST, 1, true), Enumerations.UPDATE_REQUEST, 1);
        assertSuccess(send(session, gy, Enumerations.TERMINATION_REQUEST, 2, true), Enumerations.TERMINATION_REQUEST, 2);

        assertEquals(3, seen.size());
        Seen u = seen.get(1);
        assertEquals(Enumerations.UPDATE_REQUEST, u.ccRequestType());
        assertEquals(1, u.ccRequestNumber());
        assertEquals(8613800000001L, u.msisdn());
        assertEquals(1, u.msccCount());
        assertEquals(100, u.ratingGroup());
        assertEquals(3000, u.usuTotalOctets());
        assertEquals(Enumerations.RR_QUOTA_EXHAUSTED, u.reportingReason());
        assertEquals(session.getSessionId(), u.sessionId());

        // jDiameter's stop() sends DPR; our server answers DPA and the connection ends.
        destroyStack();
        assertTrue(peerClosed.await(10, TimeUnit.SECONDS), "the connection did not end after jDiameter's DPR");
        assertTrue(server.peers().open().isEmpty());
    }

    private static String describeFailure(Answer answer) {
        try {
            Avp failed = answer.getAvps().getAvp(Avp.FAILED_AVP);
            Avp message = answer.getAvps().getAvp(Avp.ERROR_MESSAGE);
            StringBuilder text = new StringBuilder(message == null ? "" : message.getUTF8String());
            if (failed != null) {
                for (Avp avp : failed.getGrouped()) {
                    text.append(" Failed-AVP code=").append(avp.getCode()).append(" vendor=").append(avp.getVendorId())
                            .append(" data=").append(java.util.HexFormat.of().formatHex(avp.getRawData()));
                }
            }
            return text.toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private Answer send(Session session, ApplicationId gy, int type, long number, boolean used) throws Exception {
        Request ccr = session.createRequest(272, gy, SERVER_REALM);
        AvpSet avps = ccr.getAvps();
        if (avps.getAvp(Avp.AUTH_APPLICATION_ID) == null) {
            avps.addAvp(Avp.AUTH_APPLICATION_ID, 4L, true, false, true);
        }
        avps.addAvp(AvpCode.SERVICE_CONTEXT_ID, "32251@3gpp.org", true, false, false);
        avps.addAvp(AvpCode.CC_REQUEST_TYPE, type, true, false);
        avps.addAvp(AvpCode.CC_REQUEST_NUMBER, number, true, false, true);
        AvpSet subscription = avps.addGroupedAvp(AvpCode.SUBSCRIPTION_ID, true, false);
        subscription.addAvp(AvpCode.SUBSCRIPTION_ID_TYPE, Enumerations.END_USER_E164, true, false);
        subscription.addAvp(AvpCode.SUBSCRIPTION_ID_DATA, "8613800000001", true, false, false);
        avps.addAvp(AvpCode.MULTIPLE_SERVICES_INDICATOR, 1, true, false);
        AvpSet mscc = avps.addGroupedAvp(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL, true, false);
        mscc.addAvp(AvpCode.RATING_GROUP, 100L, true, false, true);
        if (type != Enumerations.TERMINATION_REQUEST) {
            mscc.addGroupedAvp(AvpCode.REQUESTED_SERVICE_UNIT, true, false);
        }
        if (used) {
            AvpSet usu = mscc.addGroupedAvp(AvpCode.USED_SERVICE_UNIT, true, false);
            usu.addAvp(AvpCode.CC_TOTAL_OCTETS, 3000L, true, false); // 8 octets: Unsigned64
            usu.addAvp(AvpCode.REPORTING_REASON, (long) Enumerations.RR_QUOTA_EXHAUSTED, VendorId.TGPP, true, false, true);
        }
        Message answer = session.send(ccr, 5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        assertNotNull(answer);
        return (Answer) answer;
    }

    private static void assertSuccess(Answer answer, int type, long number) throws Exception {
        assertEquals(ResultCode.DIAMETER_SUCCESS, answer.getResultCode().getUnsigned32(), () -> describeFailure(answer));
        assertEquals(type, answer.getAvps().getAvp(AvpCode.CC_REQUEST_TYPE).getInteger32());
        assertEquals(number, answer.getAvps().getAvp(AvpCode.CC_REQUEST_NUMBER).getUnsigned32());
        assertEquals("ocs.gyro.test", answer.getAvps().getAvp(Avp.ORIGIN_HOST).getDiameterIdentity());
    }
}
