package io.gyro.diameter.transport;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Diameter over TLS with mutual authentication, with key stores the test makes with keytool. */
class TlsTest {
    @TempDir
    static Path dir;
    private static final char[] PASS = "changeit".toCharArray();
    private static final DiameterApplication NONE = (peer, frame, command, app) ->
            peer.answerError(frame, io.gyro.diameter.dictionary.ResultCode.DIAMETER_UNABLE_TO_COMPLY, "test");

    @BeforeAll
    static void makeKeyStores() throws Exception {
        keytool("-genkeypair", "-alias", "ocs", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=ocs.test",
                "-validity", "2", "-keystore", dir.resolve("ocs.p12").toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        keytool("-genkeypair", "-alias", "pgw", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=pgw.test",
                "-validity", "2", "-keystore", dir.resolve("pgw.p12").toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        keytool("-exportcert", "-alias", "ocs", "-keystore", dir.resolve("ocs.p12").toString(), "-storepass", "changeit",
                "-file", dir.resolve("ocs.cer").toString());
        keytool("-exportcert", "-alias", "pgw", "-keystore", dir.resolve("pgw.p12").toString(), "-storepass", "changeit",
                "-file", dir.resolve("pgw.cer").toString());
        keytool("-importcert", "-noprompt", "-alias", "ocs", "-file", dir.resolve("ocs.cer").toString(),
                "-keystore", dir.resolve("trust-ocs.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-importcert", "-noprompt", "-alias", "pgw", "-file", dir.resolve("pgw.cer").toString(),
                "-keystore", dir.resolve("trust-pgw.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit");
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    @Test
    void mutualTlsCompletesCapabilitiesExchange() throws Exception {
        SslContext serverTls = Tls.server(dir.resolve("ocs.p12"), PASS, dir.resolve("trust-pgw.p12"), PASS);
        SslContext clientTls = Tls.client(dir.resolve("trust-ocs.p12"), PASS, dir.resolve("pgw.p12"), PASS);
        try (DiameterServer server = new DiameterServer(LocalPeer.builder("ocs.test", "test").build(), NONE, 1, true);
             DiameterClient client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1)) {
            InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0), serverTls);
            PeerConnection peer = client.connect(address, clientTls).get(10, TimeUnit.SECONDS);
            assertEquals("ocs.test", peer.remoteOriginHost());
        }
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        SslContext serverTls = Tls.server(dir.resolve("ocs.p12"), PASS, dir.resolve("trust-pgw.p12"), PASS);
        SslContext anonymous = Tls.client(dir.resolve("trust-ocs.p12"), PASS, null, null);
        try (DiameterServer server = new DiameterServer(LocalPeer.builder("ocs.test", "test").build(), NONE, 1, true);
             DiameterClient client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1)) {
            InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0), serverTls);
            assertThrows(ExecutionException.class, () -> client.connect(address, anonymous).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void plainClientOnTlsPortIsRefused() throws Exception {
        SslContext serverTls = Tls.server(dir.resolve("ocs.p12"), PASS, null, null);
        try (DiameterServer server = new DiameterServer(LocalPeer.builder("ocs.test", "test").build(), NONE, 1, true);
             DiameterClient client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1)) {
            InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0), serverTls);
            assertThrows(ExecutionException.class, () -> client.connect(address).get(10, TimeUnit.SECONDS));
        }
    }
}
