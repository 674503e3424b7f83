package io.gyro.engine.settle;

import io.gyro.engine.cdr.CdrKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A charging record's JSON line read by the settlement's scanner, members in the order the engine writes them. */
class GyroRecordTest {
    /** The engine's order: the network fields after the explanation, the visited network as digits, home left out. */
    static final String ROAMING_INTERIM = "{\"seq\":1042,\"ts\":\"2026-11-03T02:15:02.123Z\",\"tsMs\":1793585702123,"
            + "\"kind\":\"SESSION_INTERIM\",\"msisdn\":8617000000042,\"accountId\":8617000000042,\"packageId\":\"data-max\","
            + "\"sessionId\":\"pgw.test;1793584702;7;\\\"x\\\"\",\"ccRequestNumber\":3,\"service\":0,\"serviceName\":\"data\","
            + "\"ratingGroup\":100,\"units\":5242880,\"retailMicros\":100000,\"retail\":\"0.100000\",\"wholesaleMicros\":250000,"
            + "\"bucketsTouched\":[[1,5242880,0]],\"moneyAfterMicros\":49900000,\"reservedAfterMicros\":0,\"nextBucketId\":4,"
            + "\"buckets\":[[1,0,3221225472,0,1799337600000,30,0],[2,1,6000,0,1799337600000,30,1]],"
            + "\"explanation\":\"roam-data-asia: 5 MB {\\\"a\\\": [1]}\",\"imsi\":460990000000042,\"visitedMccMnc\":45400,"
            + "\"calledNumber\":\"\",\"usageStartMs\":1793584702000,\"usageStopMs\":1793585702000}";

    @Test
    void readsTheMembersSettlementNeedsWhereverTheyStand() {
        GyroRecord r = new GyroRecord();
        byte[] b = ROAMING_INTERIM.getBytes(StandardCharsets.UTF_8);
        assertNull(r.parseJson(b, 0, b.length));
        assertEquals(1042, r.seq);
        assertEquals(1793585702123L, r.tsMs);
        assertEquals(CdrKind.SESSION_INTERIM, r.kind);
        assertEquals(8617000000042L, r.msisdn);
        assertEquals(460990000000042L, r.imsi);
        assertEquals("45400", r.visitedPlmn.toString());
        assertEquals("data", r.serviceName.toString());
        assertEquals("data-max", r.packageId.toString());
        assertEquals("pgw.test;1793584702;7;\"x\"", r.sessionId.toString());
        assertEquals(100, r.ratingGroup);
        assertEquals(5242880, r.units);
        assertEquals(250000, r.wholesaleMicros);
        assertEquals(1793584702000L, r.usageStartMs);
        assertEquals(1793585702000L, r.usageStopMs);
        assertTrue(!r.calledNumber.present());
    }

    @Test
    void anOlderLineWithoutTheNetworkFieldsReads() {
        String line = "{\"seq\":1,\"ts\":\"x\",\"tsMs\":5,\"kind\":\"EVENT\",\"msisdn\":8617000000001,\"accountId\":1,"
                + "\"service\":2,\"units\":1,\"retailMicros\":100000,\"retail\":\"0.100000\",\"wholesaleMicros\":30000,"
                + "\"explanation\":\"sms\"}";
        GyroRecord r = new GyroRecord();
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        assertNull(r.parseJson(b, 0, b.length));
        assertEquals(-1, r.imsi);
        assertEquals(GyroRecord.NONE, r.usageStopMs);
        assertTrue(!r.visitedPlmn.present() && !r.sessionId.present());
    }

    @Test
    void aTornLineIsNotARecord() {
        GyroRecord r = new GyroRecord();
        byte[] b = ROAMING_INTERIM.substring(0, 400).getBytes(StandardCharsets.UTF_8);
        assertTrue(r.parseJson(b, 0, b.length) != null);
    }
}
