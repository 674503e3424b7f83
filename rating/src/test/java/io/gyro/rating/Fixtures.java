package io.gyro.rating;

import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/** Shared test fixtures: the sample catalogue and Shanghai local times. */
public final class Fixtures {

    public static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    public static final long CNY = 1_000_000L;
    public static final long MB = 1024L * 1024;
    public static final long GB = 1024L * MB;

    private static Catalogue sample;
    private static final Map<String, Catalogue> TEST_CATALOGUES = new HashMap<>();

    private Fixtures() {
    }

    /** The repository's config/ directory, from the module or the root as working directory. */
    public static Path configDir() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("config/catalogue.yaml"))) {
                return p.resolve("config");
            }
        }
        throw new IllegalStateException("config/catalogue.yaml not found above " + here);
    }

    public static synchronized Catalogue sample() {
        if (sample == null) {
            CatalogueLoadResult r = CatalogueLoader.load(configDir().resolve("catalogue.yaml"));
            if (!r.ok()) {
                throw new IllegalStateException(r.report());
            }
            sample = r.catalogue();
        }
        return sample;
    }

    /**
     * A test catalogue from this package's test resources, e.g. {@code overage-catalogue.yaml}
     * (1 MB increments, a 1 GB day pass): for rounding cases the sample does not have.
     */
    public static synchronized Catalogue resource(String name) {
        return TEST_CATALOGUES.computeIfAbsent(name, n -> {
            try (Reader r = new InputStreamReader(Fixtures.class.getResourceAsStream(n), StandardCharsets.UTF_8)) {
                CatalogueLoadResult loaded = CatalogueLoader.load(n, r);
                if (!loaded.ok()) {
                    throw new IllegalStateException(loaded.report());
                }
                return loaded.catalogue();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Epoch ms of a Shanghai local time "2026-11-25T10:00". */
    public static long at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(SHANGHAI).toInstant().toEpochMilli();
    }
}
