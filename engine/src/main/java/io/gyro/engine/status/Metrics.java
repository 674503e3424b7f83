package io.gyro.engine.status;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.LongSupplier;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;

/**
 * One engine's metrics in the Prometheus text format ({@code GET /metrics}), through the official client. Nothing here
 * runs per request: every value is read from the engine's own {@link Counters}, {@link LatencyHistogram} and gauges
 * when a scrape asks, so the charging path keeps its plain counters. One registry per engine, so two engines in a JVM
 * report their own (the JVM's metrics are the JVM's, in the client's default registry).
 *
 * <pre>
 *   gyro_&lt;counter&gt;_total                      each {@link EngineCounters}, lower case (gyro_ccr_received_total ...)
 *   gyro_diameter_answers_total{result_code}   answers sent, by top-level Result-Code ("other" for the rest)
 *   gyro_engine_latency_seconds                histogram: a CCR's time in the engine, ring entry to answer handed over
 *   gyro_ring_depth, gyro_sessions_open, gyro_sessions_ended, gyro_peers_up,
 *   gyro_journal_export_lag_records, gyro_account_snapshot_lag_records   gauges
 *   jvm_*, process_*                           the client's JVM metrics
 * </pre>
 */
public final class Metrics {
    /** The histogram's bucket bounds, in seconds (100 µs to 5 s). */
    static final double[] BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
            2.5, 5};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /** The engine's gauges, each read when scraped (any thread). */
    public record Gauges(LongSupplier ringDepth, LongSupplier sessionsOpen, LongSupplier sessionsEnded,
                         LongSupplier peersUp, LongSupplier exportLagRecords, LongSupplier snapshotLagRecords) {
    }

    public Metrics(Counters counters, LatencyHistogram latency, Gauges gauges) {
        for (EngineCounters c : EngineCounters.ALL) {
            CounterWithCallback.builder().name("gyro_" + c.name().toLowerCase(Locale.ROOT))
                    .help("engine counter " + c.name() + " (see GET /status)")
                    .callback(cb -> cb.call(counters.get(c))).register(registry);
        }
        CounterWithCallback.builder().name("gyro_diameter_answers")
                .help("Diameter answers sent by the charging application, by top-level Result-Code")
                .labelNames("result_code")
                .callback(cb -> {
                    for (int i = 0; i <= Counters.RESULT_CODES.length; i++) {
                        long n = counters.answers(i);
                        if (n > 0) {
                            cb.call(n, i < Counters.RESULT_CODES.length ? Integer.toString(Counters.RESULT_CODES[i])
                                    : Counters.OTHER_CODE);
                        }
                    }
                }).register(registry);
        gauge("gyro_ring_depth", "requests waiting in the charging ring", gauges.ringDepth());
        gauge("gyro_sessions_open", "running Gy sessions (holding reservations)", gauges.sessionsOpen());
        gauge("gyro_sessions_ended", "ended sessions kept for retransmissions", gauges.sessionsEnded());
        gauge("gyro_peers_up", "open Diameter peer connections", gauges.peersUp());
        gauge("gyro_journal_export_lag_records", "records in the write-ahead log not yet in the JSON journal",
                gauges.exportLagRecords());
        gauge("gyro_account_snapshot_lag_records", "records since the newest account snapshot's seq",
                gauges.snapshotLagRecords());
        registry.register(() -> latencySnapshot(latency));
        // The JVM's metrics once per JVM, in the client's default registry: the client keeps every registry it
        // registered them in for good, so one per engine would keep each engine (its callbacks) after its close.
        JvmMetrics.builder().register();
    }

    private void gauge(String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    /** The engine's latency histogram folded into {@link #BOUNDS} (its own buckets are finer: each lands in one). */
    static HistogramSnapshot latencySnapshot(LatencyHistogram latency) {
        long[] counts = latency.snapshot();
        long[] folded = new long[BOUNDS.length + 1];
        double sumSeconds = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                continue;
            }
            double upperSeconds = LatencyHistogram.upperBound(i) / 1e9;
            int b = 0;
            while (b < BOUNDS.length && upperSeconds > BOUNDS[b]) {
                b++;
            }
            folded[b] += counts[i];
            sumSeconds += counts[i] * upperSeconds;
        }
        double[] bounds = new double[BOUNDS.length + 1];
        long[] cumulative = new long[BOUNDS.length + 1];
        long total = 0;
        for (int b = 0; b <= BOUNDS.length; b++) {
            bounds[b] = b < BOUNDS.length ? BOUNDS[b] : Double.POSITIVE_INFINITY;
            total += folded[b];
            cumulative[b] = folded[b];
        }
        return HistogramSnapshot.builder().name("gyro_engine_latency_seconds")
                .help("time of a CCR in the engine, from ring entry to the answer handed to its connection (each "
                        + "value counted at its bucket's upper bound, at most 12.5 % above it; the sum likewise)")
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, cumulative))
                        .sum(total == 0 ? 0 : sumSeconds).build())
                .build();
    }

    /** The text format's content type. */
    public String contentType() {
        return writer.getContentType();
    }

    /** Everything, in the Prometheus text format (version 0.0.4). */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
        try {
            writer.write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
            writer.write(out, PrometheusRegistry.defaultRegistry.scrape(), EscapingScheme.ALLOW_UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
