package io.gyro.engine.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static io.gyro.engine.report.MarginReportTest.usage;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code gyro margin} prints of the API's answer. */
class MarginTableTest {
    private static final long DEC1 = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void packagesWithTheirServicesThenDaysWithTheirPackagesNegativeOnesMarked() throws Exception {
        Files.writeString(dir.resolve("cdr-20261201-0001.jsonl"), String.join("\n",
                usage("FEE", DEC1, "basic", null, 19_000_000, 0),
                usage("SESSION_END", DEC1, "basic", "data", 30_000, 5_000),
                usage("EVENT", DEC1, "payg", "sms", 100_000, 30_000)) + "\n");
        Files.writeString(dir.resolve("cdr-20261202-0001.jsonl"),
                usage("SESSION_END", DEC1 + 86_400_000L, "basic", "data", 0, 1_500_000) + "\n");
        String json = new ObjectMapper().writeValueAsString(
                MarginReport.read(dir, LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-02"), List.of()).toJson());

        String table = MarginTable.format(json);

        System.out.print(table);
        assertTrue(table.startsWith("Margin from 2026-12-01 to 2026-12-02 (UTC days)"), table);
        assertTrue(table.matches("(?s).*\\nbasic\\s+3\\s+19\\.03\\s+1\\.505\\s+17\\.525\\s+0\\.00\\n"
                + "  \\(fees\\)\\s+1\\s+19\\.00\\s+0\\.00\\s+19\\.00\\s+0\\.00\\n"
                + "  data\\s+2\\s+0\\.03\\s+1\\.505\\s+-1\\.475\\s+0\\.00\\n.*"), table);
        assertTrue(table.matches("(?s).*\\nTOTAL\\s+4\\s+19\\.13\\s+1\\.535\\s+17\\.595\\s+0\\.00\\n.*"), table);
        assertTrue(table.matches("(?s).*\\n2026-12-02\\s+1\\s+0\\.00\\s+1\\.50\\s+-1\\.50.*\\n  basic \\(negative\\)\\s+1.*"),
                table);
    }
}
