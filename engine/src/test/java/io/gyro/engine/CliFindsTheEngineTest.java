package io.gyro.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI's admin commands find the engine from the same settings as {@code serve}: a port set with {@code --set}, a
 * data directory (its api-token) with {@code --data-dir}, a token with {@code --set http.token}. Before, they took only
 * an undocumented {@code --api} and refused {@code --set}.
 */
class CliFindsTheEngineTest {
    @TempDir
    Path dataDir;

    @Test
    void balanceFindsAnEngineOnAnotherPortFromServesOwnSettings() throws Exception {
        Map<String, String> overrides = EngineHarness.overrides(dataDir, 3);
        try (Engine engine = EngineHarness.start(overrides)) {
            String port = overrides.get("http.port");
            Result r = run("balance", "8617000000001", "--set", "http.port=" + port, "--data-dir", dataDir.toString());
            assertEquals(0, r.code, r.err);
            assertTrue(r.out.contains("\"msisdn\" : 8617000000001"), r.out);

            r = run("status", "--set", "http.port=" + port, "--data-dir", dataDir.resolve("elsewhere").toString());
            assertEquals(1, r.code, "no api-token there: the engine refuses (401): " + r.out + r.err);
            assertTrue(r.err.contains("API token"), r.err);

            r = run("status", "--set", "http.port=" + port, "--set", "http.token=" + engine.apiToken(),
                    "--data-dir", dataDir.resolve("elsewhere").toString());
            assertEquals(0, r.code, "the token from http.token: " + r.err);

            r = run("balance", "8617000000001", "--set", "http.port=not-a-port");
            assertEquals(3, r.code, "a bad setting is said, not sent: " + r.err);
            assertTrue(r.err.contains("http.port"), r.err);
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
