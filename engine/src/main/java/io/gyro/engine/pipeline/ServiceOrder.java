package io.gyro.engine.pipeline;

import io.gyro.rating.catalogue.Catalogue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The catalogue's services in the order a data directory's balances know them. Account buckets and open session slots
 * name their service by its position in the catalogue's list of services, so the catalogue a data directory is served
 * with must keep every service it has ever been served with at its position (new services go after them).
 *
 * <p>The order is kept in {@code data/catalogue-services}, one service name a line, written (atomically) at start, by
 * a reload and by a bulk load, and checked before any of them uses a catalogue. Called off the hot path: at start on
 * the main thread, on a reload on the charging thread between two requests.
 */
public final class ServiceOrder {
    public static final String FILE_NAME = "catalogue-services";

    private ServiceOrder() {
    }

    /** The services this data directory was last served with, in order; empty for a new directory. */
    public static List<String> recorded(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        return names;
    }

    /** The services of {@code catalogue}, in order. */
    public static List<String> of(Catalogue catalogue) {
        List<String> names = new ArrayList<>(catalogue.serviceCount());
        for (int i = 0; i < catalogue.serviceCount(); i++) {
            names.add(catalogue.serviceName(i));
        }
        return names;
    }

    /** What stops {@code next} from serving balances made with services {@code served}: one line per service. */
    public static List<String> problems(List<String> served, Catalogue next) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < served.size(); i++) {
            String name = served.get(i);
            int at = next.serviceIndexByName(name);
            if (at < 0) {
                problems.add("service " + name + " is not in the new catalogue: balances and open sessions refer to it");
            } else if (at != i) {
                problems.add("service " + name + " moved from position " + (i + 1) + " to " + (at + 1)
                        + " of services: keep the services in service in their order and add new ones after them");
            }
        }
        return problems;
    }

    /** Records the services of {@code catalogue} as this data directory's order. */
    public static void record(Path dataDir, Catalogue catalogue) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        Files.write(tmp, of(catalogue), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
