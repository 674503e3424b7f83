package io.gyro.diameter.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * TLS contexts for Diameter over TLS/TCP (RFC 6733 §13), built from JDK key stores (PKCS12 or
 * JKS) so operators use the tools they already have ({@code keytool}, their PKI's exports).
 * A server given a trust store requires and verifies client certificates (mutual TLS).
 */
public final class Tls {
    private Tls() {
    }

    /** Server side: our key and certificate; with {@code trustStore}, clients must present a certificate it trusts. */
    public static SslContext server(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword)
            throws IOException, GeneralSecurityException {
        SslContextBuilder builder = SslContextBuilder.forServer(keyManagers(keyStore, keyStorePassword))
                .protocols("TLSv1.3", "TLSv1.2");
        if (trustStore != null) {
            builder.trustManager(trustManagers(trustStore, trustStorePassword)).clientAuth(ClientAuth.REQUIRE);
        }
        return build(builder);
    }

    /** Client side: trust the server's certificate from {@code trustStore}; present ours when {@code keyStore} is given. */
    public static SslContext client(Path trustStore, char[] trustStorePassword, Path keyStore, char[] keyStorePassword)
            throws IOException, GeneralSecurityException {
        // Peers are identified by the trust store and the Origin-Host allowlist, and are usually
        // addressed by IP: no HTTPS-style host-name check (RFC 6733 §13 leaves it to policy).
        SslContextBuilder builder = SslContextBuilder.forClient()
                .trustManager(trustManagers(trustStore, trustStorePassword))
                .endpointIdentificationAlgorithm(null)
                .protocols("TLSv1.3", "TLSv1.2");
        if (keyStore != null) {
            builder.keyManager(keyManagers(keyStore, keyStorePassword));
        }
        return build(builder);
    }

    private static SslContext build(SslContextBuilder builder) throws SSLException {
        return builder.build();
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        if (!Files.isReadable(file)) {
            throw new IOException("key store " + file + " is not readable");
        }
        String type = file.toString().endsWith(".jks") ? "JKS" : "PKCS12";
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    private static KeyManagerFactory keyManagers(Path keyStore, char[] password) throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore, password), password);
        return kmf;
    }

    private static TrustManagerFactory trustManagers(Path trustStore, char[] password)
            throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore, password));
        return tmf;
    }
}
