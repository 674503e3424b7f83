package io.gyro.bench.load;

import io.gyro.engine.status.LatencyHistogram;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * One load level of a run (a closed-loop window or an open-loop rate): the latency histogram of
 * its measured seconds, the answers counted in them, and one point per second for the chart.
 * Filled by the main thread.
 */
final class StepResult {
    /** One second of the step. Latencies in microseconds. */
    static final class Second {
        final double t;
        final boolean warmup;
        final long answers;
        final double p50Us;
        final double p99Us;
        final double p999Us;
        final double maxUs;
        /** Embedded engine: its own time per answer in this second (decode to answer handed to Netty); else null. */
        final long[] engine;

        Second(double t, boolean warmup, Histogram h, long[] engine) {
            this.engine = engine;
            this.t = t;
            this.warmup = warmup;
            this.answers = h.getTotalCount();
            this.p50Us = h.getValueAtPercentile(50) / 1000.0;
            this.p99Us = h.getValueAtPercentile(99) / 1000.0;
            this.p999Us = h.getValueAtPercentile(99.9) / 1000.0;
            this.maxUs = h.getMaxValue() / 1000.0;
        }
    }

    final String label;
    final String mode;
    /** Closed loop: requests in flight per connection; open loop: 0. */
    final int window;
    /** Open loop: offered requests per second (all connections); closed loop: 0. */
    final double rate;
    final Histogram histogram = new Histogram(Stats.HIGHEST_NS, 3);
    final List<Second> seconds = new ArrayList<>();
    long measuredAnswers;
    double measuredSeconds;
    long sent;
    long late;
    /** Embedded engine: its own time per answer over the measured seconds (LatencyHistogram counts); else null. */
    long[] engine;

    StepResult(String label, String mode, int window, double rate) {
        this.label = label;
        this.mode = mode;
        this.window = window;
        this.rate = rate;
    }

    double throughput() {
        return measuredSeconds > 0 ? measuredAnswers / measuredSeconds : 0;
    }

    double percentileUs(double p) {
        return histogram.getValueAtPercentile(p) / 1000.0;
    }

    double maxUs() {
        return histogram.getMaxValue() / 1000.0;
    }

    /** Quantile {@code q} of an engine-side histogram, in microseconds; -1 when there is none. */
    static double engineUs(long[] engine, double q) {
        return engine == null || LatencyHistogram.count(engine) == 0 ? -1 : LatencyHistogram.valueAt(engine, q) / 1000.0;
    }
}
