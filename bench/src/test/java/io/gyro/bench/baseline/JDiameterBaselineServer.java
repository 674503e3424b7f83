package io.gyro.bench.baseline;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.ResultCode;
import org.jdiameter.api.ApplicationId;
import org.jdiameter.api.Avp;
import org.jdiameter.api.AvpDataException;
import org.jdiameter.api.AvpSet;
import org.jdiameter.api.DisconnectCause;
import org.jdiameter.api.Message;
import org.jdiameter.api.Mode;
import org.jdiameter.api.Stack;
import org.jdiameter.server.impl.StackImpl;
import org.jdiameter.server.impl.helpers.XMLConfiguration;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the two jDiameter baselines (b) of issue 5 share: a jDiameter server stack listening on
 * 127.0.0.1:{@code port}, realm {@code gyro.local} (the load generator's default
 * Destination-Realm), Credit-Control application (4), accepting any peer, and the grant both put
 * in their CCA: per MSCC the Rating-Group, Result-Code 2001 and, where the MSCC asked for units,
 * a Granted-Service-Unit and Validity-Time, as the null responder does. jDiameter is AGPL-3.0:
 * these classes live in test scope only.
 *
 * <p>Configuration as in the diameter module's interop tests: UseUriAsFqdn false, no
 * {@code <Statistics>} element (it breaks parsing), one configured peer (the server schema needs
 * one), dictionary validation off. jDiameter's threads are not daemons: {@link #close()} always
 * stops and destroys the stack.
 */
abstract class JDiameterBaselineServer implements AutoCloseable {
    static final String REALM = "gyro.local";
    static final long GRANT_OCTETS = 10L * 1024 * 1024;
    static final ApplicationId CREDIT_CONTROL = ApplicationId.createByAuthAppId(4);

    final int port;
    /** Requests the handler could not answer with a grant (each was answered 5012, so the run fails). */
    final LongAdder handlerErrors = new LongAdder();
    final ConcurrentLinkedQueue<Throwable> firstErrors = new ConcurrentLinkedQueue<>();
    Stack stack;

    JDiameterBaselineServer(int port) {
        this.port = port;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Initializes and starts the stack; {@link #register} adds the application's listeners in between. */
    final void start() throws Exception {
        stack = new StackImpl();
        try {
            stack.init(new XMLConfiguration(new ByteArrayInputStream(config().getBytes(StandardCharsets.UTF_8))));
            register(stack);
            stack.start(Mode.ANY_PEER, 0, TimeUnit.SECONDS);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    abstract void register(Stack stack) throws Exception;

    abstract String label();

    @Override
    public void close() {
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

    void recordError(Throwable t) {
        handlerErrors.increment();
        if (firstErrors.size() < 5) {
            firstErrors.add(t);
        }
    }

    private String config() {
        String app = "<ApplicationID><VendorId value=\"0\"/><AuthApplId value=\"4\"/><AcctApplId value=\"0\"/></ApplicationID>";
        return "<?xml version=\"1.0\"?>"
                + "<Configuration xmlns=\"http://www.jdiameter.org/jdiameter-server\">"
                + "<LocalPeer><URI value=\"aaa://127.0.0.1:" + port + "\"/>"
                + "<IPAddresses><IPAddress value=\"127.0.0.1\"/></IPAddresses>"
                + "<Realm value=\"" + REALM + "\"/><VendorID value=\"0\"/><ProductName value=\"jDiameter\"/>"
                + "<FirmwareRevision value=\"1\"/>"
                + "<Applications>" + app + "</Applications></LocalPeer>"
                + "<Parameters>"
                + "<AcceptUndefinedPeer value=\"true\"/><DuplicateProtection value=\"false\"/>"
                + "<DuplicateTimer value=\"240000\"/>"
                + "<UseUriAsFqdn value=\"false\"/>"
                + "<QueueSize value=\"10000\"/>"
                + "<MessageTimeOut value=\"60000\"/>"
                + "<StopTimeOut value=\"2000\"/>"
                + "<CeaTimeOut value=\"10000\"/>"
                + "<IacTimeOut value=\"30000\"/>"
                + "<DwaTimeOut value=\"10000\"/>"
                + "<DpaTimeOut value=\"2000\"/>"
                + "<RecTimeOut value=\"10000\"/>"
                + "<Dictionary enabled=\"false\" sendLevel=\"OFF\" receiveLevel=\"OFF\"/>"
                + "</Parameters>"
                // The schema wants one peer; the load generator's connection is accepted as an undefined peer.
                + "<Network><Peers><Peer name=\"aaa://pgw.load.gyro:3868\" ip=\"127.0.0.1\""
                + " attempt_connect=\"false\" rating=\"1\"/></Peers>"
                + "<Realms><Realm name=\"load.gyro\" peers=\"127.0.0.1\" local_action=\"LOCAL\""
                + " dynamic=\"false\" exp_time=\"1\">" + app + "</Realm></Realms></Network>"
                + "<Extensions/></Configuration>";
    }

    /**
     * Fills a CCA created from {@code request} (Result-Code 2001 already in it): the Origin and
     * Auth-Application-Id AVPs if jDiameter left them out, CC-Request-Type/Number, and a granted
     * MSCC per requested MSCC. No state: every request is granted.
     */
    static void grant(Message request, Message answer) throws AvpDataException {
        AvpSet in = request.getAvps();
        AvpSet out = answer.getAvps();
        if (out.getAvp(Avp.ORIGIN_HOST) == null) {
            out.addAvp(Avp.ORIGIN_HOST, "127.0.0.1", true, false, true);
        }
        if (out.getAvp(Avp.ORIGIN_REALM) == null) {
            out.addAvp(Avp.ORIGIN_REALM, REALM, true, false, true);
        }
        if (out.getAvp(Avp.AUTH_APPLICATION_ID) == null) {
            out.addAvp(Avp.AUTH_APPLICATION_ID, 4L, true, false, true);
        }
        if (out.getAvp(Avp.RESULT_CODE) == null) {
            out.addAvp(Avp.RESULT_CODE, (long) ResultCode.DIAMETER_SUCCESS, true, false, true);
        }
        if (out.getAvp(AvpCode.CC_REQUEST_TYPE) == null) {
            out.addAvp(AvpCode.CC_REQUEST_TYPE, in.getAvp(AvpCode.CC_REQUEST_TYPE).getInteger32(), true, false);
        }
        if (out.getAvp(AvpCode.CC_REQUEST_NUMBER) == null) {
            out.addAvp(AvpCode.CC_REQUEST_NUMBER, in.getAvp(AvpCode.CC_REQUEST_NUMBER).getUnsigned32(), true, false, true);
        }
        AvpSet requested = in.getAvps(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL);
        for (int i = 0; i < requested.size(); i++) {
            AvpSet mscc = requested.getAvpByIndex(i).getGrouped();
            AvpSet granted = out.addGroupedAvp(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL, true, false);
            Avp ratingGroup = mscc.getAvp(AvpCode.RATING_GROUP);
            if (ratingGroup != null) {
                granted.addAvp(AvpCode.RATING_GROUP, ratingGroup.getUnsigned32(), true, false, true);
            }
            Avp serviceId = mscc.getAvp(AvpCode.SERVICE_IDENTIFIER);
            if (serviceId != null) {
                granted.addAvp(AvpCode.SERVICE_IDENTIFIER, serviceId.getUnsigned32(), true, false, true);
            }
            if (mscc.getAvp(AvpCode.REQUESTED_SERVICE_UNIT) != null) {
                granted.addGroupedAvp(AvpCode.GRANTED_SERVICE_UNIT, true, false)
                        .addAvp(AvpCode.CC_TOTAL_OCTETS, GRANT_OCTETS, true, false, true);
                granted.addAvp(AvpCode.VALIDITY_TIME, 3600L, true, false, true);
            }
            granted.addAvp(Avp.RESULT_CODE, (long) ResultCode.DIAMETER_SUCCESS, true, false, true);
        }
    }
}
