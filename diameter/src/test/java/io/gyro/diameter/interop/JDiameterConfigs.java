package io.gyro.diameter.interop;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

/**
 * jDiameter stack configurations for the interop tests, as XML in memory (the stacks read the
 * schema of META-INF/jdiameter-{client,server}.xsd). UseUriAsFqdn is false as the brief asks;
 * dictionary validation is off so jDiameter neither adds nor checks AVPs of its own.
 * Timeouts are short so a broken exchange fails the test quickly instead of hanging it.
 */
final class JDiameterConfigs {
    private JDiameterConfigs() {
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static String parameters(boolean server) {
        return "<Parameters>"
                + (server ? "<AcceptUndefinedPeer value=\"true\"/><DuplicateProtection value=\"false\"/>"
                        + "<DuplicateTimer value=\"240000\"/>" : "")
                + "<UseUriAsFqdn value=\"false\"/>"
                + "<QueueSize value=\"1000\"/>"
                + "<MessageTimeOut value=\"5000\"/>"
                + "<StopTimeOut value=\"2000\"/>"
                + "<CeaTimeOut value=\"5000\"/>"
                + "<IacTimeOut value=\"30000\"/>"
                + "<DwaTimeOut value=\"10000\"/>"
                + "<DpaTimeOut value=\"2000\"/>"
                + "<RecTimeOut value=\"10000\"/>"
                + "<Dictionary enabled=\"false\" sendLevel=\"OFF\" receiveLevel=\"OFF\"/>"
                + "</Parameters>";
    }

    private static final String CREDIT_CONTROL_APP =
            "<ApplicationID><VendorId value=\"0\"/><AuthApplId value=\"4\"/><AcctApplId value=\"0\"/></ApplicationID>";

    /** A client stack (jDiameter as PGW) that connects to our server at 127.0.0.1:{@code serverPort}. */
    static InputStream client(String originHost, int ownPort, String realm, int serverPort, String serverRealm) {
        String xml = "<?xml version=\"1.0\"?>"
                + "<Configuration xmlns=\"http://www.jdiameter.org/jdiameter-client\">"
                + "<LocalPeer><URI value=\"aaa://" + originHost + ":" + ownPort + "\"/>"
                + "<IPAddress value=\"127.0.0.1\"/>"
                + "<Realm value=\"" + realm + "\"/><VendorID value=\"0\"/><ProductName value=\"jDiameter\"/>"
                + "<FirmwareRevision value=\"1\"/>"
                + "<Applications>" + CREDIT_CONTROL_APP + "</Applications></LocalPeer>"
                + parameters(false)
                + "<Network><Peers><Peer name=\"aaa://127.0.0.1:" + serverPort + "\" ip=\"127.0.0.1\" rating=\"1\"/></Peers>"
                + "<Realms><Realm name=\"" + serverRealm + "\" peers=\"127.0.0.1\" local_action=\"LOCAL\""
                + " dynamic=\"false\" exp_time=\"1\">" + CREDIT_CONTROL_APP + "</Realm></Realms></Network>"
                + "<Extensions/></Configuration>";
        return new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** A server stack (jDiameter as OCS) listening on 127.0.0.1:{@code port}, accepting any peer. */
    static InputStream server(String originHost, int port, String realm, String clientHost, String clientRealm) {
        String xml = "<?xml version=\"1.0\"?>"
                + "<Configuration xmlns=\"http://www.jdiameter.org/jdiameter-server\">"
                + "<LocalPeer><URI value=\"aaa://" + originHost + ":" + port + "\"/>"
                + "<IPAddresses><IPAddress value=\"127.0.0.1\"/></IPAddresses>"
                + "<Realm value=\"" + realm + "\"/><VendorID value=\"0\"/><ProductName value=\"jDiameter\"/>"
                + "<FirmwareRevision value=\"1\"/>"
                + "<Applications>" + CREDIT_CONTROL_APP + "</Applications></LocalPeer>"
                + parameters(true)
                // The schema wants one peer; the client's own connection is accepted as an undefined peer
                // too, but naming it keeps jDiameter from looking for it anywhere else.
                + "<Network><Peers><Peer name=\"aaa://" + clientHost + ":3868\" ip=\"127.0.0.1\""
                + " attempt_connect=\"false\" rating=\"1\"/></Peers>"
                + "<Realms><Realm name=\"" + clientRealm + "\" peers=\"127.0.0.1\" local_action=\"LOCAL\""
                + " dynamic=\"false\" exp_time=\"1\">" + CREDIT_CONTROL_APP + "</Realm></Realms></Network>"
                + "<Extensions/></Configuration>";
        return new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8));
    }
}
