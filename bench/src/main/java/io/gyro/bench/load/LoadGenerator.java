package io.gyro.bench.load;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.gyro.engine.Engine;
import io.gyro.engine.EngineConfig;
import io.gyro.engine.bulk.BulkLoader;
import io.gyro.engine.status.LatencyHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Diameter Gy load generator: plays N PGW sessions (CCR-I, K CCR-U with used units, CCR-T,
 * again) plus SMS events over M connections against a running Gyro (or any Gy server), or an
 * engine it starts in-process ({@code --embedded}). Closed loop: W requests in flight per
 * connection, one step per window to find the maximum. Open loop: a fixed offered rate, latency
 * measured from each request's intended send time (no coordinated omission). Each step has a
 * warm-up, then a timed run; the run reports throughput, p50/p90/p99/p99.9/max and answers by
 * Result-Code, and writes JSON, .hgrm and HTML. Every answer must be 2001 (top level and MSCC):
 * anything else, or a request left unanswered, fails the run (exit status 1).
 *
 * <p>Threads: the main thread drives the phases and samples the latency recorder once a second;
 * the client's event loop(s) send and receive.
 */
@Command(name = "gyro-load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Diameter Gy load generator: PGW sessions and SMS events against Gyro.")
public final class LoadGenerator implements Callable<Integer> {
    @Option(names = "--embedded", description = "Start an engine in this JVM (temporary data dir, demo population of --subscribers).")
    boolean embedded;
    @Option(names = "--null-responder", description = "Start a NullResponder in this JVM instead (the ceiling: 2001 on the event loop, no state).")
    boolean nullResponder;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (default ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--port", defaultValue = "3868", description = "Server Diameter port (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--set", description = "Embedded engine setting name=value (repeatable), e.g. journal.fsync=true.")
    Map<String, String> engineSettings = new LinkedHashMap<>();
    @Option(names = "--catalogue", description = "Embedded engine catalogue (default: config/catalogue.yaml here or in a parent directory).")
    Path catalogue;
    @Option(names = "--data-dir", description = "Embedded engine data directory (default: a temporary one, deleted after).")
    Path dataDir;

    @Option(names = {"-c", "--connections"}, defaultValue = "1", description = "Diameter connections M (default ${DEFAULT-VALUE}).")
    int connections;
    @Option(names = {"-n", "--sessions"}, defaultValue = "1000", description = "PGW sessions N, over all connections (default ${DEFAULT-VALUE}).")
    int sessions;
    @Option(names = {"-k", "--updates"}, defaultValue = "3", description = "CCR-U per session between CCR-I and CCR-T (default ${DEFAULT-VALUE}).")
    int updates;
    @Option(names = "--used-octets", defaultValue = "100000", description = "Octets each CCR-U and CCR-T reports used (default ${DEFAULT-VALUE}).")
    long usedOctets;
    @Option(names = "--sms-share", defaultValue = "0.1", description = "Share of requests that are SMS events, 0..1 (default ${DEFAULT-VALUE}).")
    double smsShare;
    @Option(names = "--subscribers", defaultValue = "10000", description = "Demo subscribers used, from --first-msisdn (default ${DEFAULT-VALUE}).")
    int subscribers;
    @Option(names = "--first-msisdn", defaultValue = "8617000000001", description = "First demo MSISDN (default ${DEFAULT-VALUE}).")
    long firstMsisdn;
    @Option(names = "--subscribers-count", description = "Draw each session's (and SMS's) subscriber uniformly at random "
            + "from this many MSISDNs from --subscribers-from, instead of the demo population: a bulk-loaded range "
            + "(gyro bulk-load). With --embedded and no --data-dir, the range is bulk-loaded into the temporary directory.")
    Long subscribersCount;
    @Option(names = "--subscribers-from", description = "First MSISDN of the --subscribers-count range (default: --first-msisdn).")
    Long subscribersFrom;
    @Option(names = "--first-imsi", defaultValue = "460990000000001",
            description = "First IMSI when --embedded bulk-loads the --subscribers-count range (default ${DEFAULT-VALUE}).")
    long firstImsi;

    @Option(names = "--mode", defaultValue = "closed", description = "closed | open (default ${DEFAULT-VALUE}).")
    String mode;
    @Option(names = {"-w", "--window"}, split = ",", defaultValue = "100",
            description = "Closed loop: requests in flight per connection; a list runs one step each (default ${DEFAULT-VALUE}).")
    List<Integer> windows;
    @Option(names = {"-r", "--rate"}, split = ",", defaultValue = "10000",
            description = "Open loop: offered requests/s over all connections; a list runs one step each (default ${DEFAULT-VALUE}).")
    List<Double> rates;
    @Option(names = "--max-in-flight", defaultValue = "5000", description = "Open loop: cap per connection (default ${DEFAULT-VALUE}).")
    int maxInFlight;
    @Option(names = "--tick-us", defaultValue = "200", description = "Open loop: sending tick in microseconds (default ${DEFAULT-VALUE}).")
    long tickMicros;
    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds per step (default ${DEFAULT-VALUE}).")
    int warmupSeconds;
    @Option(names = {"-d", "--duration"}, defaultValue = "10", description = "Measured seconds per step (default ${DEFAULT-VALUE}).")
    int durationSeconds;
    @Option(names = "--drain-seconds", defaultValue = "10", description = "Wait for outstanding answers at the end (default ${DEFAULT-VALUE}).")
    int drainSeconds;
    @Option(names = "--connect-seconds", defaultValue = "30", description = "Time allowed for TCP connect + CER/CEA (default ${DEFAULT-VALUE}).")
    int connectSeconds;
    @Option(names = "--client-threads", defaultValue = "1", description = "Client event-loop threads (default ${DEFAULT-VALUE}).")
    int clientThreads;
    @Option(names = "--origin-host", defaultValue = "pgw.load.gyro", description = "Client Origin-Host (default ${DEFAULT-VALUE}).")
    String originHost;
    @Option(names = "--origin-realm", defaultValue = "load.gyro", description = "Client Origin-Realm (default ${DEFAULT-VALUE}).")
    String originRealm;
    @Option(names = "--destination-realm", defaultValue = "gyro.local", description = "Destination-Realm (default ${DEFAULT-VALUE}).")
    String destinationRealm;
    @Option(names = {"-o", "--out"}, defaultValue = "load-results", description = "Directory for JSON, .hgrm, HTML (default ${DEFAULT-VALUE}).")
    Path outDir;
    @Option(names = "--name", description = "File name stem of the reports (default: load-<mode>-<time>).")
    String name;
    @Option(names = "--quiet", description = "No per-second lines.")
    boolean quiet;

    PrintStream console = System.out;

    /** The engine started with --embedded, whose own latency is reported next to the client's; else null. */
    private Engine engine;

    /** Set after {@link #call()}: the steps and the verdict (for the smoke test). */
    final List<StepResult> steps = new ArrayList<>();
    final Map<Integer, Long> resultCodes = new LinkedHashMap<>();
    final Map<String, Long> failures = new LinkedHashMap<>();
    boolean passed;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String problem = check();
        if (problem != null) {
            throw new CommandLine.ParameterException(new CommandLine(this), problem);
        }
        if (name == null) {
            name = "load-" + mode + "-" + System.currentTimeMillis() / 1000;
        }
        engine = null;
        NullResponder responder = null;
        Path tempDir = null;
        try {
            InetSocketAddress target;
            if (nullResponder) {
                responder = new NullResponder().listenOn("127.0.0.1", 0);
                target = responder.start();
                console.printf(Locale.ROOT, "null responder on %s%n", target);
            } else if (embedded) {
                if (dataDir == null) {
                    tempDir = Files.createTempDirectory("gyro-load");
                }
                long t0 = System.nanoTime();
                Map<String, String> settings = embeddedSettings(dataDir != null ? dataDir : tempDir);
                if (subscribersCount != null && dataDir == null) {
                    bulkLoad(settings);
                }
                engine = Engine.start(EngineConfig.load(null, settings));
                target = new InetSocketAddress("127.0.0.1", engine.diameterAddress().getPort());
                console.printf(Locale.ROOT, "embedded engine on %s, %d subscribers, started in %d ms%n", target,
                        subscribersCount != null ? subscribersCount : subscribers,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } else {
                target = new InetSocketAddress(host, port);
            }
            run(target);
        } catch (IllegalStateException e) {
            console.println("run aborted: " + e.getMessage());
            return 2;
        } finally {
            if (responder != null) {
                responder.close();
            }
            if (engine != null) {
                engine.close();
            }
            if (tempDir != null) {
                deleteTree(tempDir);
            }
        }
        Map<String, Object> settings = settings();
        Reports.writeAll(outDir, name, settings, steps, resultCodes, failures, passed);
        console.printf(Locale.ROOT, "%s: %s (reports in %s/%s.{json,html}, -<step>.hgrm)%n", name,
                passed ? "PASSED" : "FAILED", outDir, name);
        return passed ? 0 : 1;
    }

    private String check() {
        if (embedded && nullResponder) {
            return "--embedded and --null-responder: choose one";
        }
        if (!mode.equals("closed") && !mode.equals("open")) {
            return "--mode=" + mode + ": must be closed or open";
        }
        if (connections < 1 || sessions < connections) {
            return "--sessions=" + sessions + " --connections=" + connections + ": need at least one session per connection";
        }
        if (smsShare < 0 || smsShare > 1) {
            return "--sms-share=" + smsShare + ": must be between 0 and 1";
        }
        if (updates < 0 || usedOctets < 4 || subscribers < 1 || durationSeconds < 1 || warmupSeconds < 0) {
            return "--updates, --used-octets, --subscribers, --duration and --warmup must be positive";
        }
        if (subscribersCount != null && (subscribersCount < 1 || subscribersCount > 100_000_000L)) {
            return "--subscribers-count=" + subscribersCount + ": must be 1 to 100,000,000";
        }
        if (subscribersFrom != null && subscribersCount == null) {
            return "--subscribers-from needs --subscribers-count";
        }
        for (int w : windows) {
            if (w < 1) {
                return "--window=" + w + ": must be at least 1";
            }
        }
        for (double r : rates) {
            if (r <= 0) {
                return "--rate=" + r + ": must be positive";
            }
        }
        return null;
    }

    Map<String, String> embeddedSettings(Path dir) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("dataDir", dir.toString());
        Path file = catalogue != null ? catalogue : findUp("config/catalogue.yaml");
        if (file == null) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--catalogue: config/catalogue.yaml not found here or above; pass --catalogue=path");
        }
        o.put("catalogue", file.toString());
        o.put("diameter.port", String.valueOf(freePort()));
        o.put("http.port", String.valueOf(freePort()));
        o.put("demo.count", String.valueOf(subscribers));
        o.put("demo.firstMsisdn", String.valueOf(firstMsisdn));
        o.put("stores.maxSubscribers", String.valueOf(Math.max(1000, subscribersCount != null ? subscribersCount : subscribers)));
        if (subscribersCount != null) {
            o.put("demo.provision", "false");
        }
        // The engine keeps ended sessions and SMS events for sessions.graceSeconds (60 s) to answer
        // retransmissions, so the store must hold new Session-Ids/s x grace, not only open sessions.
        o.put("stores.maxSessions", String.valueOf(Math.max(1_000_000, 4L * sessions)));
        o.putAll(engineSettings);
        return o;
    }

    private long pickFrom() {
        return subscribersFrom != null ? subscribersFrom : firstMsisdn;
    }

    /** Provisions the --subscribers-count range into a fresh embedded data directory, as `gyro bulk-load` does. */
    private void bulkLoad(Map<String, String> settings) throws IOException {
        EngineConfig config = EngineConfig.load(null, settings);
        BulkLoader.Plan plan = new BulkLoader.Plan(pickFrom(), firstImsi, subscribersCount, config.string("demo.package"),
                io.gyro.rating.money.Money.parseMicros(config.string("demo.balance")), true, false);
        try {
            BulkLoader.load(config, plan, console, System.currentTimeMillis());
        } catch (BulkLoader.Refused e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
    }

    private void run(InetSocketAddress target) throws Exception {
        Stats stats = new Stats();
        int perConnection = sessions / connections;
        Workload workload = new Workload(perConnection, updates, usedOctets, smsShare, firstMsisdn, subscribers,
                subscribersCount != null ? pickFrom() : 0, subscribersCount != null ? subscribersCount : 0,
                originHost, originRealm, destinationRealm, System.currentTimeMillis() / 1000);
        LocalPeer local = LocalPeer.builder(originHost, originRealm).requestTimeout(Duration.ofSeconds(30)).build();
        try (DiameterClient client = new DiameterClient(local, clientThreads)) {
            List<LoadConnection> conns = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                PeerConnection peer;
                try {
                    peer = client.connect(target).get(connectSeconds, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("connection " + c + " to " + target + " not open after "
                            + connectSeconds + " s (TCP + CER/CEA): " + e, e);
                }
                conns.add(new LoadConnection(c, peer, workload, stats));
            }
            if (mode.equals("closed")) {
                for (int w : windows) {
                    if (w > perConnection && smsShare < 1) {
                        console.printf(Locale.ROOT, "note: window %d > %d sessions per connection: in flight is capped by sessions%n",
                                w, perConnection);
                    }
                    StepResult step = new StepResult("w" + w, mode, w, 0);
                    runStep(step, conns, stats, () -> all(conns, c -> c.startClosed(w)));
                    steps.add(step);
                }
            } else {
                for (double r : rates) {
                    StepResult step = new StepResult("r" + Reports.num(r), mode, 0, r);
                    runStep(step, conns, stats, () -> all(conns, c -> c.startOpen(r / connections, maxInFlight, tickMicros)));
                    steps.add(step);
                }
            }
            all(conns, LoadConnection::terminateOpenSessions);
            drain(conns);
            all(conns, LoadConnection::abandon);
            List<CompletableFuture<Void>> closing = new ArrayList<>();
            for (LoadConnection c : conns) {
                closing.add(c.peer().disconnect(Enumerations.REBOOTING));
            }
            try {
                CompletableFuture.allOf(closing.toArray(new CompletableFuture[0])).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the server may close first; nothing is pending any more
            }
        }
        collect(stats);
    }

    private interface StepStart {
        void start() throws Exception;
    }

    private void runStep(StepResult step, List<LoadConnection> conns, Stats stats, StepStart start) throws Exception {
        console.printf(Locale.ROOT, "== step %s: %s loop, %d connections, %s, warm-up %d s, measure %d s%n", step.label, mode,
                connections, step.window > 0 ? step.window + " in flight per connection" : Reports.num(step.rate) + " req/s offered",
                warmupSeconds, durationSeconds);
        stats.latency.reset();
        long sentBefore = stats.sent.sum();
        long lateBefore = stats.late.sum();
        start.start();
        long begin = System.nanoTime();
        long last = begin;
        Histogram interval = null;
        long[] engineAtLast = engineSnapshot();
        // where the measured window starts in the engine's histogram: now, or at the end of the warm-up
        long[] engineAtMeasure = warmupSeconds == 0 ? engineAtLast : null;
        int total = warmupSeconds + durationSeconds;
        for (int s = 1; s <= total; s++) {
            long wake = begin + s * 1_000_000_000L;
            long sleep = wake - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            interval = stats.latency.getIntervalHistogram(interval);
            long now = System.nanoTime();
            boolean warm = s <= warmupSeconds;
            long[] engineNow = engineSnapshot();
            step.seconds.add(new StepResult.Second((now - begin) / 1e9, warm, interval,
                    engineNow == null ? null : LatencyHistogram.minus(engineNow, engineAtLast)));
            engineAtLast = engineNow;
            if (s == warmupSeconds) {
                engineAtMeasure = engineNow;
            }
            if (!warm) {
                step.histogram.add(interval);
                step.measuredAnswers += interval.getTotalCount();
                step.measuredSeconds += (now - last) / 1e9;
            }
            last = now;
            if (!quiet) {
                StepResult.Second p = step.seconds.get(step.seconds.size() - 1);
                console.printf(Locale.ROOT, "%s %3d s %9d answers/s  p50 %8.1f us  p99 %8.1f us  p99.9 %8.1f us  max %9.1f us%s%n",
                        warm ? "warm" : "meas", s, p.answers, p.p50Us, p.p99Us, p.p999Us, p.maxUs,
                        p.engine == null ? "" : String.format(Locale.ROOT, "  | in engine p99 %8.1f us  p99.9 %8.1f us",
                                StepResult.engineUs(p.engine, 0.99), StepResult.engineUs(p.engine, 0.999)));
            }
        }
        all(conns, LoadConnection::stop);
        drain(conns);
        // Answers to requests sent in the measured time count for latency, not for throughput.
        interval = stats.latency.getIntervalHistogram(interval);
        step.histogram.add(interval);
        step.sent = stats.sent.sum() - sentBefore;
        step.late = stats.late.sum() - lateBefore;
        long[] engineAtEnd = engineSnapshot();
        if (engineAtEnd != null) {
            step.engine = LatencyHistogram.minus(engineAtEnd, engineAtMeasure);
        }
        console.printf(Locale.ROOT, "== step %s: %.0f answers/s; latency us p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f%n",
                step.label, step.throughput(), step.percentileUs(50), step.percentileUs(90), step.percentileUs(99),
                step.percentileUs(99.9), step.maxUs());
        if (step.engine != null) {
            console.printf(Locale.ROOT, "== step %s, in the engine (decode to answer handed to Netty): p50 %.1f p90 %.1f p99 %.1f"
                            + " p99.9 %.1f max %.1f us over %d answers%n", step.label, StepResult.engineUs(step.engine, 0.5),
                    StepResult.engineUs(step.engine, 0.9), StepResult.engineUs(step.engine, 0.99),
                    StepResult.engineUs(step.engine, 0.999), StepResult.engineUs(step.engine, 1.0),
                    LatencyHistogram.count(step.engine));
        }
    }

    private long[] engineSnapshot() {
        return engine == null ? null : engine.latencySnapshot();
    }

    private void drain(List<LoadConnection> conns) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
        while (System.nanoTime() < deadline) {
            int outstanding = 0;
            for (LoadConnection c : conns) {
                outstanding += c.inFlight().get(5, TimeUnit.SECONDS);
            }
            if (outstanding == 0) {
                return;
            }
            Thread.sleep(10);
        }
    }

    private void collect(Stats stats) {
        long answers = 0;
        long success = 0;
        for (int code = 0; code < stats.maxCode(); code++) {
            long n = stats.resultCodeCount(code);
            if (n > 0) {
                resultCodes.put(code, n);
                answers += n;
                if (code == ResultCode.DIAMETER_SUCCESS) {
                    success = n;
                }
            }
        }
        failures.put("answersNot2001", answers - success + stats.otherResultCodes.sum());
        failures.put("msccNot2001", stats.msccNotSuccess.sum());
        failures.put("unanswered", stats.unanswered.sum());
        passed = answers > 0 && failures.values().stream().allMatch(v -> v == 0);
        console.printf(Locale.ROOT, "answers by Result-Code: %s; failures: %s%n", resultCodes, failures);
        steps.stream().max(Comparator.comparingDouble(StepResult::throughput)).ifPresent(best ->
                console.printf(Locale.ROOT, "best step %s: %.0f answers/s%n", best.label, best.throughput()));
    }

    private Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("target", nullResponder ? "null-responder (in process)" : embedded ? "embedded engine" : host + ":" + port);
        if (embedded) {
            s.put("engineSettings", engineSettings.toString());
        }
        s.put("mode", mode);
        s.put("connections", connections);
        s.put("sessions", sessions);
        s.put("updatesPerSession", updates);
        s.put("usedOctets", usedOctets);
        s.put("smsShare", smsShare);
        if (subscribersCount != null) {
            s.put("subscribersFrom", pickFrom());
            s.put("subscribersCount", subscribersCount);
            s.put("subscriberPick", "uniform random per session and per SMS");
        } else {
            s.put("subscribers", subscribers);
        }
        s.put("windows", windows.toString());
        s.put("rates", rates.toString());
        s.put("warmupSeconds", warmupSeconds);
        s.put("durationSeconds", durationSeconds);
        s.put("clientThreads", clientThreads);
        s.put("cores", Runtime.getRuntime().availableProcessors());
        s.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return s;
    }

    private interface ConnAction {
        CompletableFuture<?> apply(LoadConnection c);
    }

    private static void all(List<LoadConnection> conns, ConnAction action) throws Exception {
        List<CompletableFuture<?>> fs = new ArrayList<>();
        for (LoadConnection c : conns) {
            fs.add(action.apply(c));
        }
        CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Path findUp(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        return null;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
