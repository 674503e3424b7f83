package io.gyro.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import io.gyro.engine.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gyro serve --stop-after-start}: the launcher's archive-recording start, a full start and a clean stop. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    @org.junit.jupiter.api.Timeout(120) // without the option, serve waits for a signal: fail, do not hang
    void stopAfterStartStartsTheEngineAndStopsItCleanly() throws Exception {
        Path data = dir.resolve("data");
        String[] args = {"serve", "--stop-after-start", "--data-dir", data.toString(), "--set", "diameter.port=0",
                "--set", "http.port=0", "--set", "demo.count=10",
                "--set", "catalogue=" + EngineHarness.repoRoot().resolve("config/catalogue.yaml")};
        assertEquals(0, new CommandLine(new Main()).execute(args));
        assertTrue(Files.exists(data.resolve(Stores.CLEAN_SHUTDOWN_MARKER)), "closed cleanly");
        assertTrue(Files.exists(data.resolve("api-token")), "a real start: the data directory was set up");
        // and the directory opens again as a clean one
        assertEquals(0, new CommandLine(new Main()).execute(args));
        assertTrue(Files.exists(data.resolve(Stores.CLEAN_SHUTDOWN_MARKER)));
    }

    @Test
    void aBadSettingIsRefusedBeforeAnythingStarts() {
        Path data = dir.resolve("data");
        assertEquals(2, new CommandLine(new Main()).execute("serve", "--stop-after-start", "--data-dir", data.toString(),
                "--set", "diameter.port=70000"));
        assertTrue(!Files.exists(data.resolve(Stores.CLEAN_SHUTDOWN_MARKER)), "nothing was opened");
    }
}
