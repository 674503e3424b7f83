package io.gyro.engine;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Starts a real engine on free loopback ports and a fresh data directory; helpers to read answers. */
public final class EngineHarness {
    private EngineHarness() {
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Map<String, String> overrides(Path dataDir, int demoCount) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("dataDir", dataDir.toString());
        o.put("catalogue", repoRoot().resolve("config/catalogue.yaml").toString());
        o.put("diameter.port", String.valueOf(freePort()));
        o.put("http.port", String.valueOf(freePort()));
        o.put("demo.count", String.valueOf(demoCount));
        o.put("stores.maxSubscribers", "10000");
        o.put("stores.maxSessions", "10000");
        o.put("stores.maxEndedSessions", "10000");
        o.put("pipeline.ringSize", "1024");
        // The accounts' image inside the test's data directory, not in /dev/shm: a test JVM that dies leaves nothing in
        // memory, and every in-process engine still runs on an image as `serve` does.
        Path image = dataDir.toAbsolutePath().resolve("test-image-root");
        o.put("accounts.imageDir", image.toString());
        return o;
    }

    /**
     * Copies the repository's {@code config/*.yaml} into {@code dir} and points the engine's catalogue at the copy: a
     * reload reads only files of the configured catalogue's directory, so a test that reloads files it writes puts them
     * there. @return {@code dir}
     */
    static Path configCopy(Map<String, String> overrides, Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(repoRoot().resolve("config"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).toList()) {
                java.nio.file.Files.copy(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        overrides.put("catalogue", dir.resolve("catalogue.yaml").toString());
        return dir;
    }

    static Engine start(Map<String, String> overrides) throws Exception {
        return Engine.start(EngineConfig.load(null, overrides));
    }

    static Engine start(Map<String, String> overrides, java.util.function.LongSupplier clock) throws Exception {
        return Engine.start(EngineConfig.load(null, overrides), clock);
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !p.resolve("config/catalogue.yaml").toFile().exists()) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (config/catalogue.yaml)");
        }
        return p;
    }

    /** Top-level Unsigned32 AVP value of a message, or -1. */
    public static long topLevel(ByteBuf message, int code) {
        AvpReader r = new AvpReader().wrapMessage(message, message.readerIndex(),
                DiameterHeader.messageLength(message, message.readerIndex()));
        while (r.next()) {
            if (r.is(code, VendorId.IETF)) {
                return r.unsigned32();
            }
        }
        return -1;
    }

    /**
     * Result-Code, granted units (any kind), Final-Unit-Indication (1/0) and Validity-Time (-1: none) of the MSCC with
     * this rating group, or null.
     */
    public static long[] mscc(ByteBuf message, long ratingGroup) {
        AvpReader r = new AvpReader().wrapMessage(message, message.readerIndex(),
                DiameterHeader.messageLength(message, message.readerIndex()));
        AvpReader m = new AvpReader();
        AvpReader g = new AvpReader();
        while (r.next()) {
            if (!r.is(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL, VendorId.IETF)) {
                continue;
            }
            r.enter(m);
            long rg = -1;
            long result = -1;
            long granted = -1;
            boolean fui = false;
            long validity = -1;
            while (m.next()) {
                if (m.is(AvpCode.RATING_GROUP, VendorId.IETF)) {
                    rg = m.unsigned32();
                } else if (m.is(AvpCode.RESULT_CODE, VendorId.IETF)) {
                    result = m.unsigned32();
                } else if (m.is(AvpCode.FINAL_UNIT_INDICATION, VendorId.IETF)) {
                    fui = true;
                } else if (m.is(AvpCode.VALIDITY_TIME, VendorId.IETF)) {
                    validity = m.unsigned32();
                } else if (m.is(AvpCode.GRANTED_SERVICE_UNIT, VendorId.IETF)) {
                    m.enter(g);
                    while (g.next()) {
                        granted = g.dataLength() == 8 ? g.unsigned64() : g.unsigned32();
                    }
                }
            }
            if (rg == ratingGroup) {
                return new long[]{result, granted, fui ? 1 : 0, validity};
            }
        }
        return null;
    }

    static HttpResponse<String> http(Engine engine, String method, String path, String body) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.httpAddress().getPort() + path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + engine.apiToken());
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The first Validity-Time (seconds) inside an MSCC of an answer, or 0. */
    static long validityTime(ByteBuf cca) {
        AvpReader r = new AvpReader().wrapMessage(cca, cca.readerIndex(), cca.readableBytes());
        AvpReader m = new AvpReader();
        while (r.next()) {
            if (r.code() == AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL) {
                r.enter(m);
                while (m.next()) {
                    if (m.code() == AvpCode.VALIDITY_TIME) {
                        return m.unsigned32();
                    }
                }
            }
        }
        return 0;
    }

    /** Money and units an account holds for open reservations (reservedMicros plus every bucket's reserved). */
    static long reserved(Engine engine, long msisdn) throws Exception {
        com.fasterxml.jackson.databind.JsonNode balance = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                http(engine, "GET", "/subscribers/" + msisdn + "/balance", null).body());
        long reserved = balance.get("reservedMicros").asLong();
        for (com.fasterxml.jackson.databind.JsonNode b : balance.get("buckets")) {
            reserved += b.get("reserved").asLong();
        }
        return reserved;
    }
}
