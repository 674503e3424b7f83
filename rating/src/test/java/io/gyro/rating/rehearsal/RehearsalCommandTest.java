package io.gyro.rating.rehearsal;

import io.gyro.rating.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RehearsalCommandTest {

    @TempDir
    Path dir;

    private String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new RehearsalCommand()).execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void pricesRecordsReportsBadLinesAndComparesCatalogues() throws IOException {
        // given
        Path usage = dir.resolve("usage.csv");
        Files.write(usage, List.of(
                "package,time,service,units,called,visited,subscriber",
                "basic,2026-11-25T10:01:00,voice,61,+447700900123,,",
                "nosuch,2026-11-25T10:03:00,voice,3,13800138000,,",
                "payg,2026-11-25T10:02:00,voice,3,13800138000,,",
                "basic,not-a-time,voice,3,13800138000,,"));
        Path config = Fixtures.configDir();
        // when
        String[] r = run("-c", config.resolve("catalogue.yaml").toString(), "-u", usage.toString(),
                "--compare", config.resolve("catalogue-next-month.yaml").toString());
        // then
        assertEquals("3", r[0], "exit code 3: some lines were skipped");
        assertTrue(r[1].contains("price 2.30"), r[1]);
        assertTrue(r[1].contains("minimum charge 0.10"), r[1]);
        assertTrue(r[2].contains("usage.csv:3: skipped: unknown package 'nosuch'"), r[2]);
        assertTrue(r[2].contains("usage.csv:5: skipped: time 'not-a-time'"), r[2]);
        assertTrue(r[1].contains("Difference per package"), r[1]);
        assertTrue(r[1].matches("(?s).*basic\\s+2\\.30\\s+1\\.75\\s+-0\\.55.*"), r[1]);
        assertTrue(r[1].contains("2 records priced, 2 bad lines skipped"), r[1]);
    }

    @Test
    void generatorWritesReplayableFile() {
        Path usage = dir.resolve("gen.csv");
        String[] g = run("--generate", "2000", "-u", usage.toString());
        assertEquals("0", g[0]);
        String[] r = run("-c", Fixtures.configDir().resolve("catalogue.yaml").toString(), "-u", usage.toString(),
                "--totals-only");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("2000 records priced, 0 bad lines skipped"), r[1]);
        assertTrue(r[1].contains("TOTAL"), r[1]);
    }

    @Test
    void sampleRatesAtOrBelowCostArePrintedPerPackage() throws IOException {
        // given
        Path usage = dir.resolve("u.csv");
        Files.writeString(usage, "data-max,2026-11-25T02:00:00,data,1048576\n");
        // when
        String[] r = run("-c", Fixtures.configDir().resolve("catalogue.yaml").toString(), "-u", usage.toString(),
                "--totals-only", "--strict");
        // then: the night band is accepted, the weekend band is at cost; strict loads it (no warning)
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("2 finding(s), 0 below cost without a belowCost reason"), r[1]);
        assertTrue(r[1].matches("(?s).*\ndata-max\n  data, accepted: \\S*catalogue.yaml:\\d+:\\d+: note: tariff"
                + " 'data-max-data' rate 1 \\(band 'night'\\): free .*"), r[1]);
        assertTrue(r[1].matches("(?s).*\nvoice-max\n  voice to national, at cost: .*tariff 'voice-weekend' rate 1.*"),
                r[1]);
        assertFalse(r[2].contains("warning:"), r[2]);
    }

    @Test
    void unannotatedBelowCostRateIsAWarningAndWithStrictNothingIsPriced() throws IOException {
        // given: the sample without the night band's belowCost reason
        String sample = Files.readString(Fixtures.configDir().resolve("catalogue.yaml"));
        String stripped = sample.replaceAll("(?m)^ *belowCost: .*\n", "");
        assertTrue(stripped.length() < sample.length());
        Path cat = dir.resolve("catalogue.yaml");
        Files.writeString(cat, stripped);
        int line = lineOf(stripped, "price: \"0\"") - 1;
        Path usage = dir.resolve("u.csv");
        Files.writeString(usage, "data-max,2026-11-25T02:00:00,data,1048576\n");
        // when
        String[] warned = run("-c", cat.toString(), "-u", usage.toString(), "--totals-only");
        String[] strict = run("-c", cat.toString(), "-u", usage.toString(), "--totals-only", "--strict");
        // then: a warning with file:line on stderr, the record priced, the finding under data-max
        assertEquals("0", warned[0], warned[2]);
        assertTrue(warned[2].contains("catalogue.yaml:" + line + ":9: warning: tariff 'data-max-data' rate 1"
                + " (band 'night'): free (price 0) but the wholesale cost is 0.004 per 1MB"), warned[2]);
        assertTrue(warned[1].contains("1 below cost without a belowCost reason"), warned[1]);
        assertTrue(warned[1].contains("data-max\n  data, BELOW COST: "), warned[1]);
        assertTrue(warned[1].contains("1 records priced"), warned[1]);
        // and with --strict: an error, nothing priced
        assertEquals("1", strict[0]);
        assertTrue(strict[2].contains("catalogue.yaml:" + line + ":9: tariff 'data-max-data' rate 1"), strict[2]);
        assertTrue(strict[2].contains("nothing was priced"), strict[2]);
        assertFalse(strict[1].contains("records priced"), strict[1]);
    }

    private static int lineOf(String doc, String fragment) {
        String[] lines = doc.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(fragment)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(fragment);
    }

    @Test
    void brokenCatalogueIsReportedAndNothingPriced() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "currency: CNY\nzone: Asia/Shanghai\nservices: {}\npackages: {}\n");
        Path usage = dir.resolve("u.csv");
        Files.writeString(usage, "basic,2026-11-25T10:00:00,data,1\n");
        String[] r = run("-c", bad.toString(), "-u", usage.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("bad.yaml:3:"), r[2]);
        assertTrue(r[2].contains("nothing was priced"), r[2]);
    }
}
