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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --subscribers-count}: the embedded engine's directory is bulk-loaded with the range (no demo
 * population), and sessions draw their subscribers at random from it. A subscriber outside the range
 * would be answered 5030, so "only 2001" shows every pick was inside it.
 */
class LoadGeneratorBulkRangeTest {
    @TempDir
    Path out;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void sessionsDrawTheirSubscribersFromABulkLoadedRange() throws Exception {
        LoadGenerator generator = new LoadGenerator();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        generator.console = new PrintStream(log, true, StandardCharsets.UTF_8);
        new CommandLine(generator).parseArgs("--embedded", "--subscribers-from", "8617300000001",
                "--subscribers-count", "3000", "--first-imsi", "460993000000001", "--sessions", "40", "--updates", "1",
                "--window", "8", "--warmup", "1", "--duration", "2", "--drain-seconds", "5",
                "--set", "stores.maxSessions=10000", "--out", out.toString(), "--name", "range", "--quiet");

        int status = generator.call();

        String console = log.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, console);
        assertTrue(console.contains("3,000 created"), console);
        assertEquals(1, generator.resultCodes.size(), "only 2001: " + generator.resultCodes + "\n" + console);
        assertTrue(generator.resultCodes.get(2001) > 0, console);
        String json = Files.readString(out.resolve("range.json"));
        assertTrue(json.contains("\"subscribersCount\": 3000") && json.contains("\"subscribersFrom\": 8617300000001"), json);
    }
}
