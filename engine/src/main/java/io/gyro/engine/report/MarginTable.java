package io.gyro.engine.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.rating.money.Money;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Prints the margin report's JSON ({@link MarginReport#toJson()}) as the tables {@code gyro margin} shows: per package
 * with its services, then per day and package. Money with the rating module's {@link Money#format}. CLI thread.
 */
public final class MarginTable {
    private static final String ROW = "%-20s %9s %16s %16s %16s %14s%n";

    private MarginTable() {
    }

    public static String format(String reportJson) {
        JsonNode r;
        try {
            r = new ObjectMapper().readTree(reportJson);
        } catch (IOException e) {
            throw new UncheckedIOException("the engine's margin report is not JSON", e);
        }
        StringBuilder out = new StringBuilder(4096);
        out.append(String.format(Locale.ROOT, "Margin from %s to %s (UTC days)%n%n", r.path("from").asText(),
                r.path("to").asText()));
        out.append(String.format(Locale.ROOT, ROW, "package / service", "records", "revenue", "wholesale", "margin",
                "uncollected"));
        for (JsonNode p : r.path("packages")) {
            row(out, p.path("package").asText(), p);
            for (JsonNode s : p.path("services")) {
                row(out, "  " + s.path("service").asText(), s);
            }
        }
        row(out, "TOTAL", r.path("total"));
        out.append(String.format(Locale.ROOT, "%n" + ROW, "day / package", "records", "revenue", "wholesale",
                "margin", "uncollected"));
        for (JsonNode d : r.path("perDay")) {
            row(out, d.path("day").asText(), d);
            for (JsonNode p : r.path("packages")) {
                for (JsonNode pd : p.path("days")) {
                    if (pd.path("day").asText().equals(d.path("day").asText())) {
                        row(out, "  " + p.path("package").asText()
                                + (pd.path("marginMicros").asLong() < 0 ? " (negative)" : ""), pd);
                    }
                }
            }
        }
        out.append(String.format(Locale.ROOT, "%n%s%n%d record files, %d lines read, %d unreadable%n",
                r.path("counted").asText(), r.path("filesRead").asLong(), r.path("linesRead").asLong(),
                r.path("unreadableLines").asLong()));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, JsonNode a) {
        out.append(String.format(Locale.ROOT, ROW, name, a.path("records").asLong(),
                Money.format(a.path("revenueMicros").asLong()), Money.format(a.path("wholesaleMicros").asLong()),
                Money.format(a.path("marginMicros").asLong()), Money.format(a.path("uncollectedMicros").asLong())));
    }
}
