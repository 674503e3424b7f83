package io.gyro.bench.load;

import io.gyro.engine.status.LatencyHistogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's results: {@code <name>.json} (settings, every step, answers by Result-Code,
 * failures), one {@code <name>-<step>.hgrm} per step (HdrHistogram percentile distribution in
 * microseconds, for HdrHistogram's plotter) and {@code <name>.html} with a latency-over-time and a
 * percentile chart per step (inline SVG, no scripts). Main thread, after the run.
 */
final class Reports {
    private Reports() {
    }

    static void writeAll(Path dir, String name, Map<String, Object> settings, List<StepResult> steps,
                         Map<Integer, Long> resultCodes, Map<String, Long> failures, boolean passed) throws IOException {
        Files.createDirectories(dir);
        for (StepResult s : steps) {
            try (PrintStream out = new PrintStream(Files.newOutputStream(dir.resolve(name + "-" + s.label + ".hgrm")),
                    false, StandardCharsets.UTF_8)) {
                s.histogram.outputPercentileDistribution(out, 5, 1000.0);
            }
        }
        Files.writeString(dir.resolve(name + ".json"), json(settings, steps, resultCodes, failures, passed));
        Files.writeString(dir.resolve(name + ".html"), html(name, settings, steps, resultCodes, failures, passed));
    }

    static String json(Map<String, Object> settings, List<StepResult> steps, Map<Integer, Long> resultCodes,
                       Map<String, Long> failures, boolean passed) {
        StringBuilder b = new StringBuilder(4096);
        b.append("{\n  \"passed\": ").append(passed).append(",\n  \"settings\": {");
        String sep = "";
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            b.append(sep).append("\n    ").append(quote(e.getKey())).append(": ").append(value(e.getValue()));
            sep = ",";
        }
        b.append("\n  },\n  \"resultCodes\": {");
        sep = "";
        for (Map.Entry<Integer, Long> e : resultCodes.entrySet()) {
            b.append(sep).append("\n    \"").append(e.getKey()).append("\": ").append(e.getValue());
            sep = ",";
        }
        b.append("\n  },\n  \"failures\": {");
        sep = "";
        for (Map.Entry<String, Long> e : failures.entrySet()) {
            b.append(sep).append("\n    ").append(quote(e.getKey())).append(": ").append(e.getValue());
            sep = ",";
        }
        b.append("\n  },\n  \"steps\": [");
        sep = "";
        for (StepResult s : steps) {
            b.append(sep).append("\n    {\"label\": ").append(quote(s.label))
                    .append(", \"mode\": ").append(quote(s.mode))
                    .append(", \"windowPerConnection\": ").append(s.window)
                    .append(", \"offeredRate\": ").append(num(s.rate))
                    .append(", \"sent\": ").append(s.sent)
                    .append(", \"measuredAnswers\": ").append(s.measuredAnswers)
                    .append(", \"measuredSeconds\": ").append(num(s.measuredSeconds))
                    .append(", \"throughputPerSecond\": ").append(num(s.throughput()))
                    .append(", \"sentLate\": ").append(s.late)
                    .append(",\n     \"latencyUs\": {\"p50\": ").append(num(s.percentileUs(50)))
                    .append(", \"p90\": ").append(num(s.percentileUs(90)))
                    .append(", \"p99\": ").append(num(s.percentileUs(99)))
                    .append(", \"p99.9\": ").append(num(s.percentileUs(99.9)))
                    .append(", \"max\": ").append(num(s.maxUs()))
                    .append(", \"count\": ").append(s.histogram.getTotalCount()).append('}');
            if (s.engine != null) {
                b.append(",\n     \"inEngineUs\": {\"p50\": ").append(num(StepResult.engineUs(s.engine, 0.5)))
                        .append(", \"p90\": ").append(num(StepResult.engineUs(s.engine, 0.9)))
                        .append(", \"p99\": ").append(num(StepResult.engineUs(s.engine, 0.99)))
                        .append(", \"p99.9\": ").append(num(StepResult.engineUs(s.engine, 0.999)))
                        .append(", \"max\": ").append(num(StepResult.engineUs(s.engine, 1.0)))
                        .append(", \"count\": ").append(LatencyHistogram.count(s.engine)).append('}');
            }
            b.append(",\n     \"perSecond\": [");
            String sep2 = "";
            for (StepResult.Second p : s.seconds) {
                b.append(sep2).append("\n       {\"t\": ").append(num(p.t)).append(", \"warmup\": ").append(p.warmup)
                        .append(", \"answers\": ").append(p.answers).append(", \"p50Us\": ").append(num(p.p50Us))
                        .append(", \"p99Us\": ").append(num(p.p99Us)).append(", \"p999Us\": ").append(num(p.p999Us))
                        .append(", \"maxUs\": ").append(num(p.maxUs));
                if (p.engine != null) {
                    b.append(", \"inEngineP99Us\": ").append(num(StepResult.engineUs(p.engine, 0.99)))
                            .append(", \"inEngineP999Us\": ").append(num(StepResult.engineUs(p.engine, 0.999)));
                }
                b.append('}');
                sep2 = ",";
            }
            b.append("]}");
            sep = ",";
        }
        b.append("\n  ]\n}\n");
        return b.toString();
    }

    private static String value(Object v) {
        if (v instanceof Number || v instanceof Boolean) {
            return v instanceof Double ? num((Double) v) : v.toString();
        }
        return v == null ? "null" : quote(v.toString());
    }

    static String num(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return String.format(Locale.ROOT, "%.3f", d);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String html(String name, Map<String, Object> settings, List<StepResult> steps, Map<Integer, Long> resultCodes,
                       Map<String, Long> failures, boolean passed) {
        StringBuilder b = new StringBuilder(16384);
        b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(esc(name))
                .append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}svg{border:1px solid #ddd;margin:4px}"
                        + ".fail{color:#b00}.pass{color:#070}</style></head><body>");
        b.append("<h1>Gyro load run ").append(esc(name)).append(" <span class=\"").append(passed ? "pass\">PASSED" : "fail\">FAILED")
                .append("</span></h1><h2>Settings</h2><table>");
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            b.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(String.valueOf(e.getValue()))).append("</td></tr>");
        }
        b.append("</table><h2>Answers by Result-Code</h2><table>");
        for (Map.Entry<Integer, Long> e : resultCodes.entrySet()) {
            b.append("<tr><th>").append(e.getKey()).append("</th><td>").append(e.getValue()).append("</td></tr>");
        }
        for (Map.Entry<String, Long> e : failures.entrySet()) {
            b.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(e.getValue()).append("</td></tr>");
        }
        b.append("</table><h2>Steps</h2><table><tr><th>step</th><th>throughput/s</th><th>p50 µs</th><th>p90 µs</th>"
                + "<th>p99 µs</th><th>p99.9 µs</th><th>max µs</th><th>answers</th></tr>");
        for (StepResult s : steps) {
            b.append("<tr><th>").append(esc(s.label)).append("</th><td>").append(num(Math.round(s.throughput())))
                    .append("</td><td>").append(num(s.percentileUs(50))).append("</td><td>").append(num(s.percentileUs(90)))
                    .append("</td><td>").append(num(s.percentileUs(99))).append("</td><td>").append(num(s.percentileUs(99.9)))
                    .append("</td><td>").append(num(s.maxUs())).append("</td><td>").append(s.measuredAnswers).append("</td></tr>");
            if (s.engine != null) {
                b.append("<tr><th>").append(esc(s.label)).append(", in the engine</th><td></td><td>")
                        .append(num(StepResult.engineUs(s.engine, 0.5))).append("</td><td>")
                        .append(num(StepResult.engineUs(s.engine, 0.9))).append("</td><td>")
                        .append(num(StepResult.engineUs(s.engine, 0.99))).append("</td><td>")
                        .append(num(StepResult.engineUs(s.engine, 0.999))).append("</td><td>")
                        .append(num(StepResult.engineUs(s.engine, 1.0))).append("</td><td>")
                        .append(LatencyHistogram.count(s.engine)).append("</td></tr>");
            }
        }
        b.append("</table>");
        if (steps.stream().anyMatch(s -> s.engine != null)) {
            b.append("<p>\"In the engine\": the embedded engine's own time per answer, from the request's decode on its event "
                    + "loop to the answer handed to Netty (ring, charging, journal); buckets at most 12.5 % wide.</p>");
        }
        for (StepResult s : steps) {
            b.append("<h3>").append(esc(s.label)).append("</h3>");
            overTime(b, s);
            percentiles(b, s);
        }
        b.append("<p>Latency is measured from the intended send time (open loop) or the send (closed loop), "
                + "recorded with HdrHistogram; percentile files: ").append(esc(name)).append("-&lt;step&gt;.hgrm.</p>");
        return b.append("</body></html>\n").toString();
    }

    private static final int W = 640;
    private static final int H = 280;
    private static final int PAD = 50;

    /** p50, p99, p99.9 and max per second, on a log scale (µs). Warm-up seconds are shaded. */
    private static void overTime(StringBuilder b, StepResult s) {
        if (s.seconds.isEmpty()) {
            return;
        }
        double tMax = s.seconds.get(s.seconds.size() - 1).t;
        double yMax = 1;
        for (StepResult.Second p : s.seconds) {
            yMax = Math.max(yMax, p.maxUs);
        }
        double logMax = Math.ceil(Math.log10(yMax));
        boolean engine = s.seconds.stream().anyMatch(p -> p.engine != null);
        svgStart(b, "latency over time (µs, log scale) — p50 blue, p99 orange, p99.9 red, max grey"
                + (engine ? ", p99 in the engine green dashed" : ""));
        for (StepResult.Second p : s.seconds) {
            if (p.warmup) {
                double x0 = x(p.t - 1, tMax);
                b.append("<rect x=\"").append(num(x0)).append("\" y=\"").append(PAD / 2).append("\" width=\"")
                        .append(num(x(p.t, tMax) - x0)).append("\" height=\"").append(H - PAD - PAD / 2).append("\" fill=\"#eee\"/>");
            }
        }
        logAxis(b, logMax);
        series(b, s, tMax, logMax, "#1f77b4", 0);
        series(b, s, tMax, logMax, "#ff7f0e", 1);
        series(b, s, tMax, logMax, "#d62728", 2);
        series(b, s, tMax, logMax, "#999", 3);
        if (engine) {
            series(b, s, tMax, logMax, "#2ca02c", 4);
        }
        b.append("<text x=\"").append(W / 2).append("\" y=\"").append(H - 8).append("\" font-size=\"11\">seconds (shaded: warm-up)</text></svg>");
    }

    private static void series(StringBuilder b, StepResult s, double tMax, double logMax, String colour, int which) {
        b.append("<polyline fill=\"none\" stroke=\"").append(colour).append(which == 4 ? "\" stroke-dasharray=\"4 3" : "")
                .append("\" points=\"");
        for (StepResult.Second p : s.seconds) {
            double v = which == 0 ? p.p50Us : which == 1 ? p.p99Us : which == 2 ? p.p999Us : which == 3 ? p.maxUs
                    : StepResult.engineUs(p.engine, 0.99);
            if (p.answers > 0 && v >= 0) {
                b.append(num(x(p.t, tMax))).append(',').append(num(yLog(v, logMax))).append(' ');
            }
        }
        b.append("\"/>");
    }

    /** Latency by percentile, x on the "nines" scale (50%, 90%, 99%, 99.9%, ...). */
    private static void percentiles(StringBuilder b, StepResult s) {
        if (s.histogram.getTotalCount() == 0) {
            return;
        }
        double logMax = Math.ceil(Math.log10(Math.max(1, s.maxUs())));
        svgStart(b, "latency by percentile (µs, log scale)");
        logAxis(b, logMax);
        double ninesMax = 6;
        b.append("<polyline fill=\"none\" stroke=\"#1f77b4\" points=\"");
        for (double n = 0; n <= ninesMax; n += 0.05) {
            double pct = 100 * (1 - Math.pow(10, -n));
            double v = s.histogram.getValueAtPercentile(pct) / 1000.0;
            double x = PAD + (W - 2 * PAD) * n / ninesMax;
            b.append(num(x)).append(',').append(num(yLog(v, logMax))).append(' ');
        }
        b.append("\"/>");
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int n = 0; n <= ninesMax; n++) {
            double x = PAD + (W - 2 * PAD) * n / ninesMax;
            b.append("<text x=\"").append(num(x - 12)).append("\" y=\"").append(H - PAD + 15).append("\" font-size=\"10\">")
                    .append(labels[n]).append("</text>");
        }
        b.append("</svg>");
    }

    private static void svgStart(StringBuilder b, String title) {
        b.append("<svg width=\"").append(W).append("\" height=\"").append(H).append("\" xmlns=\"http://www.w3.org/2000/svg\">")
                .append("<text x=\"").append(PAD).append("\" y=\"15\" font-size=\"12\">").append(esc(title)).append("</text>");
    }

    private static void logAxis(StringBuilder b, double logMax) {
        for (int d = 0; d <= logMax; d++) {
            double y = yLog(Math.pow(10, d), logMax);
            b.append("<line x1=\"").append(PAD).append("\" x2=\"").append(W - PAD).append("\" y1=\"").append(num(y))
                    .append("\" y2=\"").append(num(y)).append("\" stroke=\"#ddd\"/><text x=\"2\" y=\"").append(num(y + 4))
                    .append("\" font-size=\"10\">").append(num(Math.pow(10, d))).append("</text>");
        }
    }

    private static double x(double t, double tMax) {
        return PAD + (W - 2 * PAD) * (tMax <= 0 ? 0 : Math.max(0, t) / tMax);
    }

    private static double yLog(double us, double logMax) {
        double l = Math.log10(Math.max(1, us));
        return (H - PAD) - (H - PAD - PAD / 2.0) * (logMax <= 0 ? 0 : l / logMax);
    }
}
