package io.gyro.engine.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.engine.Engine;
import io.gyro.engine.EngineConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real engine on free loopback ports with a fresh data directory, its HTTP balance view, and the Diameter clients
 * a test connects to it ({@link #connect}, {@link #connectJDiameter}), which {@link #close()} closes before the
 * engine. Test code, on the test thread.
 */
final class RunningEngine implements AutoCloseable {
    static final String REALM = "gyro.test";
    private static final ObjectMapper JSON = new ObjectMapper();

    final Engine engine;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** How to close each client connected so far, in the order they were connected. */
    private final List<Runnable> clientClosers = new ArrayList<>();

    private RunningEngine(Engine engine) {
        this.engine = engine;
    }

    static RunningEngine start(Path dataDir, int demoSubscribers) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("dataDir", dataDir.toString());
        Path image = dataDir.toAbsolutePath().resolve("test-image-root");
        o.put("accounts.imageDir", image.toString());
        o.put("catalogue", repoRoot().resolve("config/catalogue.yaml").toString());
        o.put("diameter.port", String.valueOf(JDiameterPgw.freePort()));
        o.put("diameter.originHost", "ocs.gyro.test");
        o.put("diameter.originRealm", REALM);
        o.put("http.port", String.valueOf(JDiameterPgw.freePort()));
        o.put("demo.count", String.valueOf(demoSubscribers));
        o.put("stores.maxSubscribers", "1000");
        o.put("stores.maxSessions", "1000");
        o.put("pipeline.ringSize", "1024");
        return new RunningEngine(Engine.start(EngineConfig.load(null, o)));
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !p.resolve("config/catalogue.yaml").toFile().exists()) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (config/catalogue.yaml)");
        }
        return p;
    }

    int diameterPort() {
        return engine.diameterAddress().getPort();
    }

    /** Our own client connected as a node (the Origin-Host and Origin-Realm of its CER); closed with the engine. */
    NodeConnection connect(String originHost, String originRealm) throws Exception {
        NodeConnection connection = NodeConnection.open(diameterPort(), originHost, originRealm);
        clientClosers.add(connection::close);
        return connection;
    }

    /** A jDiameter client stack connected as the PGW/SMSC ({@link JDiameterPgw}); closed with the engine. */
    JDiameterPgw connectJDiameter() throws Exception {
        JDiameterPgw pgw = JDiameterPgw.connect(diameterPort(), REALM);
        clientClosers.add(pgw::close);
        return pgw;
    }

    /** GET /subscribers/{msisdn}/balance, bounded to 5 s. */
    Balance balance(long msisdn) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.httpAddress().getPort()
                + "/subscribers/" + msisdn + "/balance")).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + engine.apiToken()).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("balance of " + msisdn + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return new Balance(JSON.readTree(response.body()));
    }

    /** POST /subscribers on a catalogue package with an opening balance ("1.00"); fails the test unless it is 2xx. */
    void createSubscriber(long msisdn, long imsi, String pkg, String balance) throws Exception {
        send("POST", "/subscribers", "{\"msisdn\":\"" + msisdn + "\",\"imsi\":\"" + imsi + "\",\"package\":\"" + pkg
                + "\",\"balance\":\"" + balance + "\"}");
    }

    /** POST (or PATCH) with a JSON body, bounded to 5 s; fails the test unless the status is 2xx. */
    JsonNode send(String method, String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.httpAddress().getPort() + path))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + engine.apiToken())
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + " " + json + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    record Balance(JsonNode json) {
        long moneyMicros() {
            return json.get("moneyMicros").asLong();
        }

        long reservedMicros() {
            return json.get("reservedMicros").asLong();
        }

        /** Sum of a field over the unexpired buckets of a service (basic has one per service). */
        long bucket(String service, String field) {
            long sum = 0;
            boolean found = false;
            for (JsonNode b : json.get("buckets")) {
                if (b.get("service").asText().equals(service) && !b.get("expired").asBoolean()) {
                    sum += b.get(field).asLong();
                    found = true;
                }
            }
            if (!found) {
                throw new AssertionError("no " + service + " bucket in " + json);
            }
            return sum;
        }

        /** A field of the one unexpired bucket whose source label starts with {@code source} ("roaming-addon: data"). */
        long bucketFrom(String source, String field) {
            for (JsonNode b : json.get("buckets")) {
                if (b.has("source") && b.get("source").asText().startsWith(source) && !b.get("expired").asBoolean()) {
                    return b.get(field).asLong();
                }
            }
            throw new AssertionError("no bucket from " + source + " in " + json);
        }

        @Override
        public String toString() {
            return json.toString();
        }
    }

    /** Closes the clients, then the engine (also when closing a client fails). */
    @Override
    public void close() {
        try {
            clientClosers.forEach(Runnable::run);
        } finally {
            engine.close();
        }
    }
}
