package io.gyro.engine.crash;

import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The engine as a user runs it ({@code io.gyro.engine.Main serve}), in a child JVM on free loopback
 * ports, so that the test can SIGKILL it ({@link Process#destroyForcibly()}) and start it again on the
 * same data directory. Output goes to a log file per run.
 */
final class ChildEngine {
    final Process process;
    final int diameterPort;
    final int httpPort;
    final File log;
    /** Launch to first CEA, in ms. */
    final long readyMillis;

    private ChildEngine(Process process, int diameterPort, int httpPort, File log, long readyMillis) {
        this.process = process;
        this.diameterPort = diameterPort;
        this.httpPort = httpPort;
        this.log = log;
        this.readyMillis = readyMillis;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !p.resolve("config/catalogue.yaml").toFile().exists()) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (config/catalogue.yaml)");
        }
        return p;
    }

    /** The java command of this JVM: same JDK, class path, and the module/Chronicle flags the engine needs. */
    static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Dchronicle")) {
                cmd.add(arg);
            }
        }
        cmd.add("-Xmx512m");
        // Test-only: C1 and the serial collector start the engine faster on a loaded 2-core CI box.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        return cmd;
    }

    /**
     * Starts {@code Main serve} on {@code dataDir} with {@code settings} (plus fresh ports) and waits,
     * at most {@code bound}, until the Diameter port answers a CER with a CEA and the HTTP port accepts a connection.
     */
    static ChildEngine start(Path dataDir, Path logDir, int run, Map<String, String> settings, DiameterClient probe,
                             Duration bound) throws Exception {
        int diameterPort = freePort();
        int httpPort = freePort();
        List<String> cmd = javaCommand();
        cmd.add("io.gyro.engine.Main");
        cmd.add("serve");
        cmd.add("--data-dir");
        cmd.add(dataDir.toString());
        cmd.add("--set");
        cmd.add("diameter.port=" + diameterPort);
        cmd.add("--set");
        cmd.add("http.port=" + httpPort);
        for (Map.Entry<String, String> s : settings.entrySet()) {
            cmd.add("--set");
            cmd.add(s.getKey() + "=" + s.getValue());
        }
        File log = logDir.resolve("engine-run-" + run + ".log").toFile();
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log)).start();
        long deadline = t0 + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("engine run " + run + " exited with " + process.exitValue() + ":\n" + tail(log));
            }
            try {
                PeerConnection peer = probe.connect(new InetSocketAddress("127.0.0.1", diameterPort))
                        .get(2, TimeUnit.SECONDS);
                peer.close();
                // The HTTP API is bound after Diameter: a test that asks it at once must find it listening.
                try (java.net.Socket http = new java.net.Socket()) {
                    http.connect(new InetSocketAddress("127.0.0.1", httpPort), 2_000);
                }
                return new ChildEngine(process, diameterPort, httpPort, log,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (Exception notYet) {
                Thread.sleep(25);
            }
        }
        process.destroyForcibly();
        throw new AssertionError("engine run " + run + " did not answer CER within " + bound + ":\n" + tail(log));
    }

    /** SIGKILL; returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            throw new AssertionError("killed engine still alive after 15 s");
        }
    }

    /** SIGTERM: the shutdown hook drains, sends DPR and closes the stores (clean-shutdown marker). */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("engine did not stop within 30 s of SIGTERM:\n" + tail(log));
        }
    }

    /** The line of the log that starts with {@code marker}, or null. */
    String logLine(String marker) {
        try {
            for (String line : Files.readAllLines(log.toPath())) {
                if (line.contains(marker)) {
                    return line;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static String tail(File f) {
        try {
            String all = Files.readString(f.toPath());
            return all.substring(Math.max(0, all.length() - 6000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
