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
