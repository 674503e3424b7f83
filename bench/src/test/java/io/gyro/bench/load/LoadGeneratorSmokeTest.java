package io.gyro.bench.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load generator against a real embedded engine (free ports, temporary data directory) for
 * about three seconds on two connections: every answer 2001, none missing, reports written.
 * Checks correctness, not speed.
 */
class LoadGeneratorSmokeTest {
    @TempDir
    Path out;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shortClosedLoopRunAgainstAnEmbeddedEngineGetsOnly2001() throws Exception {
        Run run = run("--embedded", "--connections", "2", "--sessions", "40", "--updates", "2",
                "--sms-share", "0.2", "--subscribers", "50", "--window", "8", "--warmup", "1", "--duration", "2",
                "--drain-seconds", "5", "--set", "stores.maxSessions=10000", "--out", out.toString(), "--name", "smoke", "--quiet");
        String console = run.console();
        StepResult step = run.generator().steps.get(0);
        assertTrue(step.measuredAnswers > 0 && step.histogram.getTotalCount() >= step.measuredAnswers, console);
        // The embedded engine times every answer it hands over after the warm-up: those the client counted, less at most
        // the 2 x 8 in flight when the warm-up ended (handed over just before the engine's snapshot, received after).
        assertTrue(step.engine != null
                && io.gyro.engine.status.LatencyHistogram.count(step.engine) >= step.measuredAnswers - 16, console);
        assertTrue(console.contains("in the engine (decode to answer handed to Netty)"), console);
        assertTrue(Files.readString(out.resolve("smoke.json")).contains("\"passed\": true"));
        assertTrue(Files.readString(out.resolve("smoke.json")).contains("\"inEngineUs\": {\"p50\": "));
        assertTrue(Files.size(out.resolve("smoke-w8.hgrm")) > 0);
        assertTrue(Files.readString(out.resolve("smoke.html")).contains("<svg"));
        assertTrue(Files.readString(out.resolve("smoke.html")).contains("w8, in the engine</th>"));
    }

    /** Without a warm-up the engine's own times cover the whole run, from its first answer. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutAWarmUpTheEnginesOwnTimesCoverTheWholeRun() throws Exception {
        Run run = run("--embedded", "--connections", "1", "--sessions", "20", "--updates", "1",
                "--subscribers", "20", "--window", "4", "--warmup", "0", "--duration", "1", "--drain-seconds", "5",
                "--set", "stores.maxSessions=10000", "--out", out.toString(), "--name", "no-warmup", "--quiet");
        String console = run.console();
        StepResult step = run.generator().steps.get(0);
        assertTrue(step.measuredAnswers > 0, console);
        assertTrue(io.gyro.engine.status.LatencyHistogram.count(step.engine) >= step.measuredAnswers, console);
    }

    /** The null responder (baseline a) answers through the same one-walk decoding as the engine: only 2001. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shortClosedLoopRunAgainstTheNullResponderGetsOnly2001() throws Exception {
        run("--null-responder", "--connections", "1", "--sessions", "40", "--updates",
                "2", "--sms-share", "0.2", "--window", "8", "--warmup", "1", "--duration", "1", "--drain-seconds", "5",
                "--out", out.toString(), "--name", "null-smoke", "--quiet");
    }

    private record Run(LoadGenerator generator, String console) {
    }

    /** Runs the load generator with {@code args}, its console captured, and checks it passed with only 2001. */
    private static Run run(String... args) throws Exception {
        LoadGenerator generator = new LoadGenerator();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        generator.console = new PrintStream(log, true, StandardCharsets.UTF_8);
        new CommandLine(generator).parseArgs(args);

        int status = generator.call();

        String console = log.toString(StandardCharsets.UTF_8);
        assertPassedWithOnly2001(generator, status, console);
        return new Run(generator, console);
    }

    private static void assertPassedWithOnly2001(LoadGenerator generator, int status, String console) {
        assertEquals(0, status, console);
        assertTrue(generator.passed, console);
        assertEquals(1, generator.resultCodes.size(), "only 2001: " + generator.resultCodes);
        assertTrue(generator.resultCodes.get(2001) > 0, console);
        for (Map.Entry<String, Long> f : generator.failures.entrySet()) {
            assertEquals(0L, f.getValue(), f.getKey() + "\n" + console);
        }
    }
}
