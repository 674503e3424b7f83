package io.gyro.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /metrics: the Prometheus text format, parsed by the Prometheus project's own parser (its Python client, which
 * {@code .ci/run} installs; skipped outside CI when it is missing), with each engine's own numbers.
 */
class MetricsEndToEndTest {
    @TempDir
    Path root;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void metricsParseAndCountThisEnginesAnswersOnly() throws Exception {
        Map<String, String> a = EngineHarness.overrides(root.resolve("a"), 3);
        Map<String, String> b = EngineHarness.overrides(root.resolve("b"), 3);
        try (GyTestClient one = GyTestClient.start(a); GyTestClient two = GyTestClient.start(b)) {
            ByteBuf granted = one.call("pgw;m1", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w
                    .msisdn(8617000000001L).beginMscc(100, -1).requestedEmpty().endMscc());
            ByteBuf unknown = one.call("pgw;m2", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w
                    .msisdn(8619999999999L).beginMscc(100, -1).requestedEmpty().endMscc());
            try {
                assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(granted, AvpCode.RESULT_CODE));
                assertEquals(ResultCode.DIAMETER_USER_UNKNOWN, EngineHarness.topLevel(unknown, AvpCode.RESULT_CODE));
            } finally {
                granted.release();
                unknown.release();
            }

            HttpResponse<String> r = one.http("GET", "/metrics", null);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"), r.headers().toString());
            String text = r.body();
            assertEquals(2.0, value(text, "gyro_ccr_received_total"), text);
            assertEquals(1.0, value(text, "gyro_diameter_answers_total{result_code=\"2001\"}"), text);
            assertEquals(1.0, value(text, "gyro_diameter_answers_total{result_code=\"5030\"}"), text);
            assertEquals(2.0, value(text, "gyro_engine_latency_seconds_count"), text);
            assertEquals(2.0, value(text, "gyro_engine_latency_seconds_bucket{le=\"+Inf\"}"), "cumulative buckets: " + text);
            assertTrue(value(text, "gyro_engine_latency_seconds_bucket{le=\"5.0\"}") == 2.0, "both under 5 s: " + text);
            assertTrue(value(text, "gyro_engine_latency_seconds_sum") > 0, text);
            assertEquals(1.0, value(text, "gyro_sessions_open"), text);
            assertTrue(value(text, "gyro_peers_up") >= 1, text);
            assertTrue(text.contains("\njvm_memory_used_bytes{"), "the JVM's metrics too");
            parsedByPrometheus(text);
            // The Grafana dashboard in config/ asks only for series this engine serves.
            String dashboard = java.nio.file.Files.readString(EngineHarness.repoRoot().resolve("config/grafana-dashboard.json"));
            Matcher names = Pattern.compile("\\b((?:gyro|jvm)_[a-z_]+)").matcher(dashboard);
            int asked = 0;
            while (names.find()) {
                asked++;
                assertTrue(text.contains("\n" + names.group(1) + "{") || text.contains("\n" + names.group(1) + " "),
                        "the dashboard asks for " + names.group(1) + ", which /metrics does not have");
            }
            assertTrue(asked >= 10, "the dashboard's series: " + asked);

            String other = two.http("GET", "/metrics", null).body();
            assertEquals(0.0, value(other, "gyro_ccr_received_total"), "the other engine's own: " + other);

            HttpResponse<String> noToken = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create("http://127.0.0.1:" + a.get("http.port") + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, noToken.statusCode(), "the API token, as for every other path");
        }
    }

    /** The value of the sample line {@code name} (with its labels, as written), which must be there. */
    private static double value(String text, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)").matcher(text);
        assertTrue(m.find(), "no sample " + sample);
        return Double.parseDouble(m.group(1));
    }

    /** Feeds {@code text} to prometheus_client's text parser (the reference parser outside Go) in a child python3. */
    private static void parsedByPrometheus(String text) throws Exception {
        Process check;
        try {
            check = new ProcessBuilder("python3", "-c", "import prometheus_client").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            check = null;
        }
        boolean available = check != null && check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
        if (!available) {
            assertTrue(System.getenv("CI") == null, "CI must have the Prometheus parser (python3 -m pip install "
                    + "prometheus_client; .ci/run does it)");
            Assumptions.abort("python3 with prometheus_client is not installed here (.ci/run installs it)");
        }
        Process p = new ProcessBuilder("python3", "-c", String.join("\n",
                "import sys",
                "from prometheus_client.parser import text_string_to_metric_families",
                "families = list(text_string_to_metric_families(sys.stdin.read()))",
                "names = {f.name for f in families}",
                "assert 'gyro_ccr_received' in names, names",
                "assert 'gyro_engine_latency_seconds' in names, names",
                "print(len(families))")).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "parser did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "the Prometheus parser refused /metrics: " + out);
    }
}
