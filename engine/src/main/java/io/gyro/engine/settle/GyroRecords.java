package io.gyro.engine.settle;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.ServiceKind;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Gyro's charging records as settlement and the CDR export read them: the JSON-lines files of
 * {@code <data>/journal} ({@code cdr-YYYYMMDD-NNNN.jsonl}, the UTC day of their records in the name), or the
 * CDR export's daily CSV files ({@code gyro-cdr-YYYYMMDD.csv}, a local day in the name). Files are chosen by the
 * day in their name and read in name order, one line at a time into one reused {@link GyroRecord}. Caller's thread.
 */
final class GyroRecords {
    static final Pattern JOURNAL_FILE = Pattern.compile("cdr-(\\d{8})-(\\d{4})\\.jsonl");
    static final Pattern EXPORT_FILE = Pattern.compile("gyro-cdr-(\\d{8})\\.csv");
    /** Unreadable lines quoted in a report; every one is counted. */
    static final int MAX_QUOTED = 5;

    /** Told each record read. */
    interface Visitor {
        void accept(GyroRecord r) throws IOException;
    }

    /** What a read found beside the records. */
    static final class Counts {
        long files;
        long lines;
        long unreadable;
        final List<String> unreadableLines = new ArrayList<>();

        void add(Counts other) {
            files += other.files;
            lines += other.lines;
            unreadable += other.unreadable;
            for (String l : other.unreadableLines) {
                if (unreadableLines.size() < MAX_QUOTED) {
                    unreadableLines.add(l);
                }
            }
        }

        void unreadable(Path file, long line, String why) {
            unreadable++;
            if (unreadableLines.size() < MAX_QUOTED) {
                unreadableLines.add(file.getFileName() + ":" + line + ": " + why);
            }
        }
    }

    private GyroRecords() {
    }

    /** The files of {@code dir} named {@code pattern} whose day (group 1) is within [from, to], in name order. */
    static List<Path> files(Path dir, Pattern pattern, LocalDate from, LocalDate to) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        int lo = ymd(from);
        int hi = ymd(to);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                Matcher m = pattern.matcher(p.getFileName().toString());
                if (m.matches()) {
                    int day = Integer.parseInt(m.group(1));
                    if (day >= lo && day <= hi) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    static int ymd(LocalDate d) {
        return d.getYear() * 10_000 + d.getMonthValue() * 100 + d.getDayOfMonth();
    }

    /**
     * Reads the journal's JSON-lines files of the UTC days [fromUtc, toUtc]; each record's service is named and
     * given its unit from {@code catalogue} (a service the catalogue lacks has none).
     */
    static Counts readJournal(Path journalDir, LocalDate fromUtc, LocalDate toUtc, Catalogue catalogue, Visitor visitor)
            throws IOException {
        return readJournal(files(journalDir, JOURNAL_FILE, fromUtc, toUtc), catalogue, visitor);
    }

    /** Reads the journal's JSON-lines {@code files}, in the order given. */
    static Counts readJournal(List<Path> files, Catalogue catalogue, Visitor visitor) throws IOException {
        Counts counts = new Counts();
        GyroRecord r = new GyroRecord();
        String[] names = new String[catalogue.serviceCount()];
        for (int i = 0; i < names.length; i++) {
            names[i] = catalogue.serviceName(i);
        }
        Text[] nameTexts = new Text[names.length];
        for (int i = 0; i < names.length; i++) {
            nameTexts[i] = new Text();
            nameTexts[i].set(names[i]);
        }
        for (Path file : files) {
            counts.files++;
            try (ByteLines lines = new ByteLines(Files.newInputStream(file))) {
                while (lines.next()) {
                    if (lines.isBlank()) {
                        continue;
                    }
                    counts.lines++;
                    String bad = r.parseJson(lines.buffer(), lines.start(), lines.end());
                    if (bad != null) {
                        counts.unreadable(file, lines.number(), bad);
                        continue;
                    }
                    // a record that names its service is looked up by that name (the catalogue's order may have
                    // changed since); one that does not, by its index
                    int service = r.serviceName.present() ? indexOf(nameTexts, r.serviceName) : r.service;
                    if (service >= 0 && service < names.length) {
                        if (!r.serviceName.present()) {
                            r.serviceName.set(names[service]);
                        }
                        r.unit = catalogue.unitKind(service);
                    }
                    visitor.accept(r);
                }
            }
        }
        return counts;
    }

    /** Reads CDR export files, in the order given. */
    static Counts readExport(List<Path> files, Visitor visitor) throws IOException {
        Counts counts = new Counts();
        GyroRecord r = new GyroRecord();
        CsvFields f = new CsvFields();
        Times times = new Times(ZoneId.of("UTC"));
        for (Path file : files) {
            counts.files++;
            try (InputStream in = Files.newInputStream(file); ByteLines lines = new ByteLines(in)) {
                int[] col = null;
                while (lines.next()) {
                    if (lines.isBlank()) {
                        continue;
                    }
                    String bad = f.split(lines.buffer(), lines.start(), lines.end());
                    if (col == null) {
                        col = DailyCdrExport.columns(f);
                        if (col == null) {
                            throw new IOException(file + ": line " + lines.number() + ": not a Gyro CDR export header (expected "
                                    + String.join(",", DailyCdrExport.COLUMNS) + ")");
                        }
                        continue;
                    }
                    counts.lines++;
                    if (bad == null) {
                        bad = DailyCdrExport.read(f, col, times, r);
                    }
                    if (bad != null) {
                        counts.unreadable(file, lines.number(), bad);
                        continue;
                    }
                    visitor.accept(r);
                }
            }
        }
        return counts;
    }

    private static int indexOf(Text[] names, Text name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].sameBytes(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The unit a settlement line is counted in, from the export's {@code unit} column; null when unknown. */
    static ServiceKind unit(String word) {
        for (ServiceKind k : ServiceKind.values()) {
            if (k.yamlName().equals(word)) {
                return k;
            }
        }
        return null;
    }

    static CdrKind kind(String name) {
        for (CdrKind k : CdrKind.values()) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }
}
