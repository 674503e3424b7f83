package io.gyro.bench.load;

import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.transport.DiameterServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fast server that refuses every CCR (4012): the run is reported as failed, not as fast. */
class LoadGeneratorFailureTest {
    @TempDir
    Path out;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void answersOtherThan2001FailTheRunWithExitStatusOne() throws Exception {
        DiameterServer server = new DiameterServer(LocalPeer.builder("refuser.test", "test").build(),
                (peer, frame, command, app) -> peer.answerError(frame, ResultCode.DIAMETER_CREDIT_LIMIT_REACHED, "no"),
                1, true);
        try {
            InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0));
            LoadGenerator generator = new LoadGenerator();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            generator.console = new PrintStream(log, true, StandardCharsets.UTF_8);
            new CommandLine(generator).parseArgs("--host", "127.0.0.1", "--port", String.valueOf(address.getPort()),
                    "--sessions", "10", "--window", "4", "--warmup", "0", "--duration", "1", "--out", out.toString(),
                    "--name", "refused", "--quiet");

            int status = generator.call();

            String console = log.toString(StandardCharsets.UTF_8);
            assertEquals(1, status, console);
            assertFalse(generator.passed, console);
            assertTrue(generator.resultCodes.get(ResultCode.DIAMETER_CREDIT_LIMIT_REACHED) > 0, console);
            assertTrue(generator.failures.get("answersNot2001") > 0, console);
            assertTrue(console.contains("FAILED"), console);
            assertTrue(Files.readString(out.resolve("refused.json")).contains("\"passed\": false"));
        } finally {
            server.close();
        }
    }
}
