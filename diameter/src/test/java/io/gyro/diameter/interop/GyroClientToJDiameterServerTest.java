package io.gyro.diameter.interop;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.netty.buffer.ByteBuf;
import org.jdiameter.api.Answer;
import org.jdiameter.api.ApplicationId;
import org.jdiameter.api.Avp;
import org.jdiameter.api.AvpSet;
import org.jdiameter.api.DisconnectCause;
import org.jdiameter.api.Mode;
import org.jdiameter.api.Network;
import org.jdiameter.api.Request;
import org.jdiameter.api.Stack;
import org.jdiameter.server.impl.StackImpl;
import org.jdiameter.server.impl.helpers.XMLConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interop (b): our {@link DiameterClient} (playing the PGW) completes CER/CEA with a jDiameter
 * server stack and exchanges CCR/CCA with it; the jDiameter side answers each CCR with 2001 and
 * a Granted-Service-Unit per MSCC.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class GyroClientToJDiameterServerTest {
    private static final String SERVER_REALM = "ocs.jdiameter.test";
    private static final String CLIENT_REALM = "pgw.gyro.test";

    /** What jDiameter received, as it parsed it. */
    record Received(String sessionId, int ccRequestType, long ccRequestNumber, String msisdn, long ratingGroup,
                    long usedOctets, int reportingReason, String sgsnMccMnc) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Throwable> serverErrors = new CopyOnWriteArrayList<>();
    private Stack stack;
    private DiameterClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = JDiameterConfigs.freePort();
        stack = new StackImpl();
        try {
            stack.init(new XMLConfiguration(JDiameterConfigs.server("127.0.0.1", port, SERVER_REALM, "pgw.gyro.test", CLIENT_REALM)));
            stack.unwrap(Network.class).addNetworkReqListener(this::answer, ApplicationId.createByAuthAppId(4));
            stack.start(Mode.ANY_PEER, 0, TimeUnit.SECONDS);
        } catch (Exception e) {
            destroyStack();
            throw e;
        }
        client = new DiameterClient(LocalPeer.builder("pgw.gyro.test", CLIENT_REALM).build(), 1);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        destroyStack();
        assertTrue(serverErrors.isEmpty(), () -> "jDiameter handler failed: " + serverErrors);
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

    /** jDiameter's request listener: parse what our client sent, answer 2001 with a grant. */
    private Answer answer(Request request) {
        try {
            AvpSet avps = request.getAvps();
            AvpSet mscc = avps.getAvp(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL).getGrouped();
            Avp usu = mscc.getAvp(AvpCode.USED_SERVICE_UNIT);
            Avp reason = usu == null ? null : usu.getGrouped().getAvp(AvpCode.REPORTING_REASON, VendorId.TGPP);
            Avp serviceInformation = avps.getAvp(AvpCode.SERVICE_INFORMATION, VendorId.TGPP);
            String mccMnc = serviceInformation == null ? null : serviceInformation.getGrouped()
                    .getAvp(AvpCode.PS_INFORMATION, VendorId.TGPP).getGrouped()
                    .getAvp(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP).getUTF8String();
            received.add(new Received(avps.getAvp(Avp.SESSION_ID).getUTF8String(),
                    avps.getAvp(AvpCode.CC_REQUEST_TYPE).getInteger32(),
                    avps.getAvp(AvpCode.CC_REQUEST_NUMBER).getUnsigned32(),
                    avps.getAvp(AvpCode.SUBSCRIPTION_ID).getGrouped().getAvp(AvpCode.SUBSCRIPTION_ID_DATA).getUTF8String(),
                    mscc.getAvp(AvpCode.RATING_GROUP).getUnsigned32(),
                    usu == null ? -1 : usu.getGrouped().getAvp(AvpCode.CC_TOTAL_OCTETS).getUnsigned64(),
                    reason == null ? -1 : reason.getInteger32(), mccMnc));

            Answer answer = request.createAnswer(ResultCode.DIAMETER_SUCCESS);
            AvpSet out = answer.getAvps();
            // jDiameter's createAnswer from a network listener leaves out the Origin AVPs (RFC 4006 §3.2 needs them).
            if (out.getAvp(Avp.ORIGIN_HOST) == null) {
                out.addAvp(Avp.ORIGIN_HOST, "127.0.0.1", true, false, true);
                out.addAvp(Avp.ORIGIN_REALM, SERVER_REALM, true, false, true);
            }
            if (out.getAvp(Avp.AUTH_APPLICATION_ID) == null) {
                out.addAvp(Avp.AUTH_APPLICATION_ID, 4L, true, false, true);
            }
            out.addAvp(AvpCode.CC_REQUEST_TYPE, avps.getAvp(AvpCode.CC_REQUEST_TYPE).getInteger32(), true, false);
            out.addAvp(AvpCode.CC_REQUEST_NUMBER, avps.getAvp(AvpCode.CC_REQUEST_NUMBER).getUnsigned32(), true, false, true);
            AvpSet grant = out.addGroupedAvp(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL, true, false);
            grant.addAvp(AvpCode.RATING_GROUP, mscc.getAvp(AvpCode.RATING_GROUP).getUnsigned32(), true, false, true);
            grant.addGroupedAvp(AvpCode.GRANTED_SERVICE_UNIT, true, false).addAvp(AvpCode.CC_TOTAL_OCTETS, 8192L, true, false);
            grant.addAvp(AvpCode.VALIDITY_TIME, 300L, true, false, true);
            grant.addAvp(Avp.RESULT_CODE, (long) ResultCode.DIAMETER_SUCCESS, true, false, true);
            return answer;
        } catch (Throwable t) {
            serverErrors.add(t);
            return request.createAnswer(ResultCode.DIAMETER_UNABLE_TO_COMPLY);
        }
    }

    @Test
    void capabilitiesExchangeThenCreditControl() throws Exception {
        PeerConnection peer = client.connect(new InetSocketAddress("127.0.0.1", port)).get(10, TimeUnit.SECONDS);
        assertEquals(SERVER_REALM, peer.remoteOriginRealm());
        assertTrue(peer.isOpen());

        String sessionId = "pgw.gyro.test;1700000000;1";
        CreditControlRequestWriter writer = new CreditControlRequestWriter();
        ByteBuf initial = writer.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(), peer.nextEndToEnd(),
                        sessionId, bytes("pgw.gyro.test"), bytes(CLIENT_REALM), SERVER_REALM, "32251@3gpp.org",
                        Enumerations.INITIAL_REQUEST, 0)
                .msisdn(8613800000002L).multipleServicesIndicator()
                .beginMscc(200, -1).requestedEmpty().endMscc()
                .visitedNetwork("46001")
                .end();
        assertAnswer(DiameterClient.call(peer, initial, 10_000), Enumerations.INITIAL_REQUEST, 0, 8192);

        ByteBuf update = writer.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(), peer.nextEndToEnd(),
                        sessionId, bytes("pgw.gyro.test"), bytes(CLIENT_REALM), SERVER_REALM, "32251@3gpp.org",
                        Enumerations.UPDATE_REQUEST, 1)
                .msisdn(8613800000002L).multipleServicesIndicator()
                .beginMscc(200, -1).requestedEmpty().usedOctets(1000, 2000, Enumerations.RR_QUOTA_EXHAUSTED).endMscc()
                .end();
        assertAnswer(DiameterClient.call(peer, update, 10_000), Enumerations.UPDATE_REQUEST, 1, 8192);

        assertEquals(2, received.size());
        assertEquals(new Received(sessionId, Enumerations.INITIAL_REQUEST, 0, "8613800000002", 200, -1, -1, "46001"),
                received.get(0));
        assertEquals(new Received(sessionId, Enumerations.UPDATE_REQUEST, 1, "8613800000002", 200, 3000,
                Enumerations.RR_QUOTA_EXHAUSTED, null), received.get(1));

        peer.disconnect(Enumerations.REBOOTING).get(10, TimeUnit.SECONDS);
        assertTrue(!peer.isOpen());
    }

    private static void assertAnswer(ByteBuf answer, int type, long number, long grantedOctets) {
        try {
            int offset = answer.readerIndex();
            assertEquals(CommandCode.CREDIT_CONTROL, DiameterHeader.commandCode(answer, offset));
            Validation v = new MessageValidator().validate(answer, offset, new Validation());
            assertTrue(v.ok(), v.toString());
            long resultCode = -1;
            long ccType = -1;
            long ccNumber = -1;
            long granted = -1;
            AvpReader top = new AvpReader().wrapMessage(answer, offset, DiameterHeader.messageLength(answer, offset));
            AvpReader mscc = new AvpReader();
            AvpReader gsu = new AvpReader();
            while (top.next()) {
                if (top.is(AvpCode.RESULT_CODE, 0)) {
                    resultCode = top.unsigned32();
                } else if (top.is(AvpCode.CC_REQUEST_TYPE, 0)) {
                    ccType = top.unsigned32();
                } else if (top.is(AvpCode.CC_REQUEST_NUMBER, 0)) {
                    ccNumber = top.unsigned32();
                } else if (top.is(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL, 0)) {
                    top.enter(mscc);
                    while (mscc.next()) {
                        if (mscc.is(AvpCode.GRANTED_SERVICE_UNIT, 0)) {
                            mscc.enter(gsu);
                            while (gsu.next()) {
                                if (gsu.is(AvpCode.CC_TOTAL_OCTETS, 0)) {
                                    granted = gsu.unsigned64();
                                }
                            }
                        }
                    }
                }
            }
            assertEquals(ResultCode.DIAMETER_SUCCESS, resultCode);
            assertEquals(type, ccType);
            assertEquals(number, ccNumber);
            assertEquals(grantedOctets, granted);
        } finally {
            answer.release();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
