package io.gyro.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The HTTP API's bearer token: the configured {@code http.token}, or else one generated on first
 * start and kept in {@code <dataDir>/api-token} (readable by its owner only), which the CLI reads.
 */
public final class ApiToken {
    public static final String FILE = "api-token";

    private ApiToken() {
    }

    public static String resolve(String configured, Path dataDir) throws IOException {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        Path file = dataDir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!token.isEmpty()) {
                return token;
            }
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system: the directory's own permissions protect it.
        }
        return token;
    }

    /** For the CLI: the token from the environment, or from a data directory's file. */
    public static String forClient(String explicit, Path dataDir) throws IOException {
        if (explicit != null && !explicit.isBlank()) {
            return explicit.trim();
        }
        String env = System.getenv("GYRO_API_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Path file = dataDir.resolve(FILE);
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.US_ASCII).trim() : "";
    }
}
