package io.gyro.engine.settle;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The verdict on a matched pair at the grid's boundaries, and the host file's times, as tables. */
class VerdictTest {
    private static final PartitionSettlement SETTLEMENT = new PartitionSettlement(new Settlement.Options(Path.of("h.csv"), Path.of("j"), null,
            null, ZoneId.of("Asia/Shanghai"), null, null, Path.of("o"), 10_240, 60, 1_024, 1, 300_000, 10_000, false, 1, 0),
            HostFile.Granularity.PER_RECORD, 0, 1);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // case,                                service, hostQty, hostMicros, gyroQty, gyroMicros, gyroRecords, verdict
            "sameQuantitySameAmount,                 0, 1048576, 5000, 1048576, 5000, 1, EXACT",
            "sameQuantityAmountWithinTolerance,      0, 1048576, 15000, 1048576, 5000, 1, GRID",
            "sameQuantityAmountOneMicroBeyond,       0, 1048576, 15001, 1048576, 5000, 1, AMOUNT",
            // one host step (10 KB) plus one Gyro step (1 KB) per record
            "hostRoundedUpOneStep,                   0, 1054720, 5030, 1044481, 5000, 1, GRID",
            "exactlyTheGridAllowance,                0, 1059840, 5055, 1048576, 5000, 1, GRID",
            "oneOctetBeyondTheGrid,                  0, 1059841, 5055, 1048576, 5000, 1, QUANTITY",
            "threeGyroRecordsWidenTheGyroSide,       0, 1061888, 5065, 1048576, 5000, 3, GRID",
            "gridQuantityButRoamingRate,             0, 1054720, 80000, 1048576, 50000, 2, AMOUNT",
            // voice: 60 s per host record, 1 s per Gyro record
            "callRoundedToTheMinute,                 1, 180, 150000, 121, 150000, 1, GRID",
            "callTwoMinutesLonger,                   1, 300, 250000, 121, 150000, 1, QUANTITY",
            // SMS have no grid
            "twoMessagesAgainstOne,                  2, 2, 60000, 1, 30000, 1, QUANTITY"})
    void verdictOfAPair(String name, int service, long hostQty, long hostMicros, long gyroQty, long gyroMicros,
                        int gyroRecords, SettleReport.Verdict expected) {
        Item h = new Item();
        h.service = service;
        h.quantity = hostQty;
        h.amountMicros = hostMicros;
        h.records = 1;
        Item g = new Item();
        g.service = service;
        g.quantity = gyroQty;
        g.amountMicros = gyroMicros;
        g.records = gyroRecords;
        assertEquals(expected, SETTLEMENT.verdict(h, g));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "2026-11-03T08:15:02+08:00      | 2026-11-03T08:15:02+08:00",
            "2026-11-03T00:15:02.250Z       | 2026-11-03T08:15:02.250+08:00",
            "2026-11-03T08:15+08:00         | 2026-11-03T08:15:00+08:00",
            "2026-11-03 08:15:02            | 2026-11-03T08:15:02+08:00",
            "2026-11-03T08:15:02            | 2026-11-03T08:15:02+08:00",
            "2026-11-02T19:15:02-05:00      | 2026-11-03T08:15:02+08:00",
            "2024-02-29 23:59:59            | 2024-02-29T23:59:59+08:00"})
    void hostTimes(String text, String expected) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(OffsetDateTime.parse(expected).toInstant().toEpochMilli(),
                new Times(ZoneId.of("Asia/Shanghai")).parseMs(b, 0, b.length));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"2026-11-31 08:00:00", "2025-02-29 08:00:00", "2026-11-03 24:00:00",
            "2026-11-03T08:15:02+0800", "yesterday", "2026-11-03", "2026-11-03T08:15:02.Z"})
    void notHostTimes(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(Times.INVALID, new Times(ZoneId.of("Asia/Shanghai")).parseMs(b, 0, b.length));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // local midnight in a zone with summer time: the day starts at the offset of that moment
            "America/New_York | 2026-03-08 | 2026-03-08T00:00:00-05:00",
            "America/New_York | 2026-07-01 | 2026-07-01T00:00:00-04:00",
            "Asia/Shanghai    | 2026-11-03 | 2026-11-03T00:00:00+08:00"})
    void dayStarts(String zone, String day, String expected) {
        byte[] b = day.getBytes(StandardCharsets.US_ASCII);
        Times t = new Times(ZoneId.of(zone));
        long ms = OffsetDateTime.parse(expected).toInstant().toEpochMilli();
        assertEquals(ms, t.parseDayStartMs(b, 0, b.length));
        assertEquals(ms, t.dayStartMs(ms + 13 * 3_600_000L));
    }
}
