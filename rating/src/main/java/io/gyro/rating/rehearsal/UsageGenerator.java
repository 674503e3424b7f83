package io.gyro.rating.rehearsal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.SplittableRandom;

/**
 * Writes a synthetic usage file for rehearsals: a realistic mix of data sessions, calls and SMS
 * over 30 days, spread over a population of subscribers on the sample packages, with a few
 * roaming records and a few premium numbers. Deterministic for a given seed.
 */
public final class UsageGenerator {

    private static final String[] PACKAGES = {"basic", "basic", "basic", "basic", "data-max", "data-max", "voice-max",
            "payg", "payg", "basic+day-pass", "basic+roaming-addon", "data-max+roaming-addon"};
    private static final String[] NATIONAL = {"138", "139", "186", "177", "010", "021", "0755"};
    private static final String[] INTERNATIONAL = {"+44", "+1", "+81", "+852", "+65"};
    private static final String[] ROAMING = {"45400", "44010", "23410", "310260", "90112"};

    private UsageGenerator() {
    }

    /** Writes {@code lines} records (plus a header) to {@code file}. */
    public static void write(Path file, long lines, long seed, int subscribers) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        LocalDateTime start = LocalDateTime.of(2026, 11, 1, 0, 0);
        StringBuilder sb = new StringBuilder(128);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("package,time,service,units,called,visited,subscriber\n");
            for (long i = 0; i < lines; i++) {
                sb.setLength(0);
                int sub = r.nextInt(subscribers);
                String pkg = PACKAGES[sub % PACKAGES.length];
                // minute of the month, in order so per-subscriber periods advance
                long minute = i * (30L * 24 * 60) / Math.max(1, lines);
                LocalDateTime t = start.plusMinutes(minute).plusSeconds(r.nextInt(60));
                sb.append(pkg).append(',').append(t).append(',');
                int kind = r.nextInt(10);
                boolean roaming = pkg.contains("roaming") && r.nextInt(4) == 0;
                String visited = roaming ? ROAMING[r.nextInt(ROAMING.length)] : "";
                if (kind < 6) {
                    long bytes = r.nextInt(4) == 0 ? 1 + r.nextInt(200_000) : 1 + r.nextLong(50L * 1024 * 1024);
                    sb.append(r.nextBoolean() ? "data" : "32251@3gpp.org:100").append(',').append(bytes).append(",,");
                } else if (kind < 9) {
                    int seconds = 1 + (r.nextInt(5) == 0 ? r.nextInt(1800) : r.nextInt(180));
                    sb.append("voice,").append(seconds).append(',').append(number(r)).append(',');
                } else {
                    sb.append("32274@3gpp.org,1,").append(number(r)).append(',');
                }
                sb.append(visited).append(",s").append(sub).append('\n');
                w.append(sb);
            }
        }
    }

    private static String number(SplittableRandom r) {
        int p = r.nextInt(100);
        StringBuilder n = new StringBuilder(16);
        if (p < 2) {
            n.append("12590").append(1000 + r.nextInt(9000));
        } else if (p < 8) {
            n.append(INTERNATIONAL[r.nextInt(INTERNATIONAL.length)]).append(100_000_000 + r.nextInt(899_999_999));
        } else {
            n.append(NATIONAL[r.nextInt(NATIONAL.length)]).append(10_000_000 + r.nextInt(89_999_999));
        }
        return n.toString();
    }
}
