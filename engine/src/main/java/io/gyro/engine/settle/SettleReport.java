package io.gyro.engine.settle;

import io.gyro.rating.money.Money;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * What a settlement found: totals of both sides per service, each verdict counted with its money, the
 * differences file written as they come, the largest differences kept for the HTML summary. Caller's thread.
 */
public final class SettleReport {
    /** The verdict on a host line, a Gyro session, or a pair of them. */
    public enum Verdict {
        /** Same quantity and amount (within the amount tolerance). */
        EXACT("exact", true),
        /** Quantities differ by no more than the rounding grids allow, amounts by no more than that quantity costs. */
        GRID("grid", true),
        /** The host billed usage Gyro never charged. */
        LEAKAGE("leakage", false),
        /** Gyro charged usage the host did not bill. */
        UNBILLED("unbilled", false),
        /** Matched, but the quantities differ by more than the grids explain. */
        QUANTITY("quantity", false),
        /** Matched, quantities agree (or within the grid), amounts differ by more than the grid explains. */
        AMOUNT("amount", false);

        public final String label;
        final boolean reconciles;

        Verdict(String label, boolean reconciles) {
            this.label = label;
            this.reconciles = reconciles;
        }
    }

    static final int TOP = 50;
    static final String CSV_HEADER = "class,service,subscriber,host_line,host_record_id,host_start,host_stop,host_quantity,"
            + "host_amount,gyro_seq_first,gyro_seq_last,gyro_records,gyro_start,gyro_stop,gyro_quantity,gyro_amount,"
            + "quantity_difference,amount_difference,visited_plmn,called_number\n";

    /** A written difference, kept for the summary's table when among the largest. */
    record Row(Verdict verdict, Item host, Item gyro, long amountDifference) {
    }

    final Settlement.Options options;
    final HostFile.Granularity granularity;
    final HostFile.SubscriberKey key;
    LocalDate from;
    LocalDate to;
    final String recordsSource;
    final List<String> ignoredColumns;

    /** The sums over every partition. */
    final Tally total = new Tally(null);
    final long[] hostItems = total.hostItems;
    final long[] hostQuantity = total.hostQuantity;
    final long[] hostAmount = total.hostAmount;
    final long[] gyroItems = total.gyroItems;
    final long[] gyroRecords = total.gyroRecords;
    final long[] gyroQuantity = total.gyroQuantity;
    final long[] gyroAmount = total.gyroAmount;
    final long[][] count = total.count;
    final long[][] amountDifference = total.amountDifference;

    long hostLines;
    long hostOutsidePeriod;
    long gyroRecordsRead;
    long gyroFiles;
    long gyroUnreadable;
    final List<String> gyroUnreadableLines = new ArrayList<>();
    long gyroWithoutImsi;
    long gyroNotSettled;
    long elapsedMs;
    long hostReadMs;
    long gyroReadMs;

    /** Smallest first, so the queue drops the smallest; ties broken by subscriber and position, for one answer. */
    static final Comparator<Row> BY_SIZE = Comparator.comparingLong((Row r) -> Math.abs(r.amountDifference))
            .thenComparingLong(r -> -(r.host != null ? r.host : r.gyro).subscriber)
            .thenComparingLong(r -> -(r.host != null ? r.host.line : r.gyro.firstSeq));
    private final DateTimeFormatter timeFormat;
    private final ZoneId zone;
    Path differencesFile;
    Path htmlFile;

    SettleReport(Settlement.Options options, HostFile host, String recordsSource) {
        this.options = options;
        this.granularity = host.granularity;
        this.key = host.key;
        this.ignoredColumns = host.ignoredColumns;
        this.recordsSource = recordsSource;
        this.zone = options.zone();
        this.timeFormat = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(zone);
    }

    void files(Path out) {
        differencesFile = out.resolve("differences.csv");
        htmlFile = out.resolve("summary.html");
    }

    /**
     * The sums of one partition (or, merged, of all): both sides' totals per service, each verdict counted with its
     * money, the largest differences; the differences of the partition are written to its own file as they come.
     * One thread per instance; {@link SettleReport#merge} adds it to the total.
     */
    final class Tally {
        final long[] hostItems = new long[3];
        final long[] hostQuantity = new long[3];
        final long[] hostAmount = new long[3];
        final long[] gyroItems = new long[3];
        final long[] gyroRecords = new long[3];
        final long[] gyroQuantity = new long[3];
        final long[] gyroAmount = new long[3];
        final long[][] count = new long[Verdict.values().length][3];
        /** Host minus Gyro, per verdict and service. */
        final long[][] amountDifference = new long[Verdict.values().length][3];
        long zeroItems;
        long refundsApplied;
        long refundsUnmatched;
        long differenceLines;
        final PriorityQueue<Row> top = new PriorityQueue<>(BY_SIZE);
        private final Writer differences;

        Tally(Writer differences) {
            this.differences = differences;
        }

        /** Counts a pair, or one side alone ({@code host} or {@code gyro} null), and lists it when it is a difference. */
        void add(Verdict v, Item host, Item gyro) throws IOException {
            int svc = host != null ? host.service : gyro.service;
            if (host != null) {
                hostItems[svc]++;
                hostQuantity[svc] += host.quantity;
                hostAmount[svc] = Math.addExact(hostAmount[svc], host.amountMicros);
            }
            if (gyro != null) {
                gyroItems[svc]++;
                gyroRecords[svc] += gyro.records;
                gyroQuantity[svc] += gyro.quantity;
                gyroAmount[svc] = Math.addExact(gyroAmount[svc], gyro.amountMicros);
            }
            long diff = (host != null ? host.amountMicros : 0) - (gyro != null ? gyro.amountMicros : 0);
            count[v.ordinal()][svc]++;
            amountDifference[v.ordinal()][svc] += diff;
            if (v == Verdict.EXACT || (v == Verdict.GRID && !options.listGrid())) {
                return;
            }
            resolveTexts(host, 3);
            resolveTexts(gyro, 2);
            differences.write(row(v, host, gyro, diff));
            differenceLines++;
            if (!v.reconciles) {
                offer(new Row(v, host, gyro, diff));
            }
        }

        private final java.util.Map<Path, java.nio.channels.FileChannel> open = new java.util.HashMap<>();

        /** Reads the item's texts back from its spill file (they are not kept for the items that agree). */
        private void resolveTexts(Item i, int count) throws IOException {
            if (i == null || i.textFile == null) {
                return;
            }
            java.nio.channels.FileChannel ch = open.get(i.textFile);
            if (ch == null) {
                ch = java.nio.channels.FileChannel.open(i.textFile, java.nio.file.StandardOpenOption.READ);
                open.put(i.textFile, ch);
            }
            String[] t = Partitions.texts(ch, i.textPosition, count);
            i.visitedPlmn = t[0];
            i.calledNumber = t[1];
            if (count > 2) {
                i.recordId = t[2];
            }
            i.textFile = null;
        }

        /** Closes the spill files read for texts. */
        void closeFiles() throws IOException {
            for (java.nio.channels.FileChannel ch : open.values()) {
                ch.close();
            }
            open.clear();
        }

        void offer(Row row) {
            top.add(row);
            if (top.size() > TOP) {
                top.poll();
            }
        }
    }

    /** Adds a partition's sums to the total. */
    synchronized void merge(Tally t) {
        for (int s = 0; s < 3; s++) {
            hostItems[s] += t.hostItems[s];
            hostQuantity[s] += t.hostQuantity[s];
            hostAmount[s] = Math.addExact(hostAmount[s], t.hostAmount[s]);
            gyroItems[s] += t.gyroItems[s];
            gyroRecords[s] += t.gyroRecords[s];
            gyroQuantity[s] += t.gyroQuantity[s];
            gyroAmount[s] = Math.addExact(gyroAmount[s], t.gyroAmount[s]);
            for (int v = 0; v < count.length; v++) {
                count[v][s] += t.count[v][s];
                amountDifference[v][s] += t.amountDifference[v][s];
            }
        }
        total.zeroItems += t.zeroItems;
        total.refundsApplied += t.refundsApplied;
        total.refundsUnmatched += t.refundsUnmatched;
        total.differenceLines += t.differenceLines;
        for (Row r : t.top) {
            total.offer(r);
        }
    }

    private String row(Verdict v, Item h, Item g, long diff) {
        StringBuilder sb = new StringBuilder(256);
        Item any = h != null ? h : g;
        sb.append(v.label).append(',').append(HostFile.SERVICES[any.service]).append(',').append(any.subscriber).append(',');
        if (h != null) {
            sb.append(h.line).append(',').append(csv(h.recordId)).append(',').append(time(h.startMs)).append(',')
                    .append(time(h.stopMs)).append(',').append(h.quantity).append(',').append(DailyCdrExport.fixed6(h.amountMicros));
        } else {
            sb.append(",,,,,");
        }
        sb.append(',');
        if (g != null) {
            sb.append(g.firstSeq).append(',').append(g.lastSeq).append(',').append(g.records).append(',')
                    .append(time(g.startMs)).append(',').append(time(g.stopMs)).append(',').append(g.quantity).append(',')
                    .append(DailyCdrExport.fixed6(g.amountMicros));
        } else {
            sb.append(",,,,,,");
        }
        sb.append(',').append((h != null ? h.quantity : 0) - (g != null ? g.quantity : 0)).append(',')
                .append(DailyCdrExport.fixed6(diff)).append(',');
        String plmn = h != null && !h.visitedPlmn.isEmpty() ? h.visitedPlmn : g != null ? g.visitedPlmn : "";
        String called = h != null && !h.calledNumber.isEmpty() ? h.calledNumber : g != null ? g.calledNumber : "";
        sb.append(csv(plmn)).append(',').append(csv(called)).append('\n');
        return sb.toString();
    }

    String time(long ms) {
        if (ms == Item.NONE) {
            return "";
        }
        if (granularity == HostFile.Granularity.PER_DAY) {
            return Instant.ofEpochMilli(ms).atZone(zone).toLocalDate().toString();
        }
        return timeFormat.format(Instant.ofEpochMilli(ms));
    }

    private static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    public long count(Verdict v) {
        long n = 0;
        for (long c : count[v.ordinal()]) {
            n += c;
        }
        return n;
    }

    long amountDifference(Verdict v) {
        long n = 0;
        for (long c : amountDifference[v.ordinal()]) {
            n += c;
        }
        return n;
    }

    static long sum(long[] a) {
        long n = 0;
        for (long v : a) {
            n += v;
        }
        return n;
    }

    /** Exit 0: nothing but exact and grid verdicts, and every record of Gyro's read. */
    public boolean reconciled() {
        for (Verdict v : Verdict.values()) {
            if (!v.reconciles && count(v) > 0) {
                return false;
            }
        }
        return gyroUnreadable == 0;
    }

    public Path differencesFile() { return differencesFile; }
    public Path htmlFile() { return htmlFile; }

    /** Micros rounded half away from zero to the fen, formatted: {@code 123.45}. */
    static String fen(long micros) {
        long fen = micros >= 0 ? (micros + 5_000) / 10_000 : -((-micros + 5_000) / 10_000);
        return Money.format(fen * 10_000);
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private String unit(int svc) {
        return switch (svc) {
            case HostFile.DATA -> "octets";
            case HostFile.VOICE -> "s";
            default -> "messages";
        };
    }

    /** The summary printed on the console and at the top of the HTML page. */
    public List<String> summaryLines() {
        List<String> out = new ArrayList<>();
        out.add("settle " + options.hostFile() + " against " + recordsSource + ": "
                + (reconciled() ? "RECONCILED" : "NOT RECONCILED"));
        out.add("period " + from + " .. " + to + " (" + zone.getId() + "), "
                + (granularity == HostFile.Granularity.PER_RECORD
                ? "per record: matched by " + key.name().toLowerCase(Locale.ROOT) + ", service and stop time within "
                + options.toleranceMs() / 1000 + " s"
                : "per day: matched by " + key.name().toLowerCase(Locale.ROOT) + ", service and local day")
                + "; grids host " + options.hostGridBytes() + " B / " + options.hostGridSeconds() + " s, Gyro "
                + options.gyroGridBytes() + " B / " + options.gyroGridSeconds() + " s; amount tolerance "
                + Money.format(options.amountToleranceMicros()) + " CNY");
        for (int s = 0; s < 3; s++) {
            out.add(String.format(Locale.ROOT, "  %-5s host %s lines, %s %s, %s CNY | Gyro %s %s (%s records), %s %s, %s CNY",
                    HostFile.SERVICES[s], n(hostItems[s]), n(hostQuantity[s]), unit(s), fen(hostAmount[s]),
                    n(gyroItems[s]), granularity == HostFile.Granularity.PER_DAY ? "subscriber-days" : "sessions/events",
                    n(gyroRecords[s]), n(gyroQuantity[s]), unit(s), fen(gyroAmount[s])));
        }
        long host = sum(hostAmount);
        long gyro = sum(gyroAmount);
        long explained = amountDifference(Verdict.EXACT) + amountDifference(Verdict.GRID);
        out.add("totals to the fen: host " + fen(host) + " CNY, Gyro " + fen(gyro) + " CNY, host - Gyro " + fen(host - gyro)
                + " CNY (within grids and rounding " + fen(explained) + ", in differences " + fen(host - gyro - explained)
                + "; exact " + DailyCdrExport.fixed6(host - gyro) + ")");
        StringBuilder d = new StringBuilder("differences:");
        for (Verdict v : new Verdict[] {Verdict.LEAKAGE, Verdict.UNBILLED, Verdict.QUANTITY, Verdict.AMOUNT}) {
            d.append(' ').append(v.label).append(' ').append(n(count(v))).append(" (host - Gyro ")
                    .append(fen(amountDifference(v))).append(" CNY)").append(v == Verdict.AMOUNT ? ";" : ",");
        }
        d.append(" grid ").append(n(count(Verdict.GRID))).append(" (explained, host - Gyro ")
                .append(fen(amountDifference(Verdict.GRID))).append(" CNY); exact ").append(n(count(Verdict.EXACT)));
        out.add(d.toString());
        StringBuilder notes = new StringBuilder("read: host " + n(hostLines) + " lines");
        if (hostOutsidePeriod > 0) {
            notes.append(" (").append(n(hostOutsidePeriod)).append(" outside the period)");
        }
        notes.append("; Gyro ").append(n(gyroRecordsRead)).append(" records from ").append(n(gyroFiles)).append(" files");
        if (total.refundsApplied + total.refundsUnmatched > 0) {
            notes.append("; refunds cancelling an event ").append(n(total.refundsApplied)).append(", without one ")
                    .append(n(total.refundsUnmatched));
        }
        if (total.zeroItems > 0) {
            notes.append("; ").append(n(total.zeroItems)).append(" with no usage and no amount left out");
        }
        if (gyroNotSettled > 0) {
            notes.append("; ").append(n(gyroNotSettled)).append(" records of services not counted in octets, seconds or events");
        }
        if (gyroWithoutImsi > 0) {
            notes.append("; ").append(n(gyroWithoutImsi)).append(" usage records without an imsi (not matched)");
        }
        if (!ignoredColumns.isEmpty()) {
            notes.append("; host columns ignored: ").append(String.join(", ", ignoredColumns));
        }
        notes.append(String.format(Locale.ROOT, "; %.1f s (host file %.1f s, Gyro's records %.1f s, matching %.1f s)",
                elapsedMs / 1000.0, hostReadMs / 1000.0, gyroReadMs / 1000.0, (elapsedMs - hostReadMs - gyroReadMs) / 1000.0));
        out.add(notes.toString());
        if (gyroUnreadable > 0) {
            out.add("UNREADABLE: " + n(gyroUnreadable) + " of Gyro's lines could not be read, so this cannot reconcile: "
                    + String.join("; ", gyroUnreadableLines));
        }
        out.add("wrote " + differencesFile + " (" + n(total.differenceLines) + " lines) and " + htmlFile);
        return out;
    }

    void writeHtml() throws IOException {
        StringBuilder h = new StringBuilder(16_384);
        boolean ok = reconciled();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gyro settlement ")
                .append(from).append(" .. ").append(to).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #bbb;padding:.25em .6em;text-align:right}th{background:#eee}")
                .append("td.l,th.l{text-align:left}.ok{color:#176117}.bad{color:#a11}code{font-size:90%}\n")
                .append("</style></head><body>\n");
        h.append("<h1>Settlement with the host operator: <span class=\"").append(ok ? "ok\">reconciled" : "bad\">not reconciled")
                .append("</span></h1>\n<p>Period ").append(from).append(" .. ").append(to).append(" (").append(esc(zone.getId()))
                .append("). Host file <code>").append(esc(options.hostFile().toString())).append("</code>; Gyro's records from <code>")
                .append(esc(recordsSource)).append("</code>.</p>\n");
        h.append("<h2>Totals</h2>\n<table><tr><th class=\"l\">service</th><th>host lines</th><th>host quantity</th>"
                + "<th>host CNY</th><th>Gyro items</th><th>Gyro records</th><th>Gyro quantity</th><th>Gyro CNY</th>"
                + "<th>host &minus; Gyro CNY</th></tr>\n");
        for (int s = 0; s < 3; s++) {
            h.append("<tr><td class=\"l\">").append(HostFile.SERVICES[s]).append(" (").append(unit(s)).append(")</td><td>")
                    .append(n(hostItems[s])).append("</td><td>").append(n(hostQuantity[s])).append("</td><td>")
                    .append(fen(hostAmount[s])).append("</td><td>").append(n(gyroItems[s])).append("</td><td>")
                    .append(n(gyroRecords[s])).append("</td><td>").append(n(gyroQuantity[s])).append("</td><td>")
                    .append(fen(gyroAmount[s])).append("</td><td>").append(fen(hostAmount[s] - gyroAmount[s])).append("</td></tr>\n");
        }
        h.append("<tr><th class=\"l\">all</th><th>").append(n(sum(hostItems))).append("</th><th></th><th>")
                .append(fen(sum(hostAmount))).append("</th><th>").append(n(sum(gyroItems))).append("</th><th>")
                .append(n(sum(gyroRecords))).append("</th><th></th><th>").append(fen(sum(gyroAmount))).append("</th><th>")
                .append(fen(sum(hostAmount) - sum(gyroAmount))).append("</th></tr></table>\n");
        h.append("<h2>Verdicts</h2>\n<table><tr><th class=\"l\">verdict</th><th class=\"l\">meaning</th>");
        for (String s : HostFile.SERVICES) {
            h.append("<th>").append(s).append("</th>");
        }
        h.append("<th>host &minus; Gyro CNY</th></tr>\n");
        for (Verdict v : Verdict.values()) {
            h.append("<tr><td class=\"l ").append(v.reconciles ? "ok" : count(v) > 0 ? "bad" : "ok").append("\">")
                    .append(v.label).append("</td><td class=\"l\">").append(meaning(v)).append("</td>");
            for (int s = 0; s < 3; s++) {
                h.append("<td>").append(n(count[v.ordinal()][s])).append("</td>");
            }
            h.append("<td>").append(fen(amountDifference(v))).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Largest differences</h2>\n");
        List<Row> rows = new ArrayList<>(total.top);
        rows.sort(Comparator.comparingLong((Row r) -> -Math.abs(r.amountDifference)).thenComparingLong(r ->
                (r.host != null ? r.host : r.gyro).subscriber));
        if (rows.isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<table><tr><th class=\"l\">verdict</th><th class=\"l\">service</th><th class=\"l\">subscriber</th>"
                    + "<th>host line</th><th class=\"l\">host stop</th><th>host qty</th><th>host CNY</th>"
                    + "<th class=\"l\">Gyro seqs</th><th class=\"l\">Gyro stop</th><th>Gyro qty</th><th>Gyro CNY</th>"
                    + "<th>host &minus; Gyro CNY</th></tr>\n");
            for (Row r : rows) {
                Item any = r.host != null ? r.host : r.gyro;
                h.append("<tr><td class=\"l bad\">").append(r.verdict.label).append("</td><td class=\"l\">")
                        .append(HostFile.SERVICES[any.service]).append("</td><td class=\"l\">").append(any.subscriber)
                        .append("</td><td>").append(r.host != null ? Long.toString(r.host.line) : "").append("</td><td class=\"l\">")
                        .append(r.host != null ? esc(time(r.host.stopMs)) : "").append("</td><td>")
                        .append(r.host != null ? n(r.host.quantity) : "").append("</td><td>")
                        .append(r.host != null ? DailyCdrExport.fixed6(r.host.amountMicros) : "").append("</td><td class=\"l\">")
                        .append(r.gyro != null ? r.gyro.firstSeq + ".." + r.gyro.lastSeq : "").append("</td><td class=\"l\">")
                        .append(r.gyro != null ? esc(time(r.gyro.stopMs)) : "").append("</td><td>")
                        .append(r.gyro != null ? n(r.gyro.quantity) : "").append("</td><td>")
                        .append(r.gyro != null ? DailyCdrExport.fixed6(r.gyro.amountMicros) : "").append("</td><td>")
                        .append(DailyCdrExport.fixed6(r.amountDifference)).append("</td></tr>\n");
            }
            h.append("</table>\n<p>Every difference is in <code>").append(esc(differencesFile.getFileName().toString()))
                    .append("</code>.</p>\n");
        }
        h.append("<h2>Run</h2>\n<pre>");
        for (String line : summaryLines()) {
            h.append(esc(line)).append('\n');
        }
        h.append("</pre>\n</body></html>\n");
        Files.writeString(htmlFile, h.toString(), StandardCharsets.UTF_8);
    }

    private static String meaning(Verdict v) {
        return switch (v) {
            case EXACT -> "same quantity and amount";
            case GRID -> "quantities differ within the rounding grids, amounts by what that quantity costs";
            case LEAKAGE -> "the host billed usage Gyro never charged";
            case UNBILLED -> "Gyro charged usage the host did not bill";
            case QUANTITY -> "quantities differ beyond the grids";
            case AMOUNT -> "amounts differ beyond what the grid explains";
        };
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
