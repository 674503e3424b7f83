package io.gyro.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /catalogue/reload} reads only files of the configured catalogue's directory: anything else is refused
 * before it is read, and the answer holds none of its content (a reload of /etc/shadow used to answer its lines as
 * "unknown field" problems, and one of a FIFO stalled every request for as long as nothing wrote to it).
 */
class CatalogueReloadPathTest {
    private static final String SECRET = "s3cret-line-that-must-not-leak";

    @TempDir
    Path root;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aReloadReadsOnlyTheCatalogueDirectoryAndLeaksNothingElse() throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        Map<String, String> overrides = EngineHarness.overrides(data, 3);
        Path config = EngineHarness.configCopy(overrides, root.resolve("config"));
        Path outside = Files.writeString(root.resolve("secret.yaml"), SECRET + ": 1\nother: " + SECRET + "\n");
        Path link = Files.createSymbolicLink(config.resolve("link.yaml"), outside);
        Path fifo = config.resolve("fifo.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
        try (Engine engine = EngineHarness.start(overrides)) {
            HttpResponse<String> r = reload(engine, outside.toString());
            assertEquals(403, r.statusCode(), r.body());
            assertFalse(r.body().contains(SECRET), r.body());

            r = reload(engine, config.resolve("..").resolve("secret.yaml").toString());
            assertEquals(403, r.statusCode(), "a path that leaves the directory: " + r.body());
            assertFalse(r.body().contains(SECRET), r.body());

            r = reload(engine, link.toString());
            assertEquals(403, r.statusCode(), "a link out of the directory: " + r.body());
            assertFalse(r.body().contains(SECRET), r.body());

            r = reload(engine, data.resolve("api-token").toString());
            assertEquals(403, r.statusCode(), "the API token: " + r.body());
            assertFalse(r.body().contains(Files.readString(data.resolve("api-token")).trim()), r.body());

            long t0 = System.nanoTime();
            r = reload(engine, fifo.toString());
            assertEquals(400, r.statusCode(), "a FIFO is not a catalogue: " + r.body());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "refused without reading it");

            r = reload(engine, Files.createDirectories(config.resolve("sub.yaml")).toString());
            assertEquals(400, r.statusCode(), "a directory: " + r.body());

            r = reload(engine, config.resolve("none.yaml").toString());
            assertEquals(400, r.statusCode(), "a missing file: " + r.body());

            // A file of the directory is read; its own problems are answered, as before.
            Files.writeString(config.resolve("broken.yaml"), "currency: CNY\npackages:\n  basic: { fee: \"-1\" }\n");
            r = reload(engine, config.resolve("broken.yaml").toString());
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("problems"), r.body());

            r = reload(engine, config.resolve("catalogue-next-month.yaml").toString());
            assertEquals(200, r.statusCode(), r.body());
            r = EngineHarness.http(engine, "POST", "/catalogue/reload", "{}");
            assertEquals(200, r.statusCode(), "without a path, the current catalogue again: " + r.body());
        }
    }

    /**
     * A configured catalogue that is a link (a Kubernetes ConfigMap mount: catalogue.yaml to ..data/ to a dated
     * directory) is reloaded, and so are the other files where it leads; a path that is no path is a 400, not a
     * dropped connection.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aLinkedCatalogueIsReloadedFromWhereItLeads() throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        Map<String, String> overrides = EngineHarness.overrides(data, 3);
        Path dated = EngineHarness.configCopy(new java.util.HashMap<>(), root.resolve("mount/..2026_12_08"));
        Path mount = root.resolve("mount");
        Files.createSymbolicLink(mount.resolve("..data"), dated.getFileName());
        Files.createSymbolicLink(mount.resolve("catalogue.yaml"), Path.of("..data/catalogue.yaml"));
        Files.createSymbolicLink(mount.resolve("catalogue-next-month.yaml"), Path.of("..data/catalogue-next-month.yaml"));
        overrides.put("catalogue", mount.resolve("catalogue.yaml").toString());
        try (Engine engine = EngineHarness.start(overrides)) {
            HttpResponse<String> r = EngineHarness.http(engine, "POST", "/catalogue/reload", "{}");
            assertEquals(200, r.statusCode(), "the configured, linked catalogue: " + r.body());
            r = reload(engine, mount.resolve("catalogue-next-month.yaml").toString());
            assertEquals(200, r.statusCode(), "another file where the link leads: " + r.body());
            r = reload(engine, "/");
            assertEquals(403, r.statusCode(), "the root: " + r.body());
            r = EngineHarness.http(engine, "POST", "/catalogue/reload", "{\"path\":\"a\\u0000b\"}");
            assertEquals(400, r.statusCode(), "no path: " + r.body());
        }
    }

    private static HttpResponse<String> reload(Engine engine, String path) throws Exception {
        String body = "{\"path\":\"" + path.replace("\\", "\\\\") + "\"}";
        return EngineHarness.http(engine, "POST", "/catalogue/reload", body);
    }
}
