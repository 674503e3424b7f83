package io.gyro.bench.baseline;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.gyro.bench.load.LoadGenerator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Baselines of issue 5, section 3, in one run, driven by our load generator with the same
 * connections, window and workload for each: (b1) {@link JDiameterPlainServer}, (b2)
 * {@link JDiameterCcaSessionServer}, (c) the Gyro engine embedded (persistence on), (a) the null
 * responder. Not part of CI: runs only with {@code -Dgyro.baseline=true}:
 *
 * <pre>
 * mvn -B -o -q -pl bench -am test -Dtest=JDiameterBaselineRun -Dgyro.baseline=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * System properties (defaults): {@code gyro.baseline.warmup} (10 s: jDiameter needs about that to reach its pace), {@code gyro.baseline.duration}
 * (15 s), {@code gyro.baseline.connections} (1), {@code gyro.baseline.window} (100),
 * {@code gyro.baseline.sessions} (1000), {@code gyro.baseline.rounds} (1; rounds are interleaved),
 * {@code gyro.baseline.targets} (jdiameter-plain,jdiameter-cca-session,engine,null),
 * {@code gyro.baseline.out} (results/&lt;UTC date&gt;, relative to the bench module). Each run writes
 * the load generator's JSON, .hgrm and HTML there, and the run a summary
 * ({@code baseline-<time>-summary.txt}). Surefire redirects stdout to
 * {@code target/surefire-reports/io.gyro.bench.baseline.JDiameterBaselineRun-output.txt}.
 *
 * <p>Honesty: the load generator's own check applies (every answer 2001 at the top level and in
 * each MSCC, nothing unanswered); a run that fails it fails this test, after all runs are done.
 * Surefire runs with Netty's paranoid leak detection (the root POM's test flags); it is switched
 * off here for the measurement, as in production, and restored after.
 */
@EnabledIfSystemProperty(named = "gyro.baseline", matches = "true")
class JDiameterBaselineRun {
    private static final Pattern THROUGHPUT = Pattern.compile("\"throughputPerSecond\": ([0-9.eE+-]+|null)");
    private static final Pattern LATENCY = Pattern.compile(
            "\"latencyUs\": \\{\"p50\": ([0-9.eE+-]+|null), \"p90\": ([0-9.eE+-]+|null), \"p99\": ([0-9.eE+-]+|null),"
                    + " \"p99.9\": ([0-9.eE+-]+|null), \"max\": ([0-9.eE+-]+|null)");
    private static final Pattern PASSED = Pattern.compile("\"passed\": (true|false)");
    private static final Pattern FAILURES = Pattern.compile("\"failures\": \\{([^}]*)}");
    private static final Pattern RESULT_CODES = Pattern.compile("\"resultCodes\": \\{([^}]*)}");

    private static final List<String> TARGETS = List.of("jdiameter-plain", "jdiameter-cca-session", "engine", "null");

    private static ResourceLeakDetector.Level leakLevel;

    /** One load-generator run against one target. */
    record Run(String target, int round, String name, double loadAverage, int status, boolean passed, double throughput,
               double p50, double p90, double p99, double p999, double max, String resultCodes, String failures,
               String serverErrors) {
    }

    @BeforeAll
    static void quiet() {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        for (String name : List.of("org.jdiameter", "org.mobicents", "io.gyro", "net.openhft")) {
            ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
        }
    }

    @AfterAll
    static void restore() {
        ResourceLeakDetector.setLevel(leakLevel);
    }

    @Test
    void jDiameterPlainAndCcaSessionVersusEngineAndNullResponder() throws Exception {
        int warmup = Integer.getInteger("gyro.baseline.warmup", 10);
        int duration = Integer.getInteger("gyro.baseline.duration", 15);
        int connections = Integer.getInteger("gyro.baseline.connections", 1);
        int window = Integer.getInteger("gyro.baseline.window", 100);
        int sessions = Integer.getInteger("gyro.baseline.sessions", 1000);
        int rounds = Integer.getInteger("gyro.baseline.rounds", 1);
        Path out = outDir();
        Files.createDirectories(out);
        String stem = "baseline-" + LocalTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HHmm"));
        String uptimeBefore = uptime();
        List<String> common = List.of("-c", String.valueOf(connections), "-n", String.valueOf(sessions),
                "-w", String.valueOf(window), "--warmup", String.valueOf(warmup), "-d", String.valueOf(duration),
                "--drain-seconds", "15", "--out", out.toString());

        List<String> targets = List.of(System.getProperty("gyro.baseline.targets", String.join(",", TARGETS)).split(","));
        List<Run> runs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (String target : targets) {
                String name = stem + "-" + target + (rounds > 1 ? "-" + round : "");
                runs.add(run(target, round, name, out, common));
            }
        }

        String summary = summary(runs, uptimeBefore, uptime(), connections, window, sessions, warmup, duration);
        System.out.println(summary);
        Files.writeString(out.resolve(stem + "-summary.txt"), summary);
        for (Run r : runs) {
            assertTrue(r.status == 0 && r.passed && r.serverErrors.isEmpty(),
                    r.name + " did not pass: status " + r.status + ", result codes " + r.resultCodes + ", failures "
                            + r.failures + ", server errors " + r.serverErrors + "\n" + summary);
        }
    }

    private static Run run(String target, int round, String name, Path out, List<String> common) throws Exception {
        double load = loadAverage();
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of("--name", name));
        JDiameterBaselineServer server = null;
        int status;
        try {
            switch (target) {
                case "jdiameter-plain" -> server = new JDiameterPlainServer(JDiameterBaselineServer.freePort());
                case "jdiameter-cca-session" -> server = new JDiameterCcaSessionServer(JDiameterBaselineServer.freePort());
                case "engine" -> args.add("--embedded");
                case "null" -> args.add("--null-responder");
                default -> throw new IllegalArgumentException(target);
            }
            if (server != null) {
                server.start();
                args.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(server.port)));
            }
            System.out.printf(Locale.ROOT, "%n===== %s (round %d), load average %.2f: %s%n", target, round, load, args);
            LoadGenerator generator = new LoadGenerator();
            new CommandLine(generator).parseArgs(args.toArray(new String[0]));
            status = generator.call();
        } finally {
            if (server != null) {
                server.close();
            }
        }
        String errors = server == null || server.handlerErrors.sum() == 0 ? ""
                : server.handlerErrors.sum() + " handler errors, first: " + server.firstErrors;
        Path json = out.resolve(name + ".json");
        if (!Files.exists(json)) {
            return new Run(target, round, name, load, status, false, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, "", "no report (run aborted)", errors);
        }
        String report = Files.readString(json);
        Matcher t = find(THROUGHPUT, report);
        Matcher l = find(LATENCY, report);
        return new Run(target, round, name, load, status, Boolean.parseBoolean(find(PASSED, report).group(1)),
                num(t.group(1)), num(l.group(1)), num(l.group(2)), num(l.group(3)), num(l.group(4)), num(l.group(5)),
                compact(find(RESULT_CODES, report).group(1)), compact(find(FAILURES, report).group(1)), errors);
    }

    private static String summary(List<Run> runs, String uptimeBefore, String uptimeAfter, int connections, int window,
                                  int sessions, int warmup, int duration) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Baselines, closed loop: %d connection(s), %d in flight per connection, %d PGW"
                        + " sessions (CCR-I, 3 CCR-U, CCR-T) + 10%% SMS events, %d s warm-up + %d s measured, %d cores%n",
                connections, window, sessions, warmup, duration, Runtime.getRuntime().availableProcessors()));
        b.append("uptime before: ").append(uptimeBefore).append('\n');
        b.append("uptime after:  ").append(uptimeAfter).append('\n');
        b.append(String.format(Locale.ROOT, "%-22s %5s %6s %12s %9s %9s %9s %10s %10s  %s%n", "target", "round",
                "load", "answers/s", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us", "verdict"));
        for (Run r : runs) {
            b.append(String.format(Locale.ROOT, "%-22s %5d %6.2f %12.0f %9.0f %9.0f %9.0f %10.0f %10.0f  %s%n", r.target,
                    r.round, r.loadAverage, r.throughput, r.p50, r.p90, r.p99, r.p999, r.max,
                    (r.passed ? "PASSED " : "FAILED ") + r.resultCodes + (r.passed ? "" : " " + r.failures)
                            + (r.serverErrors.isEmpty() ? "" : " " + r.serverErrors)));
        }
        Map<String, Double> median = new LinkedHashMap<>();
        for (String target : TARGETS) {
            median.put(target, median(runs.stream().filter(r -> r.target.equals(target)).mapToDouble(Run::throughput).toArray()));
        }
        b.append(String.format(Locale.ROOT, "throughput (median over rounds): plain %.0f, ccaSession %.0f, engine %.0f, null %.0f%n",
                median.get("jdiameter-plain"), median.get("jdiameter-cca-session"), median.get("engine"), median.get("null")));
        b.append(String.format(Locale.ROOT, "ratios: engine/plain %.2f, engine/ccaSession %.2f, null/plain %.2f,"
                        + " engine/null %.3f, plain/ccaSession %.2f%n",
                median.get("engine") / median.get("jdiameter-plain"), median.get("engine") / median.get("jdiameter-cca-session"),
                median.get("null") / median.get("jdiameter-plain"), median.get("engine") / median.get("null"),
                median.get("jdiameter-plain") / median.get("jdiameter-cca-session")));
        return b.toString();
    }

    private static Path outDir() {
        String configured = System.getProperty("gyro.baseline.out");
        if (configured != null) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("basedir", "."), "results", LocalDate.now(ZoneOffset.UTC).toString());
    }

    private static Matcher find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + p + " in report");
        }
        return m;
    }

    private static double num(String s) {
        return s.equals("null") ? Double.NaN : Double.parseDouble(s);
    }

    private static String compact(String s) {
        return "{" + s.replaceAll("\\s+", " ").trim() + "}";
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return s;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "load average " + loadAverage() + " (/proc/loadavg)";
        }
    }
}
