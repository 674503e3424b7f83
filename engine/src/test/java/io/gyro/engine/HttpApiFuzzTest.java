package io.gyro.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed input against the HTTP API of a running engine (issue 6 §3): broken JSON, wrong
 * types, huge numbers, deep nesting, unknown fields, a body over http.maxBodyBytes, empty and
 * non-JSON bodies, bad paths and query parameters. Every request is sent on its own raw socket
 * (so broken requests are sent byte for byte) and must get 400, 404 or 413, never a 500 or a
 * dropped connection; 400 and 404 carry a JSON {"error": ...}. No balance changes.
 */
class HttpApiFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long[] ACCOUNTS = {8617000000001L, 8617000000002L, 8617000000003L};
    private static final long M = ACCOUNTS[0];

    @TempDir
    static Path dataDir;
    private static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        engine = EngineHarness.start(EngineHarness.overrides(dataDir, 5));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private record Case(String method, String target, String contentType, byte[] body, Set<Integer> statuses) {
        @Override
        public String toString() {
            String b = body == null ? "<none>" : new String(body, 0, Math.min(body.length, 120), StandardCharsets.ISO_8859_1);
            return method + " " + target + " [" + (body == null ? 0 : body.length) + " bytes: " + b + "]";
        }
    }

    private static final Set<Integer> BAD = Set.of(400);
    private static final Set<Integer> MISSING = Set.of(404);
    private static final Set<Integer> BAD_OR_MISSING = Set.of(400, 404);

    private static Case post(String target, String body, Set<Integer> statuses) {
        return new Case("POST", target, "application/json", body.getBytes(StandardCharsets.UTF_8), statuses);
    }

    static List<Case> cases() {
        String topups = "/subscribers/" + M + "/topups";
        List<Case> c = new ArrayList<>();
        // Broken JSON and bodies that are not an object.
        for (String body : new String[]{"{not json", "{\"amount\":\"5.00\",", "{\"amount\" \"5.00\"}", "{'amount':'5.00'}",
                "[]", "[1,2]", "null", "\"5.00\"", "42", "true", "{}}", "{\"amount\":\"5.00\",\"idempotencyKey\":\"a\"}garbage",
                "\u0000", "{\"amount\":\"5.00\",\"idempotencyKey\":\"a\"", "{\"amount\":NaN,\"idempotencyKey\":\"n\"}"}) {
            c.add(post(topups, body, BAD));
        }
        c.add(new Case("POST", topups, "application/json", new byte[]{(byte) 0xff, (byte) 0xfe, (byte) 0x80, 0}, BAD));
        c.add(new Case("POST", topups, "application/json", new byte[0], BAD));
        c.add(new Case("POST", topups, "application/json", null, BAD));
        c.add(new Case("POST", topups, "application/xml",
                "<topup><amount>5.00</amount></topup>".getBytes(StandardCharsets.UTF_8), BAD));
        // Wrong types, out-of-range and huge numbers.
        for (String amount : new String[]{"true", "{}", "[]", "[\"5.00\"]", "\"\"", "\"abc\"", "\"-5\"", "-5", "\"5,00\"",
                "\"1e3\"", "1e-7", "1e400", "-1e400", "99999999999999999999999999999999", "\"99999999999999999999\"",
                "\"5.0000001\"", "0.0000001", "\" 5.00\"", "\"5.00 \"", "\"+5\"", "\"0x10\"", "\"\\u0035.00\u0000\""}) {
            c.add(post(topups, "{\"amount\":" + amount + ",\"idempotencyKey\":\"t-" + c.size() + "\"}", BAD));
        }
        for (String key : new String[]{"5", "true", "{}", "[]", "\"\"", "\"   \"", "\"" + "k".repeat(257) + "\""}) {
            c.add(post(topups, "{\"amount\":\"5.00\",\"idempotencyKey\":" + key + "}", BAD));
        }
        // Unknown fields, also nested and with a valid request around them.
        c.add(post(topups, "{\"amount\":\"5.00\",\"idempotencyKey\":\"u1\",\"bonus\":\"100.00\"}", BAD));
        c.add(post(topups, "{\"amount\":\"5.00\",\"idempotencyKey\":\"u2\",\"\":1}", BAD));
        c.add(new Case("PATCH", "/subscribers/" + M, "application/json",
                "{\"state\":\"ACTIVE\",\"balance\":\"1000.00\"}".getBytes(StandardCharsets.UTF_8), BAD));
        // Deep nesting, inside a field and at the top.
        c.add(post(topups, "{\"amount\":" + "[".repeat(20_000) + "]".repeat(20_000) + ",\"idempotencyKey\":\"d\"}", BAD));
        c.add(post(topups, "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000), BAD));
        c.add(post(topups, "[".repeat(30_000), BAD));
        // A body over http.maxBodyBytes (64 KiB by default): refused before it is parsed.
        byte[] huge = new byte[1 << 20];
        java.util.Arrays.fill(huge, (byte) ' ');
        byte[] prefix = "{\"amount\":\"5.00\",\"idempotencyKey\":\"huge\"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, huge, 0, prefix.length);
        huge[huge.length - 1] = '}';
        c.add(new Case("POST", topups, "application/json", huge, Set.of(413)));
        // Other endpoints with bad bodies.
        c.add(post("/subscribers", "{\"msisdn\":8.617e12,\"imsi\":\"460990000099999\",\"package\":\"basic\"}", BAD));
        c.add(post("/subscribers", "{\"msisdn\":\"8617000099999\",\"imsi\":{},\"package\":\"basic\"}", BAD));
        c.add(post("/subscribers", "{\"msisdn\":\"8617000099999\",\"imsi\":\"460990000099999\",\"package\":5}", BAD));
        c.add(post("/subscribers", "{\"msisdn\":\"8617000099999\",\"imsi\":\"460990000099999\",\"package\":\"basic\",\"balance\":\"-1\"}", BAD));
        c.add(post("/subscribers", "{\"msisdn\":\"8617000099999\",\"imsi\":\"460990000099999\",\"package\":\"basic\",\"firstPeriodIncluded\":\"yes\"}", BAD));
        c.add(post("/subscribers", "{\"msisdn\":\"86170000999999999999\",\"imsi\":\"460990000099999\",\"package\":\"basic\"}", BAD));
        c.add(new Case("PATCH", "/subscribers/" + M, "application/json", "{\"state\":5}".getBytes(StandardCharsets.UTF_8), BAD));
        c.add(new Case("PATCH", "/subscribers/" + M, "application/json", "{\"realNameVerified\":\"true\"}".getBytes(StandardCharsets.UTF_8), BAD));
        c.add(new Case("PATCH", "/subscribers/" + M, "application/json", "{}".getBytes(StandardCharsets.UTF_8), BAD));
        c.add(new Case("PATCH", "/subscribers/" + M, "application/json", "{\"package\":\"no-such-package\"}".getBytes(StandardCharsets.UTF_8), BAD_OR_MISSING));
        c.add(post("/subscribers/" + M + "/addons", "{\"package\":\"\"}", BAD));
        c.add(post("/subscribers/" + M + "/addons", "{\"package\":[\"roam-7d\"]}", BAD));
        c.add(post("/subscribers/" + M + "/addons", "{\"package\":\"no-such-addon\"}", BAD_OR_MISSING));
        c.add(post("/catalogue/reload", "{\"path\":\"/nonexistent/catalogue.yaml\"}", BAD_OR_MISSING));
        c.add(post("/catalogue/reload", "{\"path\":7}", BAD));
        // Bad paths and methods.
        for (String path : new String[]{"/subscribers/abc/balance", "/subscribers/123/balance", "/subscribers/-8617000000001/balance",
                "/subscribers/86170000000011234567/balance", "/subscribers/8617000000001.0/balance", "/subscribers/%zz/balance", "/subscribers/8617000000001%/balance"}) {
            c.add(new Case("GET", path, null, null, BAD_OR_MISSING));
        }
        for (String path : new String[]{"/", "/nothing", "/subscribers/" + M + "/nothing", "/subscribers/" + M + "/balance/extra",
                "/subscribers/8619999999999/balance", "/catalogue", "/status/x", "/openapi.json/x"}) {
            c.add(new Case("GET", path, null, null, MISSING));
        }
        c.add(new Case("GET", topups, null, null, MISSING));
        c.add(new Case("DELETE", "/subscribers/" + M, null, null, MISSING));
        c.add(new Case("PUT", "/subscribers/" + M + "/balance", "application/json", "{}".getBytes(StandardCharsets.UTF_8), MISSING));
        // Bad query parameters.
        for (String query : new String[]{"limit=abc", "limit=-1", "limit=0", "limit=99999999999999999999", "limit=1.5", "limit=",
                "from=yesterday", "from=2026-13-01T00:00:00Z", "to=2026-01-01", "from=%zz", "limit=%", "from=2026-01-01T00:00:00Z&to=x"}) {
            c.add(new Case("GET", "/subscribers/" + M + "/records?" + query, null, null, BAD));
        }
        c.add(new Case("GET", "/subscribers/" + M + "/usage?from=-1", null, null, BAD));
        return c;
    }

    @Test
    void malformedRequestsGetAJsonErrorAndChangeNoBalance() throws Exception {
        Map<Long, JsonNode> before = balances();
        List<String> failures = new ArrayList<>();
        for (Case c : cases()) {
            Response r;
            try {
                r = send(c);
            } catch (Exception e) {
                failures.add(c + " -> no answer: " + e);
                continue;
            }
            if (!c.statuses.contains(r.status)) {
                failures.add(c + " -> " + r.status + " " + r.body + " (expected " + c.statuses + ")");
                continue;
            }
            if (!isJsonError(r.body)) {
                failures.add(c + " -> " + r.status + " without a JSON error: " + r.body);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases().size() + " cases failed:\n" + String.join("\n", failures));
        assertEquals(before, balances(), "a refused request changed a balance");
    }

    private static boolean isJsonError(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() && node.path("error").isTextual();
        } catch (Exception e) {
            return false;
        }
    }

    private static Map<Long, JsonNode> balances() throws Exception {
        Map<Long, JsonNode> out = new java.util.LinkedHashMap<>();
        for (long msisdn : ACCOUNTS) {
            var r = EngineHarness.http(engine, "GET", "/subscribers/" + msisdn + "/balance", null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode node = JSON.readTree(r.body());
            out.put(msisdn, node);
        }
        return out;
    }

    private record Response(int status, String body) {
    }

    /**
     * One request on its own connection ("Connection: close"), read by a second thread while the
     * body is written, so an early answer (413) is seen even if the server stops reading.
     */
    private static Response send(Case c) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", engine.httpAddress().getPort())) {
            socket.setSoTimeout(20_000);
            StringBuilder head = new StringBuilder();
            head.append(c.method).append(' ').append(c.target).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1\r\n")
                    .append("Authorization: Bearer ").append(engine.apiToken()).append("\r\n")
                    .append("Connection: close\r\n");
            if (c.contentType != null) {
                head.append("Content-Type: ").append(c.contentType).append("\r\n");
            }
            if (c.body != null) {
                head.append("Content-Length: ").append(c.body.length).append("\r\n");
            }
            head.append("\r\n");
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (received) {
                            received.write(buf, 0, n);
                        }
                    }
                } catch (Exception e) {
                    // Reset after the answer: what was read is kept.
                }
            }, "http-fuzz-reader");
            reader.start();
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (c.body != null) {
                    out.write(c.body);
                }
                out.flush();
            } catch (Exception e) {
                // The server may stop reading an oversized body after answering.
            }
            reader.join(20_000);
            byte[] bytes;
            synchronized (received) {
                bytes = received.toByteArray();
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            int lineEnd = text.indexOf("\r\n");
            if (!text.startsWith("HTTP/1.1 ") || lineEnd < 12) {
                throw new IllegalStateException("no HTTP response (" + bytes.length + " bytes)");
            }
            int status = Integer.parseInt(text.substring(9, 12));
            int bodyStart = text.indexOf("\r\n\r\n");
            return new Response(status, bodyStart < 0 ? "" : text.substring(bodyStart + 4));
        }
    }
}
