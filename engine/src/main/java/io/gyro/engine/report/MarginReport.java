package io.gyro.engine.report;

import io.gyro.rating.money.Money;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Revenue, wholesale cost and margin per package, per service and per UTC day, from the charging-record files
 * ({@code GET /reports/margin}, {@code gyro margin}). What counts is {@link MarginLine}'s rule. Built by
 * {@link #read} on the report worker thread (never the charging thread: the files are read as any outside reader
 * reads them, see {@link RecordFiles}); the result is a plain value turned into JSON by {@link #toJson()}.
 */
public final class MarginReport {
    /** The longest range one request may ask for, in days. */
    public static final int MAX_DAYS = 366;
    /** A record line is at most 32 KiB (the journal's line buffer). */
    static final int MAX_LINE_BYTES = 32 * 1024;

    /** Sums of one cell (or of any grouping of cells). Money in micros; exact, checked arithmetic. */
    public static final class Amounts {
        long records;
        long usageRevenueMicros;
        long feeRevenueMicros;
        long refundMicros;
        long wholesaleMicros;
        long uncollectedMicros;

        /** Usage revenue + fees + refunds (negative). */
        public long revenueMicros() {
            return Math.addExact(Math.addExact(usageRevenueMicros, feeRevenueMicros), refundMicros);
        }

        public long wholesaleMicros() {
            return wholesaleMicros;
        }

        public long marginMicros() {
            return Math.subtractExact(revenueMicros(), wholesaleMicros);
        }

        public long records() {
            return records;
        }

        void add(MarginLine line, MarginLine.Counted how) {
            records++;
            switch (how) {
                case USAGE -> {
                    usageRevenueMicros = Math.addExact(usageRevenueMicros, line.retailMicros);
                    wholesaleMicros = Math.addExact(wholesaleMicros, line.wholesaleMicros);
                    uncollectedMicros = Math.addExact(uncollectedMicros, line.uncollectedMicros);
                }
                case REFUND -> {
                    refundMicros = Math.addExact(refundMicros, line.retailMicros);
                    wholesaleMicros = Math.addExact(wholesaleMicros, line.wholesaleMicros);
                }
                case FEE -> feeRevenueMicros = Math.addExact(feeRevenueMicros, line.retailMicros);
                default -> throw new IllegalArgumentException("not counted: " + how);
            }
        }

        void add(Amounts o) {
            records += o.records;
            usageRevenueMicros = Math.addExact(usageRevenueMicros, o.usageRevenueMicros);
            feeRevenueMicros = Math.addExact(feeRevenueMicros, o.feeRevenueMicros);
            refundMicros = Math.addExact(refundMicros, o.refundMicros);
            wholesaleMicros = Math.addExact(wholesaleMicros, o.wholesaleMicros);
            uncollectedMicros = Math.addExact(uncollectedMicros, o.uncollectedMicros);
        }

        /** The JSON members: micros for programs, decimals ({@link Money#format}) for people. */
        void putJson(Map<String, Object> out) {
            out.put("records", records);
            out.put("revenue", Money.format(revenueMicros()));
            out.put("wholesale", Money.format(wholesaleMicros));
            out.put("margin", Money.format(marginMicros()));
            out.put("revenueMicros", revenueMicros());
            out.put("usageRevenueMicros", usageRevenueMicros);
            out.put("feeRevenueMicros", feeRevenueMicros);
            out.put("refundMicros", refundMicros);
            out.put("wholesaleMicros", wholesaleMicros);
            out.put("marginMicros", marginMicros());
            out.put("uncollectedMicros", uncollectedMicros);
        }
    }

    private final long fromDay;
    private final long toDay;
    /** day -> package -> service -> amounts. */
    private final TreeMap<Long, TreeMap<String, TreeMap<String, Amounts>>> cells = new TreeMap<>();
    private long filesRead;
    private long linesRead;
    private long unreadableLines;

    MarginReport(long fromDay, long toDay) {
        this.fromDay = fromDay;
        this.toDay = toDay;
    }

    /**
     * Reads the records of the UTC days {@code from..to} (inclusive) from the record files in {@code journalDir}.
     * Files whose name's day is outside the range are not opened (a file of day D holds the records written on D);
     * records whose own day is outside it are not counted.
     *
     * @param services the data directory's service order, naming the services of records that carry only an index
     */
    public static MarginReport read(Path journalDir, LocalDate from, LocalDate to, List<String> services)
            throws IOException {
        MarginReport report = new MarginReport(from.toEpochDay(), to.toEpochDay());
        MarginLine line = new MarginLine();
        for (RecordFiles.DayFile f : RecordFiles.list(journalDir)) {
            if (f.epochDay() < report.fromDay || f.epochDay() > report.toDay) {
                continue;
            }
            report.filesRead++;
            RecordFiles.readLines(f.path(), 0, MAX_LINE_BYTES, (buf, off, len) -> report.add(line, buf, off, len, services));
        }
        return report;
    }

    private void add(MarginLine line, byte[] buf, int off, int len, List<String> services) {
        linesRead++;
        if (!line.parse(buf, off, len)) {
            unreadableLines++;
            return;
        }
        MarginLine.Counted how = line.counts();
        long day = line.epochDay();
        if (how == MarginLine.Counted.NONE || day < fromDay || day > toDay) {
            return;
        }
        cells.computeIfAbsent(day, k -> new TreeMap<>())
                .computeIfAbsent(line.packageOrUnknown(), k -> new TreeMap<>())
                .computeIfAbsent(line.serviceOf(how, services), k -> new Amounts())
                .add(line, how);
    }

    /** Everything counted. */
    public Amounts total() {
        Amounts t = new Amounts();
        cells.values().forEach(d -> d.values().forEach(p -> p.values().forEach(t::add)));
        return t;
    }

    /** Per package, by package id. */
    public Map<String, Amounts> byPackage() {
        Map<String, Amounts> out = new TreeMap<>();
        cells.values().forEach(d -> d.forEach((pkg, services) ->
                services.values().forEach(a -> out.computeIfAbsent(pkg, k -> new Amounts()).add(a))));
        return out;
    }

    /** The report as the API answers it (see /openapi.json, MarginReport). */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", LocalDate.ofEpochDay(fromDay).toString());
        out.put("to", LocalDate.ofEpochDay(toDay).toString());
        out.put("timeZone", "UTC");
        out.put("counted", "revenue = retail money of SESSION_INTERIM, SESSION_END and EVENT records, FEE records "
                + "(no cost) and REFUND records (negative); wholesale = their wholesaleMicros; TOP_UP, STALE_RELEASE "
                + "and ADJUSTMENT records do not count");
        Map<String, Object> total = new LinkedHashMap<>();
        total().putJson(total);
        out.put("total", total);

        Map<String, Amounts> perPackage = byPackage();
        Map<String, Map<String, Amounts>> perPackageService = new TreeMap<>();
        Map<String, Map<Long, Amounts>> perPackageDay = new TreeMap<>();
        Map<Long, Amounts> perDay = new TreeMap<>();
        cells.forEach((day, packages) -> packages.forEach((pkg, services) -> services.forEach((service, a) -> {
            perPackageService.computeIfAbsent(pkg, k -> new TreeMap<>()).computeIfAbsent(service, k -> new Amounts()).add(a);
            perPackageDay.computeIfAbsent(pkg, k -> new TreeMap<>()).computeIfAbsent(day, k -> new Amounts()).add(a);
            perDay.computeIfAbsent(day, k -> new Amounts()).add(a);
        })));
        List<Object> packages = new ArrayList<>();
        perPackage.forEach((pkg, a) -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("package", pkg);
            a.putJson(p);
            List<Object> services = new ArrayList<>();
            perPackageService.get(pkg).forEach((service, sa) -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("service", service);
                sa.putJson(s);
                services.add(s);
            });
            p.put("services", services);
            List<Object> days = new ArrayList<>();
            perPackageDay.get(pkg).forEach((day, da) -> {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("day", LocalDate.ofEpochDay(day).toString());
                da.putJson(d);
                days.add(d);
            });
            p.put("days", days);
            packages.add(p);
        });
        out.put("packages", packages);
        List<Object> days = new ArrayList<>();
        perDay.forEach((day, a) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("day", LocalDate.ofEpochDay(day).toString());
            a.putJson(d);
            days.add(d);
        });
        out.put("perDay", days);
        out.put("filesRead", filesRead);
        out.put("linesRead", linesRead);
        out.put("unreadableLines", unreadableLines);
        return out;
    }
}
