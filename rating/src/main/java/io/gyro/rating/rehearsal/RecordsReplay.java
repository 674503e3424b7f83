package io.gyro.rating.rehearsal;

import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.rehearsal.RehearsalCommand.Replay;
import io.gyro.rating.rehearsal.RehearsalCommand.Subscriber;
import io.gyro.rating.rehearsal.RehearsalCommand.Totals;
import io.gyro.rating.rehearsal.RehearsalCommand.Usage;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code rehearsal --records}: Gyro's own charging records ({@link RecordsInput}) as the usage, priced again through
 * the rehearsal's catalogue(s) by {@link RehearsalCommand}'s replay, with the records' own amounts per package beside
 * the result. Command-line tool, single-threaded.
 */
final class RecordsReplay {
    private final RehearsalCommand cmd;

    RecordsReplay(RehearsalCommand cmd) {
        this.cmd = cmd;
    }

    /**
     * Replays Gyro's charging records ({@link RecordsInput}) through the catalogue(s): usage and refund records are
     * priced again per subscriber (its MSISDN), each subscriber's subscription starting at its first record in the
     * input (a first period the engine included with the SIM, an ADJUSTMENT at that instant, stays free); the records'
     * own amounts are summed per package as "recorded" by the rule of the live margin report.
     */
    int run(List<Path> recordFiles, Replay ra, Replay rb, PrintWriter err) throws IOException {
        List<Path> files = RecordsInput.files(recordFiles);
        for (Path f : files) {
            if (!Files.isReadable(f)) {
                err.println("rehearsal: cannot read record file " + f);
                return 2;
            }
        }
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
                1 << 16));
        Map<String, Totals> recorded = new TreeMap<>();
        Usage usage = new Usage();
        StringBuilder sb = new StringBuilder(512);
        long[] counts = new long[2]; // records priced, lines skipped
        long t0 = System.nanoTime();
        RecordsInput.read(files, new RecordsInput.Sink() {
            @Override
            public void record(RecordsInput.Record r, String where) {
                boolean refund = "REFUND".equals(r.kind);
                countRecorded(recorded, r);
                String subscriber = Long.toString(r.msisdn);
                if (!r.isUsage() && !refund) {
                    if (r.packageId != null) {
                        start(ra, subscriber, r);
                        if (rb != null) {
                            start(rb, subscriber, r);
                        }
                    }
                    return;
                }
                String problem = toUsage(r, ra.catalogue, usage);
                if (problem == null) {
                    problem = cmd.replay(ra, usage, 0, where, out, sb);
                }
                if (problem == null && rb != null) {
                    problem = cmd.replay(rb, usage, 0, where, null, sb);
                }
                if (problem != null) {
                    counts[1]++;
                    err.println(where + ": skipped: " + problem);
                    return;
                }
                counts[0]++;
                if (cmd.progressEvery > 0 && counts[0] % cmd.progressEvery == 0) {
                    err.printf(Locale.ROOT, "rehearsal: %d records, %.1f s%n", counts[0], (System.nanoTime() - t0) / 1e9);
                }
            }

            @Override
            public void unreadable(String where, String why) {
                counts[1]++;
                err.println(where + ": skipped: " + why);
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        String recordedName = "recorded charges (" + files.size() + " record files)";
        RehearsalTables.printTotals(out, recordedName, ra.catalogue.currency(), recorded);
        RehearsalTables.printTotals(out, ra.name, ra.catalogue.currency(), ra.totals);
        RehearsalTables.printCostFindings(out, ra);
        RehearsalTables.printDiff(out, "recorded", recorded, ra.name, ra.totals);
        if (rb != null) {
            RehearsalTables.printTotals(out, rb.name, rb.catalogue.currency(), rb.totals);
            RehearsalTables.printCostFindings(out, rb);
            RehearsalTables.printDiff(out, "recorded", recorded, rb.name, rb.totals);
            RehearsalTables.printDiff(out, ra.name, ra.totals, rb.name, rb.totals);
        }
        out.printf(Locale.ROOT, "%n%d records priced, %d bad lines skipped, %.2f s (%.0f records/s)%n", counts[0],
                counts[1], seconds, counts[0] / Math.max(seconds, 1e-9));
        out.flush();
        return counts[1] > 0 ? 3 : 0;
    }

    /**
     * A subscriber's first record starts its subscription in the rehearsal; an ADJUSTMENT at that same instant (the
     * engine's "first period included with the SIM") makes the first period free.
     */
    private void start(Replay rp, String subscriber, RecordsInput.Record r) {
        int[] pkgs = RehearsalCommand.packages(rp, r.packageId);
        if (pkgs == null) {
            return; // its usage records say so
        }
        Subscriber s = cmd.subscriber(rp, subscriber, pkgs, r.tsMs);
        if ("ADJUSTMENT".equals(r.kind) && s.periods == 0 && r.tsMs == s.subscribedMs) {
            s.firstPeriodIncluded = true;
        }
    }

    /** The recorded amounts, by the live margin report's rule (README "Margin"). */
    private static void countRecorded(Map<String, Totals> recorded, RecordsInput.Record r) {
        String pkg = r.packageId == null || r.packageId.isEmpty() ? "(unknown)" : r.packageId;
        switch (r.kind) {
            case "SESSION_INTERIM", "SESSION_END", "EVENT" -> {
                Totals t = recorded.computeIfAbsent(pkg, k -> new Totals());
                t.records++;
                t.usageRevenueMicros += r.retailMicros;
                t.costMicros += r.wholesaleMicros;
                t.uncollectedMicros += r.uncollectedMicros;
            }
            case "REFUND" -> {
                Totals t = recorded.computeIfAbsent(pkg, k -> new Totals());
                t.records++;
                t.refundMicros += r.retailMicros;
                t.costMicros += r.wholesaleMicros;
            }
            case "FEE" -> recorded.computeIfAbsent(pkg, k -> new Totals()).feeRevenueMicros += r.retailMicros;
            default -> {
            }
        }
    }

    /**
     * A usage or refund record as rehearsal usage; returns why it cannot be priced, or null. The service is the
     * record's {@code serviceName}, or for a record written before records named it, the {@code -c} catalogue's
     * service at its index (a data directory keeps its services' positions).
     */
    static String toUsage(RecordsInput.Record r, Catalogue current, Usage u) {
        if (r.packageId == null || r.packageId.isEmpty()) {
            return "the record names no package (packageId; written before records carried it)";
        }
        String service = r.serviceName;
        if (service == null || service.isEmpty()) {
            if (r.service < 0 || r.service >= current.serviceCount()) {
                return "the record names no service (serviceName) and its index " + r.service + " is not in the "
                        + "catalogue";
            }
            service = current.serviceName(r.service);
        }
        u.packages = r.packageId;
        u.service = service;
        u.timeText = null;
        u.startMs = r.usageTimeMs();
        u.units = r.units;
        u.called = r.calledNumber == null ? "" : r.calledNumber;
        u.visited = r.visitedMccMnc;
        u.subscriber = Long.toString(r.msisdn);
        u.refund = "REFUND".equals(r.kind);
        u.session = r.isSessionUsage() && r.sessionId != null ? r.sessionId + "\u0000" + r.ratingGroup : null;
        u.sessionEnds = "SESSION_END".equals(r.kind);
        return null;
    }

}
