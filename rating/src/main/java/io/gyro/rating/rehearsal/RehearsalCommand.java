package io.gyro.rating.rehearsal;

import io.gyro.rating.ChargeRequest;
import io.gyro.rating.ChargeResult;
import io.gyro.rating.Outcome;
import io.gyro.rating.Rater;
import io.gyro.rating.Renewal;
import io.gyro.rating.RenewalResult;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import io.gyro.rating.catalogue.CostFinding;
import io.gyro.rating.money.Money;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Launch rehearsal: replays a usage CSV through a catalogue (and optionally a second one) and
 * prints each record's charge with its explanation and totals per package. Command-line tool,
 * single-threaded; see rating/README.md.
 *
 * <p>CSV columns: {@code package,time,service,units[,called[,visited[,subscriber]]]}.
 * package = base id, optionally {@code +addon} ids; time = ISO local time in the catalogue zone
 * (or with an offset/Z); service = service name, {@code context:ratingGroup}, or a context alone;
 * units = whole units; called = called number; visited = MCC-MNC when roaming; subscriber = any id:
 * when given, each subscriber gets a wallet with the package's allowances (fees are renewed as
 * periods pass and counted as revenue), else every record is priced at list price.
 *
 * <p>With {@code --records} the usage is Gyro's own charging records instead (the JSON-lines files of
 * {@code <data>/journal}, see {@link RecordsInput}): each usage record is priced again (per subscriber, with its
 * package's allowances, session reports on their session's grid as the engine rates them, refunds at list price),
 * and the records' own retail and wholesale, what the catalogue of the time charged, are printed per package beside
 * the rehearsal with the difference.
 *
 * <p>After each catalogue's totals it lists, per package, the rates that catalogue sells at or
 * below their wholesale cost (the loader's cost findings); the loader's warnings also go to stderr
 * as {@code file:line:col: warning: ...}. With {@code --strict} they are errors and nothing is priced.
 */
@Command(name = "rehearsal", mixinStandardHelpOptions = true,
        description = "Replay a usage CSV, or Gyro's own charging records (--records), through a catalogue: per-record "
                + "charges, totals per package, diff.")
public final class RehearsalCommand implements Callable<Integer> {

    @Option(names = {"-c", "--catalogue"}, description = "catalogue file (default: ${DEFAULT-VALUE})",
            defaultValue = "config/catalogue.yaml")
    Path catalogueFile;

    @Option(names = {"-u", "--usage"}, description = "usage CSV to replay (or to write with --generate)")
    Path usageFile;

    @Option(names = {"-r", "--records"}, arity = "1..*", description = "Gyro's charging records to replay instead of "
            + "a CSV: a journal directory (its cdr-*.jsonl files, e.g. data/journal) or record files")
    List<Path> recordFiles;

    @Option(names = "--compare", description = "second catalogue: show the difference per package")
    Path compareFile;

    @Option(names = "--strict", description = "treat catalogue warnings (rates below wholesale cost without a "
            + "belowCost reason) as errors: the catalogue is refused and nothing is priced")
    boolean strict;

    @Option(names = {"-t", "--totals-only"}, description = "print only the totals, not every record")
    boolean totalsOnly;

    @Option(names = "--generate", description = "write a synthetic usage file of this many lines and exit")
    long generate;

    @Option(names = "--seed", description = "generator seed (default: ${DEFAULT-VALUE})", defaultValue = "42")
    long seed;

    @Option(names = "--subscribers", description = "generator population (default: ${DEFAULT-VALUE})",
            defaultValue = "10000")
    int subscribers;

    @Option(names = "--progress-every", description = "progress line on stderr every N records (default: ${DEFAULT-VALUE})",
            defaultValue = "200000")
    long progressEvery;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RehearsalCommand()).execute(args));
    }

    /** Totals of one package under one catalogue. */
    static final class Totals {
        long records;
        long notCharged;
        long usageRevenueMicros;
        long feeRevenueMicros;
        /** Money given back (REFUND records): negative. */
        long refundMicros;
        long costMicros;
        long uncollectedMicros;

        long revenue() {
            return usageRevenueMicros + feeRevenueMicros + refundMicros;
        }

        void add(Totals t) {
            records += t.records;
            notCharged += t.notCharged;
            usageRevenueMicros += t.usageRevenueMicros;
            feeRevenueMicros += t.feeRevenueMicros;
            refundMicros += t.refundMicros;
            costMicros += t.costMicros;
            uncollectedMicros += t.uncollectedMicros;
        }
    }

    /** One usage to price: a CSV line, or a usage or refund record. */
    static final class Usage {
        /** Base package id, optionally {@code +addon} ids. */
        String packages;
        /** Service name, {@code context:ratingGroup} or a bare context. */
        String service;
        /** CSV time, read in each catalogue's zone; null when {@link #startMs} is the instant. */
        String timeText;
        long startMs;
        long units;
        CharSequence called = "";
        int visited = -1;
        /** Null: priced at list price, without a wallet. */
        String subscriber;
        /** Reports of one session and rating group share a key: rated on one grid, as the engine rates them. */
        String session;
        boolean sessionEnds;
        /** Money given back at list price (a REFUND record). */
        boolean refund;
    }

    /** One catalogue's replay state. */
    static final class Replay {
        final String name;
        final Catalogue catalogue;
        final Rater rater;
        final Renewal renewal;
        final ChargeRequest req = new ChargeRequest();
        final ChargeResult out = new ChargeResult();
        final RenewalResult renewed = new RenewalResult();
        final Map<String, Totals> totals = new TreeMap<>();
        final Map<String, Subscriber> subscribers = new HashMap<>();
        final Map<String, int[]> packages = new HashMap<>();
        final Map<String, Integer> services = new HashMap<>();
        /** Session key -> the position the last report left: units, rated units, raw money, money. */
        final Map<String, long[]> sessions = new HashMap<>();
        final List<CostFinding> costFindings;

        Replay(String name, CatalogueLoadResult loaded) {
            this.name = name;
            Catalogue c = loaded.catalogue();
            this.catalogue = c;
            this.costFindings = loaded.costFindings();
            this.rater = new Rater(c);
            this.renewal = new Renewal(c);
        }

        Totals totals(String pkg) {
            return totals.computeIfAbsent(pkg, k -> new Totals());
        }
    }

    /** A rehearsal subscriber: wallet and period bookkeeping. */
    static final class Subscriber {
        final Wallet wallet = new Wallet();
        long subscribedMs;
        long periodEndMs;
        int periods;
        long promotionsUsed;
        /** The engine gave the first period with the SIM (records only): its fee is not counted. */
        boolean firstPeriodIncluded;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        if (generate > 0) {
            if (usageFile == null) {
                err.println("rehearsal: --generate writes the usage CSV named by -u FILE");
                return 2;
            }
            long t0 = System.nanoTime();
            UsageGenerator.write(usageFile, generate, seed, subscribers);
            err.printf(Locale.ROOT, "rehearsal: wrote %d records to %s in %.1f s%n", generate, usageFile,
                    (System.nanoTime() - t0) / 1e9);
            return 0;
        }
        if ((usageFile == null) == (recordFiles == null || recordFiles.isEmpty())) {
            err.println("rehearsal: give the usage as a CSV (-u FILE) or as Gyro's charging records (--records DIR|FILE...)"
                    + ", one of the two");
            return 2;
        }
        CatalogueLoadResult a = loadOrReport(catalogueFile, err);
        CatalogueLoadResult b = compareFile == null ? null : loadOrReport(compareFile, err);
        if (a == null || (compareFile != null && b == null)) {
            return 1;
        }
        Replay ra = new Replay(catalogueFile.toString(), a);
        Replay rb = b == null ? null : new Replay(compareFile.toString(), b);
        if (recordFiles != null) {
            return new RecordsReplay(this).run(recordFiles, ra, rb, err);
        }
        if (!Files.isReadable(usageFile)) {
            err.println("rehearsal: cannot read usage file " + usageFile);
            return 2;
        }
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
                1 << 16));
        long t0 = System.nanoTime();
        long lineNo = 0;
        long records = 0;
        long bad = 0;
        StringBuilder sb = new StringBuilder(512);
        Usage usage = new Usage();
        try (BufferedReader in = Files.newBufferedReader(usageFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#") || (lineNo == 1 && line.startsWith("package"))) {
                    continue;
                }
                String problem = parseCsv(line, usage);
                if (problem == null) {
                    problem = replay(ra, usage, lineNo, null, out, sb);
                }
                if (problem == null && rb != null) {
                    problem = replay(rb, usage, lineNo, null, null, sb);
                }
                if (problem != null) {
                    bad++;
                    err.println(usageFile + ":" + lineNo + ": skipped: " + problem);
                    continue;
                }
                records++;
                if (progressEvery > 0 && records % progressEvery == 0) {
                    err.printf(Locale.ROOT, "rehearsal: %d records, %.1f s%n", records, (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        RehearsalTables.printTotals(out, ra.name, ra.catalogue.currency(), ra.totals);
        RehearsalTables.printCostFindings(out, ra);
        if (rb != null) {
            RehearsalTables.printTotals(out, rb.name, rb.catalogue.currency(), rb.totals);
            RehearsalTables.printCostFindings(out, rb);
            RehearsalTables.printDiff(out, ra.name, ra.totals, rb.name, rb.totals);
        }
        out.printf(Locale.ROOT, "%n%d records priced, %d bad lines skipped, %.2f s (%.0f records/s)%n", records, bad,
                seconds, records / Math.max(seconds, 1e-9));
        out.flush();
        return bad > 0 ? 3 : 0;
    }

    private CatalogueLoadResult loadOrReport(Path file, PrintWriter err) {
        CatalogueLoadResult r = CatalogueLoader.load(file,
                strict ? CatalogueLoader.Options.STRICT : CatalogueLoader.Options.DEFAULT);
        err.print(r.report());
        err.flush();
        if (!r.ok()) {
            err.println("rehearsal: " + file + " has " + r.problems().size() + " problem(s); nothing was priced");
            return null;
        }
        return r;
    }

    /** Reads one CSV line into {@code u}; returns why it cannot be priced, or null. */
    static String parseCsv(String line, Usage u) {
        String[] f = split(line);
        if (f.length < 4) {
            return "expected at least 4 columns (package,time,service,units), found " + f.length;
        }
        u.packages = f[0];
        u.timeText = f[1];
        u.service = f[2];
        try {
            u.units = Long.parseLong(f[3].trim());
        } catch (NumberFormatException e) {
            return "units '" + f[3] + "' is not a whole number";
        }
        if (u.units < 0) {
            return "units " + u.units + " is negative";
        }
        u.called = f.length > 4 ? f[4] : "";
        u.visited = -1;
        if (f.length > 5 && !f[5].isBlank()) {
            try {
                u.visited = Integer.parseInt(f[5].trim());
            } catch (NumberFormatException e) {
                return "visited network '" + f[5] + "' is not an MCC-MNC";
            }
        }
        u.subscriber = f.length > 6 && !f[6].isBlank() ? f[6] : null;
        u.session = null;
        u.sessionEnds = false;
        u.refund = false;
        return null;
    }

    /** The catalogue's indices of a package spec ({@code base+addon}), cached; null when one is unknown. */
    static int[] packages(Replay rp, String spec) {
        int[] pkgs = rp.packages.get(spec);
        if (pkgs == null) {
            String[] ids = spec.split("\\+");
            pkgs = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                pkgs[i] = rp.catalogue.packageIndex(ids[i].trim());
                if (pkgs[i] < 0) {
                    return null;
                }
            }
            rp.packages.put(spec, pkgs);
        }
        return pkgs;
    }

    /**
     * The rehearsal subscriber {@code id}, made on first sight with its subscription starting at {@code startMs}
     * (add-ons bought then, their fees counted for the base package).
     */
    Subscriber subscriber(Replay rp, String id, int[] pkgs, long startMs) {
        Subscriber s = rp.subscribers.get(id);
        if (s == null) {
            s = new Subscriber();
            s.wallet.moneyMicros = Long.MAX_VALUE / 4;
            s.subscribedMs = startMs;
            s.periodEndMs = startMs;
            rp.subscribers.put(id, s);
            Totals t = rp.totals(rp.catalogue.packageId(pkgs[0]));
            for (int i = 1; i < pkgs.length; i++) {
                rp.renewal.renew(pkgs[i], startMs, startMs, 0, s.promotionsUsed, s.wallet, rp.renewed);
                t.feeRevenueMicros += rp.renewed.feeMicros;
            }
        }
        return s;
    }

    /**
     * Prices one usage; returns why it was skipped, or null. Prints the record when {@code out} is set, as
     * {@code where} (or {@code lineNo} when it is null).
     */
    String replay(Replay rp, Usage u, long lineNo, String where, PrintWriter out, StringBuilder sb) {
        Catalogue c = rp.catalogue;
        int[] pkgs = packages(rp, u.packages);
        if (pkgs == null) {
            for (String id : u.packages.split("\\+")) {
                if (c.packageIndex(id.trim()) < 0) {
                    return "unknown package '" + id.trim() + "' in " + rp.name;
                }
            }
            return "unknown package '" + u.packages + "' in " + rp.name;
        }
        Integer service = rp.services.get(u.service);
        if (service == null) {
            service = serviceOf(c, u.service);
            if (service < 0) {
                return "unknown service '" + u.service + "' in " + rp.name;
            }
            rp.services.put(u.service, service);
        }
        long startMs = u.startMs;
        if (u.timeText != null) {
            try {
                startMs = parseTime(u.timeText, c);
            } catch (DateTimeException e) {
                return "time '" + u.timeText + "' is not ISO-8601 (2026-11-25T10:00:00)";
            }
        }
        ChargeRequest req = rp.req.clear();
        req.packageIndex = pkgs[0];
        for (int i = 1; i < pkgs.length; i++) {
            req.addon(pkgs[i]);
        }
        req.service = service;
        req.usedUnits = u.units;
        req.startMs = startMs;
        req.calledNumber = u.called;
        req.visitedMccMnc = u.visited;
        long[] position = u.session == null ? null : rp.sessions.get(u.session);
        if (position != null) {
            req.sessionUnitsBefore = position[0];
            req.sessionRatedBefore = position[1];
            req.sessionMoneyRawMicrosBefore = position[2];
            req.sessionMoneyMicrosBefore = position[3];
        }
        Totals t = rp.totals(c.packageId(pkgs[0]));
        t.records++;
        ChargeResult res = rp.out;
        if (u.refund) {
            rp.rater.listPrice(req, res);
        } else if (u.subscriber != null) {
            Subscriber s = subscriber(rp, u.subscriber, pkgs, startMs);
            while (startMs >= s.periodEndMs) {
                rp.renewal.renew(pkgs[0], s.subscribedMs, s.periodEndMs, s.periods++, s.promotionsUsed, s.wallet,
                        rp.renewed);
                s.promotionsUsed = rp.renewed.promotionsUsedMask;
                if (!(s.periods == 1 && s.firstPeriodIncluded)) {
                    t.feeRevenueMicros += rp.renewed.feeMicros;
                }
                s.periodEndMs = rp.renewed.periodEndMs;
            }
            rp.rater.charge(req, s.wallet, res);
        } else {
            rp.rater.listPrice(req, res);
        }
        if (res.outcome != Outcome.CHARGED) {
            t.notCharged++;
        } else if (u.refund) {
            t.refundMicros -= res.priceMicros;
        } else {
            t.usageRevenueMicros += res.priceMicros;
            t.costMicros += res.costMicros;
            t.uncollectedMicros += res.uncollectedMicros;
            if (u.session != null && !u.sessionEnds) {
                if (position == null) {
                    position = new long[4];
                    rp.sessions.put(u.session, position);
                }
                position[0] = res.sessionUnitsAfter;
                position[1] = res.sessionRatedAfter;
                position[2] = res.sessionMoneyRawMicrosAfter;
                position[3] = res.sessionMoneyMicrosAfter;
            }
        }
        if (u.sessionEnds) {
            rp.sessions.remove(u.session);
        }
        if (out != null && !totalsOnly) {
            sb.setLength(0);
            if (where != null) {
                sb.append(where);
            } else {
                sb.append(lineNo);
            }
            sb.append(": ").append(u.packages).append(' ').append(u.service).append(' ').append(u.units)
                    .append(u.refund ? " refund -> " : " -> ");
            if (res.outcome == Outcome.CHARGED) {
                sb.append("price ");
                Money.format(res.priceMicros, sb).append(" cost ");
                Money.format(res.costMicros, sb).append(" | ");
            }
            res.explain(sb);
            out.append(sb).append('\n');
        }
        return null;
    }

    private static int serviceOf(Catalogue c, String spec) {
        String s = spec.trim();
        int byName = c.serviceIndexByName(s);
        if (byName >= 0) {
            return byName;
        }
        int colon = s.lastIndexOf(':');
        if (colon > 0) {
            try {
                return c.serviceIndex(s.substring(0, colon), Long.parseLong(s.substring(colon + 1)), -1);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return c.serviceIndex(s, -1, -1);
    }

    private static long parseTime(String text, Catalogue c) {
        String s = text.trim();
        if (s.endsWith("Z") || s.lastIndexOf('+') > 10 || s.lastIndexOf('-') > 10) {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        }
        long localMs = fastLocalMs(s);
        if (localMs == Long.MIN_VALUE) {
            LocalDateTime t = LocalDateTime.parse(s);
            localMs = (t.toLocalDate().toEpochDay() * 86_400L + t.toLocalTime().toSecondOfDay()) * 1000L
                    + t.getNano() / 1_000_000;
        }
        long guess = localMs - c.clock().offsetMs(localMs);
        return localMs - c.clock().offsetMs(guess);
    }

    /** yyyy-MM-ddTHH:mm[:ss] as local epoch ms without java.time, or MIN_VALUE for anything else. */
    private static long fastLocalMs(String s) {
        int n = s.length();
        if ((n != 16 && n != 19) || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || (n == 19 && s.charAt(16) != ':')) {
            return Long.MIN_VALUE;
        }
        int y = digits(s, 0, 4);
        int mo = digits(s, 5, 7);
        int d = digits(s, 8, 10);
        int h = digits(s, 11, 13);
        int mi = digits(s, 14, 16);
        int sec = n == 19 ? digits(s, 17, 19) : 0;
        if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > monthLength(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59
                || sec < 0 || sec > 59) {
            return Long.MIN_VALUE; // let java.time explain what is wrong
        }
        // days from civil (proleptic Gregorian), as in java.time.LocalDate.toEpochDay
        long yy = mo <= 2 ? y - 1 : y;
        long era = Math.floorDiv(yy, 400);
        long yoe = yy - era * 400;
        long doy = (153L * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        long epochDay = era * 146_097 + doe - 719_468;
        return ((epochDay * 24 + h) * 60 + mi) * 60_000L + sec * 1000L;
    }

    private static int monthLength(int y, int mo) {
        if (mo == 2) {
            return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
        }
        return mo == 4 || mo == 6 || mo == 9 || mo == 11 ? 30 : 31;
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    private static String[] split(String line) {
        int n = 1;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == ',') {
                n++;
            }
        }
        String[] f = new String[n];
        int start = 0;
        for (int k = 0; k < n; k++) {
            int end = line.indexOf(',', start);
            if (end < 0) {
                end = line.length();
            }
            f[k] = line.substring(start, end);
            start = end + 1;
        }
        return f;
    }
}
