package io.gyro.engine.pipeline;

import java.nio.file.Path;

/** The repository's sample catalogue, found from the working directory up. */
final class SampleCatalogue {
    private SampleCatalogue() {
    }

    static Path path() {
        Path p = Path.of("").toAbsolutePath();
        while (!p.resolve("config/catalogue.yaml").toFile().exists()) {
            p = p.getParent();
        }
        return p.resolve("config/catalogue.yaml");
    }
}
