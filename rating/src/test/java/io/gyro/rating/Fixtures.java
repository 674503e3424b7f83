package io.gyro.rating;

import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** Shared test fixtures: the sample catalogue and Shanghai local times. */
public final class Fixtures {

    public static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    public static final long CNY = 1_000_000L;
    public static final long MB = 1024L * 1024;
    public static final long GB = 1024L * MB;

    private static Catalogue sample;

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

    /** Epoch ms of a Shanghai local time "2026-11-25T10:00". */
    public static long at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(SHANGHAI).toInstant().toEpochMilli();
    }
}
