package io.gyro.engine.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import static io.gyro.engine.report.MarginReportTest.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The negative-margin alarm, pass by pass over files that grow between passes: once per package and UTC day. */
class MarginAlarmTest {
    private static final long DEC1 = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    private void append(String file, String text) throws IOException {
        Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    @Test
    void firesOncePerPackageAndDay() throws IOException {
        MarginAlarm alarm = new MarginAlarm(dir);
        // given: basic sells data below its cost on the 1st; payg makes money
        append("cdr-20261201-0001.jsonl", usage("SESSION_END", DEC1, "basic", "data", 0, 5_000) + "\n"
                + usage("EVENT", DEC1, "payg", "sms", 100_000, 30_000) + "\n");
        // when / then
        assertEquals(1, alarm.pass(DEC1 + 60_000), "basic on the 1st");
        assertEquals(1, alarm.alarms());
        // more loss the same day: already said
        append("cdr-20261201-0001.jsonl", usage("SESSION_END", DEC1 + 1, "basic", "data", 0, 5_000) + "\n");
        assertEquals(0, alarm.pass(DEC1 + 120_000));
        // payg goes below zero the same day (a line written in two parts across passes is read once, whole)
        String loss = usage("SESSION_END", DEC1 + 2, "payg", "data", 0, 200_000) + "\n";
        append("cdr-20261201-0001.jsonl", loss.substring(0, 50));
        assertEquals(0, alarm.pass(DEC1 + 180_000), "half a line is not read");
        append("cdr-20261201-0001.jsonl", loss.substring(50));
        assertEquals(1, alarm.pass(DEC1 + 240_000), "payg on the 1st");
        assertEquals(0, alarm.pass(DEC1 + 300_000), "nothing new");
        // the next day, in the next file: basic again, a new day
        append("cdr-20261202-0001.jsonl", usage("SESSION_END", DEC1 + DAY, "basic", "data", 0, 5_000) + "\n");
        assertEquals(1, alarm.pass(DEC1 + DAY + 60_000), "basic on the 2nd");
        // a fee brings basic back above zero on the 2nd; later loss the same day is not said again either
        append("cdr-20261202-0001.jsonl", usage("FEE", DEC1 + DAY + 1, "basic", null, 19_000_000, 0) + "\n"
                + usage("SESSION_END", DEC1 + DAY + 2, "basic", "data", 0, 20_000_000) + "\n");
        assertEquals(0, alarm.pass(DEC1 + DAY + 120_000));
        assertEquals(3, alarm.alarms());
        assertEquals(0, alarm.unreadableLines());
    }

    @Test
    void theFirstPassAfterMidnightFinishesYesterdayAndOlderDaysAreLeftAlone() throws IOException {
        MarginAlarm alarm = new MarginAlarm(dir);
        append("cdr-20261130-0001.jsonl", usage("SESSION_END", DEC1 - DAY, "basic", "data", 0, 5_000) + "\n");
        append("cdr-20261201-0001.jsonl", usage("SESSION_END", DEC1, "payg", "data", 100, 0) + "\n");
        assertEquals(0, alarm.pass(DEC1 + DAY), "the 30th is older than yesterday (the 1st) when it is the 2nd");
        // written late on the 1st, read just after midnight
        append("cdr-20261201-0001.jsonl", usage("SESSION_END", DEC1 + 1, "payg", "data", 0, 5_000) + "\n");
        assertEquals(1, alarm.pass(DEC1 + DAY + 1000));
        assertEquals(1, alarm.alarms());
    }
}
