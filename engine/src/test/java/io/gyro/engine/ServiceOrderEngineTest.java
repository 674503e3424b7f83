package io.gyro.engine;

import io.gyro.engine.pipeline.ServiceOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data directory remembers the order of the catalogue's services its balances were made with
 * ({@code data/catalogue-services}); an engine started on it with a catalogue that moves or drops one of them refuses
 * to start, naming the service, and one that adds services after them starts.
 */
class ServiceOrderEngineTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path catalogues;

    /** The sample catalogue with the services block's voice moved before data. */
    private Path reorderedSample() throws Exception {
        String sample = Files.readString(EngineHarness.repoRoot().resolve("config/catalogue.yaml"));
        int services = sample.indexOf("\nservices:\n") + "\nservices:\n".length();
        int voice = sample.indexOf("\n  voice:\n", services) + 1;
        int sms = sample.indexOf("\n  sms:\n", services) + 1;
        Path file = catalogues.resolve("reordered.yaml");
        Files.writeString(file, sample.substring(0, services) + sample.substring(voice, sms)
                + sample.substring(services, voice) + sample.substring(sms));
        return file;
    }

    @Test
    void startWithACatalogueThatMovesAServiceIsRefused() throws Exception {
        Map<String, String> overrides = EngineHarness.overrides(dataDir, 5);
        EngineHarness.start(overrides).close();
        List<String> recorded = ServiceOrder.recorded(dataDir);
        assertEquals("data", recorded.get(0));
        assertEquals("voice", recorded.get(1));

        overrides.put("catalogue", reorderedSample().toString());
        EngineConfig.ConfigException refused = assertThrows(EngineConfig.ConfigException.class,
                () -> EngineHarness.start(overrides).close());
        assertTrue(refused.getMessage().contains("service data moved from position 1 to 2"), refused.getMessage());
        assertEquals(recorded, ServiceOrder.recorded(dataDir), "the recorded order is kept");

        overrides.put("catalogue", EngineHarness.repoRoot().resolve("config/catalogue.yaml").toString());
        EngineHarness.start(overrides).close(); // the catalogue it was made with still starts
    }
}
