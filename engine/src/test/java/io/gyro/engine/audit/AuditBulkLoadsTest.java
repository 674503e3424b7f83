package io.gyro.engine.audit;

import io.gyro.engine.bulk.BulkLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which bulk load created an account, from the manifest's lines. */
class AuditBulkLoadsTest {
    @TempDir
    Path dir;

    @Test
    void anAbortedRunCoversOnlyWhatItWentThroughAndALaterRunTheRest() throws Exception {
        // Run 1 stopped at its 6th MSISDN (5 created); run 2 loaded the same range with another opening balance.
        Files.writeString(dir.resolve(BulkLoader.MANIFEST), line(8617000000001L, 10, 20_000_000, 5, 0, "aborted: imsi=...")
                + line(8617000000001L, 10, 30_000_000, 5, 5, "complete"), StandardCharsets.UTF_8);
        BulkLoads loads = BulkLoads.read(dir, () -> null);
        assertEquals(20_000_000L, loads.creator(8617000000005L).openingMicros());
        assertEquals(30_000_000L, loads.creator(8617000000006L).openingMicros(), "created by the second run");
        assertEquals(30_000_000L, loads.creator(8617000000010L).openingMicros());
        assertNull(loads.creator(8617000000011L));
    }

    private static String line(long first, long count, long opening, long created, long skipped, String outcome) {
        return "{\"createdMs\":1795600000000,\"firstMsisdn\":" + first + ",\"firstImsi\":460990000000001,\"count\":" + count
                + ",\"package\":\"basic\",\"balanceMicros\":" + opening + ",\"firstPeriodIncluded\":true,\"journal\":false,"
                + "\"openingMoneyMicros\":" + opening + ",\"created\":" + created + ",\"skipped\":" + skipped
                + ",\"outcome\":\"" + outcome + "\"}\n";
    }
}
