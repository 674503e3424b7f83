package io.gyro.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue "Settlement and margin", part 1: a rate priced below its wholesale cost without a {@code belowCost:} reason is
 * a warning by default (the log, a reload's answer) and an error with {@code catalogueStrict=true} (no start, reload
 * refused), named with its file and line either way.
 */
class CatalogueStrictEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    /** The sample catalogue with the night-data rate's belowCost annotation taken away: one finding. */
    private Path unannotated() throws Exception {
        String sample = Files.readString(EngineHarness.repoRoot().resolve("config/catalogue.yaml"));
        String without = sample.lines().filter(l -> !l.trim().startsWith("belowCost:"))
                .reduce("", (a, l) -> a + l + "\n");
        assertTrue(without.length() < sample.length(), "the sample has an annotated below-cost rate");
        Path file = dataDir.resolve("unannotated.yaml");
        Files.writeString(file, without);
        Files.writeString(dataDir.resolve("catalogue.yaml"), sample);
        return file;
    }

    @Test
    void strictRefusesToStartOnABelowCostRateAndNamesItsLine() throws Exception {
        Map<String, String> overrides = EngineHarness.overrides(dataDir.resolve("data"), 3);
        overrides.put("catalogue", unannotated().toString());
        overrides.put("catalogueStrict", "true");
        EngineConfig.ConfigException refused = assertThrows(EngineConfig.ConfigException.class,
                () -> EngineHarness.start(overrides).close());
        assertTrue(refused.getMessage().contains("unannotated.yaml:"), refused.getMessage());
        assertTrue(refused.getMessage().contains("catalogueStrict=true"), refused.getMessage());

        overrides.put("catalogueStrict", "false");
        EngineHarness.start(overrides).close();   // by default a warning: it starts
    }

    @Test
    void aReloadAnswersTheWarningsAndStrictRefusesIt() throws Exception {
        Path unannotated = unannotated();
        Map<String, String> overrides = EngineHarness.overrides(dataDir.resolve("lenient"), 3);
        overrides.put("catalogue", dataDir.resolve("catalogue.yaml").toString());   // reloads read its directory
        try (GyTestClient gy = GyTestClient.start(overrides)) {
            HttpResponse<String> reloaded = gy.http("POST", "/catalogue/reload", "{\"path\":\"" + unannotated + "\"}");
            assertEquals(200, reloaded.statusCode(), reloaded.body());
            JsonNode warnings = JSON.readTree(reloaded.body()).get("warnings");
            assertEquals(1, warnings.size(), reloaded.body());
            assertTrue(warnings.get(0).asText().contains("unannotated.yaml:"), reloaded.body());
        }
        Map<String, String> strict = EngineHarness.overrides(dataDir.resolve("strict"), 3);
        strict.put("catalogueStrict", "true");
        strict.put("catalogue", dataDir.resolve("catalogue.yaml").toString());
        try (GyTestClient gy = GyTestClient.start(strict)) {
            HttpResponse<String> refused = gy.http("POST", "/catalogue/reload", "{\"path\":\"" + unannotated + "\"}");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("catalogueStrict=true"), refused.body());
            String sample = dataDir.resolve("catalogue.yaml").toString();
            HttpResponse<String> fine = gy.http("POST", "/catalogue/reload", "{\"path\":\"" + sample + "\"}");
            assertEquals(200, fine.statusCode(), fine.body());
            assertEquals(0, JSON.readTree(fine.body()).get("warnings").size(), fine.body());
        }
    }
}
