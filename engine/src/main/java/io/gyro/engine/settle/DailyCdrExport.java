package io.gyro.engine.settle;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.money.Money;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code gyro export-cdr}: one local day of Gyro's chargeable records as a CSV file for the host operator and for
 * finance, with a manifest (docs/SETTLEMENT.md "CDR export"). The file holds only what the records hold, in seq
 * order, so exporting the same day again gives the same bytes: nothing of the run (time, host, path) goes in.
 * Written to a temporary name and moved into place, so a reader never sees half a file. Caller's thread.
 */
public final class DailyCdrExport {
    /** Bumped when a column is added, removed or changes meaning. */
    public static final int FORMAT_VERSION = 1;
    static final List<String> COLUMNS = List.of("seq", "time", "kind", "msisdn", "imsi", "visited_plmn", "called_number",
            "usage_start", "usage_stop", "service", "unit", "rating_group", "units", "retail", "wholesale", "package",
            "session_id");
    private static final int C_SEQ = 0, C_TIME = 1, C_KIND = 2, C_MSISDN = 3, C_IMSI = 4, C_PLMN = 5, C_CALLED = 6,
            C_START = 7, C_STOP = 8, C_SERVICE = 9, C_UNIT = 10, C_RG = 11, C_UNITS = 12, C_RETAIL = 13,
            C_WHOLESALE = 14, C_PACKAGE = 15, C_SESSION = 16;

    /** What an export wrote. */
    public record Result(Path file, Path manifest, long records, long firstSeq, long lastSeq, long retailMicros,
                         long wholesaleMicros, String sha256) {
    }

    /** The records cannot be exported as they are (out of seq order); nothing was written. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private DailyCdrExport() {
    }

    /** Kinds with usage or money for the subscriber: the lines of the export. Top-ups, releases and adjustments move no charge. */
    static boolean chargeable(CdrKind kind) {
        return switch (kind) {
            case SESSION_INTERIM, SESSION_END, EVENT, REFUND, FEE -> true;
            default -> false;
        };
    }

    public static String fileName(LocalDate day) {
        return "gyro-cdr-" + GyroRecords.ymd(day) + ".csv";
    }

    /**
     * Exports the records of the local {@code day} in {@code zone} from the journal's JSON-lines files in
     * {@code journalDir} to {@code outDir}, replacing an earlier export of that day.
     */
    public static Result run(Path journalDir, Catalogue catalogue, ZoneId zone, LocalDate day, Path outDir)
            throws IOException, Refused {
        long fromMs = day.atStartOfDay(zone).toInstant().toEpochMilli();
        long toMs = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        Files.createDirectories(outDir);
        String name = fileName(day);
        Path file = outDir.resolve(name);
        Path tmp = outDir.resolve(name + ".tmp");
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long[] totals = new long[5]; // records, firstSeq, lastSeq, retail, wholesale
        Refused[] refused = new Refused[1];
        StringBuilder line = new StringBuilder(512);
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), sha)) {
            out.write((String.join(",", COLUMNS) + "\n").getBytes(StandardCharsets.US_ASCII));
            // a local day lies within the UTC days before and after it (offsets are under 24 h)
            GyroRecords.readJournal(journalDir, day.minusDays(1), day.plusDays(1), catalogue, r -> {
                if (r.tsMs < fromMs || r.tsMs >= toMs || !chargeable(r.kind) || refused[0] != null) {
                    return;
                }
                if (totals[0] > 0 && r.seq <= totals[2]) {
                    refused[0] = new Refused("record seq " + r.seq + " comes after seq " + totals[2]
                            + " in the journal files: an export is in seq order and this one would not be; nothing written");
                    return;
                }
                line.setLength(0);
                write(r, line);
                out.write(line.toString().getBytes(StandardCharsets.UTF_8));
                if (totals[0] == 0) {
                    totals[1] = r.seq;
                }
                totals[0]++;
                totals[2] = r.seq;
                totals[3] = Math.addExact(totals[3], r.retailMicros);
                totals[4] = Math.addExact(totals[4], r.wholesaleMicros);
            });
        }
        if (refused[0] != null) {
            Files.deleteIfExists(tmp);
            throw refused[0];
        }
        String digest = HexFormat.of().formatHex(sha.digest());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path manifest = outDir.resolve("gyro-cdr-" + GyroRecords.ymd(day) + ".manifest.json");
        Path manifestTmp = outDir.resolve(manifest.getFileName() + ".tmp");
        String json = "{\n"
                + "  \"formatVersion\": " + FORMAT_VERSION + ",\n"
                + "  \"file\": \"" + name + "\",\n"
                + "  \"day\": \"" + day + "\",\n"
                + "  \"zone\": \"" + zone.getId() + "\",\n"
                + "  \"columns\": \"" + String.join(",", COLUMNS) + "\",\n"
                + "  \"records\": " + totals[0] + ",\n"
                + "  \"firstSeq\": " + totals[1] + ",\n"
                + "  \"lastSeq\": " + totals[2] + ",\n"
                + "  \"retailTotal\": \"" + fixed6(totals[3]) + "\",\n"
                + "  \"wholesaleTotal\": \"" + fixed6(totals[4]) + "\",\n"
                + "  \"bytes\": " + Files.size(file) + ",\n"
                + "  \"sha256\": \"" + digest + "\"\n"
                + "}\n";
        Files.writeString(manifestTmp, json, StandardCharsets.UTF_8);
        Files.move(manifestTmp, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Result(file, manifest, totals[0], totals[1], totals[2], totals[3], totals[4], digest);
    }

    /** One export line of {@code r}, with its newline. */
    static void write(GyroRecord r, StringBuilder out) {
        out.append(r.seq).append(',');
        Times.appendIsoUtc(out, r.tsMs).append(',');
        out.append(r.kind.name()).append(',');
        out.append(r.msisdn).append(',');
        if (r.imsi >= 0) {
            out.append(r.imsi);
        }
        out.append(',');
        text(out, r.visitedPlmn).append(',');
        text(out, r.calledNumber).append(',');
        if (r.usageStartMs != GyroRecord.NONE) {
            Times.appendIsoUtc(out, r.usageStartMs);
        }
        out.append(',');
        if (r.usageStopMs != GyroRecord.NONE) {
            Times.appendIsoUtc(out, r.usageStopMs);
        }
        out.append(',');
        text(out, r.serviceName).append(',');
        if (r.unit != null) {
            out.append(r.unit.yamlName());
        }
        out.append(',');
        if (r.ratingGroup != GyroRecord.NONE) {
            out.append(r.ratingGroup);
        }
        out.append(',').append(r.units).append(',');
        out.append(fixed6(r.retailMicros)).append(',');
        out.append(fixed6(r.wholesaleMicros)).append(',');
        text(out, r.packageId).append(',');
        text(out, r.sessionId).append('\n');
    }

    /** CNY with exactly 6 decimals: {@code 0.030000}, {@code -50.000000}. */
    static String fixed6(long micros) {
        StringBuilder sb = new StringBuilder(24);
        if (micros < 0) {
            sb.append('-');
        }
        long abs = Math.abs(micros);
        sb.append(abs / Money.MICROS_PER_UNIT).append('.');
        String frac = Long.toString(abs % Money.MICROS_PER_UNIT);
        sb.append("000000", frac.length(), 6).append(frac);
        return sb.toString();
    }

    /** A text field, quoted per RFC 4180 when it holds a comma, a quote or a line break. */
    private static StringBuilder text(StringBuilder out, Text t) {
        if (!t.present()) {
            return out;
        }
        String s = t.toString();
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return out.append(s);
        }
        return out.append('"').append(s.replace("\"", "\"\"")).append('"');
    }

    /** Column positions of an export header, or null when the header is not the export's. */
    static int[] columns(CsvFields f) {
        int[] col = new int[COLUMNS.size()];
        java.util.Arrays.fill(col, -1);
        for (int i = 0; i < f.count(); i++) {
            int at = COLUMNS.indexOf(f.lower(i));
            if (at >= 0) {
                col[at] = i;
            }
        }
        for (int c : new int[] {C_SEQ, C_TIME, C_KIND, C_MSISDN, C_SERVICE, C_UNIT, C_UNITS, C_WHOLESALE, C_SESSION}) {
            if (col[c] < 0) {
                return null;
            }
        }
        return col;
    }

    /** Fills {@code r} from an export line. @return null, or what is wrong with it */
    static String read(CsvFields f, int[] col, Times times, GyroRecord r) {
        r.clear();
        r.seq = f.digits(col[C_SEQ]);
        r.tsMs = times.parseMs(f.bytes(), f.start(col[C_TIME]), f.end(col[C_TIME]));
        r.kind = GyroRecords.kind(f.string(col[C_KIND]));
        r.msisdn = f.digits(col[C_MSISDN]);
        if (r.seq < 0 || r.tsMs == Times.INVALID || r.kind == null || r.msisdn < 0) {
            return "seq, time, kind or msisdn unreadable";
        }
        if (col[C_IMSI] >= 0 && !f.isEmpty(col[C_IMSI])) {
            r.imsi = f.digits(col[C_IMSI]);
        }
        setText(f, col[C_PLMN], r.visitedPlmn);
        setText(f, col[C_CALLED], r.calledNumber);
        setText(f, col[C_PACKAGE], r.packageId);
        setText(f, col[C_SESSION], r.sessionId);
        setText(f, col[C_SERVICE], r.serviceName);
        // an empty usage_start/usage_stop is NONE; a present one must read
        if (col[C_START] >= 0 && !f.isEmpty(col[C_START])) {
            r.usageStartMs = times.parseMs(f.bytes(), f.start(col[C_START]), f.end(col[C_START]));
            if (r.usageStartMs == Times.INVALID) {
                return "usage_start unreadable";
            }
        }
        if (col[C_STOP] >= 0 && !f.isEmpty(col[C_STOP])) {
            r.usageStopMs = times.parseMs(f.bytes(), f.start(col[C_STOP]), f.end(col[C_STOP]));
            if (r.usageStopMs == Times.INVALID) {
                return "usage_stop unreadable";
            }
        }
        r.unit = GyroRecords.unit(f.lower(col[C_UNIT]));
        if (col[C_RG] >= 0 && !f.isEmpty(col[C_RG])) {
            r.ratingGroup = f.digits(col[C_RG]);
        }
        String units = f.string(col[C_UNITS]);
        try {
            r.units = Long.parseLong(units);
        } catch (NumberFormatException e) {
            return "units '" + units + "' is not a whole number";
        }
        r.wholesaleMicros = f.micros(col[C_WHOLESALE]);
        r.retailMicros = col[C_RETAIL] >= 0 ? f.micros(col[C_RETAIL]) : 0;
        if (r.wholesaleMicros == Long.MIN_VALUE || r.retailMicros == Long.MIN_VALUE) {
            return "retail or wholesale is not an amount with up to 6 decimals";
        }
        return null;
    }

    private static void setText(CsvFields f, int column, Text into) {
        if (column >= 0 && !f.isEmpty(column)) {
            into.set(f.string(column));
        }
    }
}
