package io.gyro.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration is validated before any socket opens; every error says name=value and why. */
class EngineConfigTest {
    @TempDir
    Path dir;

    @Test
    void embeddedDefaultsAreValidAndMatchConfigFolder() throws Exception {
        EngineConfig config = EngineConfig.load(null, Map.of()).validate();
        assertEquals("3868", config.string("diameter.port"));
        assertEquals("ocs.gyro.local", config.string("diameter.originHost"));
        assertEquals("gyro.local", config.string("diameter.originRealm"));
        assertEquals("8080", config.string("http.port"));
        assertEquals("./data", config.string("dataDir"));
        assertEquals("parking", config.string("pipeline.waitStrategy"));
        for (String wait : List.of("parking", "sleeping", "blocking", "yielding", "busy-spin", "PARKING")) {
            assertEquals(wait, EngineConfig.load(null, Map.of("pipeline.waitStrategy", wait)).validate()
                    .string("pipeline.waitStrategy"), "a listed wait strategy is accepted: " + wait);
        }
        Path shown = EngineHarness.repoRoot().resolve("config/gyro.yaml");
        assertEquals(EngineConfig.load(shown, Map.of()).asMap(), config.asMap(), "config/gyro.yaml shows the defaults");
    }

    @Test
    void aZeroGrantValidityBeyondADayIsRefused() throws Exception {
        EngineConfig.ConfigException e = assertThrows(EngineConfig.ConfigException.class, () -> EngineConfig
                .load(null, Map.of("sessions.zeroGrantValiditySeconds", "5000000000")).validate());
        assertTrue(e.problems.stream().anyMatch(p -> p.startsWith("sessions.zeroGrantValiditySeconds=5000000000:")),
                e.problems.toString());
    }

    @Test
    void everyBadValueIsReportedAtOnceWithNameAndValue() throws Exception {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("diameter.port", "70000");
        bad.put("pipeline.ringSize", "1000");
        bad.put("pipeline.waitStrategy", "fast");
        bad.put("journal.fsync", "maybe");
        bad.put("demo.balance", "fifty");
        bad.put("diameter.tls.port", "3869");
        EngineConfig.ConfigException e = assertThrows(EngineConfig.ConfigException.class,
                () -> EngineConfig.load(null, bad).validate());
        List<String> problems = e.problems;
        assertTrue(problems.contains("diameter.port=70000: must be between 0 and 65535"), problems.toString());
        assertTrue(problems.contains("pipeline.ringSize=1000: must be a power of two"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("pipeline.waitStrategy=fast:")), problems.toString());
        assertTrue(problems.contains("journal.fsync=maybe: must be true or false"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("demo.balance=fifty:")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("diameter.tls.keyStore=:")), problems.toString());
        assertEquals(6, problems.size(), problems.toString());
    }

    @Test
    void unknownSettingsAndBrokenFilesAreRefused() throws Exception {
        EngineConfig.ConfigException unknown = assertThrows(EngineConfig.ConfigException.class,
                () -> EngineConfig.load(null, Map.of("diameter.prot", "1")));
        assertEquals(List.of("diameter.prot=1: unknown setting"), unknown.problems);

        Path file = dir.resolve("gyro.yaml");
        Files.writeString(file, "diameter:\n  port: [unclosed\n");
        EngineConfig.ConfigException broken = assertThrows(EngineConfig.ConfigException.class,
                () -> EngineConfig.load(file, Map.of()));
        assertTrue(broken.problems.get(0).startsWith("config=" + file + ": not valid YAML"), broken.problems.toString());

        assertThrows(EngineConfig.ConfigException.class, () -> EngineConfig.load(dir.resolve("missing.yaml"), Map.of()));
    }

    @Test
    void aPortInUseFailsTheStartAndReleasesTheDataDirectory() throws Exception {
        Map<String, String> o = EngineHarness.overrides(dir.resolve("data"), 1);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            o.put("http.port", String.valueOf(taken.getLocalPort()));
            assertThrows(java.net.BindException.class, () -> EngineHarness.start(o));
        }
        o.put("http.port", String.valueOf(EngineHarness.freePort()));
        o.put("diameter.port", String.valueOf(EngineHarness.freePort()));
        try (Engine engine = EngineHarness.start(o)) {
            assertTrue(engine.diameterAddress().getPort() > 0, "the same data directory opens again at once");
        }
    }

    @Test
    void brokenCatalogueStopsTheStartBeforeAnySocketOpens() throws Exception {
        Path catalogue = dir.resolve("broken.yaml");
        Files.writeString(catalogue, "currency: CNY\npackages:\n  basic: { fee: \"-1\" }\n");
        Map<String, String> o = EngineHarness.overrides(dir.resolve("data"), 1);
        o.put("catalogue", catalogue.toString());
        EngineConfig.ConfigException e = assertThrows(EngineConfig.ConfigException.class, () -> EngineHarness.start(o));
        assertTrue(e.problems.stream().allMatch(p -> p.startsWith("catalogue=" + catalogue)), e.problems.toString());
        assertTrue(!Files.exists(dir.resolve("data")), "nothing created for a refused start");
    }
}
