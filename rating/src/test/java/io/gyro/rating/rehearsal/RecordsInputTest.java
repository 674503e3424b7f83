package io.gyro.rating.rehearsal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reading record files: lines across the 1 MiB read buffer, overlong and partial lines, the zero tail, field values. */
class RecordsInputTest {
    @TempDir
    Path dir;

    @Test
    void everyCompleteLineIsReadOnceWhereverTheBufferCutsIt() throws IOException {
        // given: about 2.5 MiB of records, one line over 32 KiB, a last line without its newline, then zeros
        StringBuilder sb = new StringBuilder();
        int n = 6000;
        for (int i = 0; i < n; i++) {
            sb.append("{\"seq\":").append(i + 1).append(",\"tsMs\":").append(1_000 + i)
                    .append(",\"kind\":\"SESSION_END\",\"msisdn\":8617000000001,\"packageId\":\"basic\",\"sessionId\":\"s;")
                    .append(i).append("\",\"service\":0,\"serviceName\":\"data\",\"ratingGroup\":100,\"units\":")
                    .append(i).append(",\"retailMicros\":10,\"wholesaleMicros\":2,\"buckets\":[[1,0,5,0,9,1,0]],")
                    .append("\"visitedMccMnc\":45400,\"calledNumber\":\"+4477\",\"usageStartMs\":").append(500 + i)
                    .append(",\"explanation\":\"").append("x".repeat(300)).append("\"}\n");
            if (i == 3000) {
                sb.append("{\"kind\":\"EVENT\",\"tsMs\":1,\"x\":\"").append("y".repeat(40_000)).append("\"}\n");
            }
        }
        sb.append("{\"seq\":0,\"kind\":\"EVENT\"");
        Path f = dir.resolve("cdr-20261201-0001.jsonl");
        Files.writeString(f, sb);
        Files.write(f, new byte[5000], StandardOpenOption.APPEND);
        List<Long> units = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        // when
        RecordsInput.read(RecordsInput.files(List.of(dir)), new RecordsInput.Sink() {
            @Override
            public void record(RecordsInput.Record r, String where) {
                units.add(r.units);
                if (r.units == 7) {
                    assertEquals("s;7", r.sessionId);
                    assertEquals(45400, r.visitedMccMnc);
                    assertEquals("+4477", r.calledNumber);
                    assertEquals(507, r.usageTimeMs(), "the usage's start, not the record's time");
                    assertEquals(f + ":8", where);
                }
            }

            @Override
            public void unreadable(String where, String why) {
                unreadable.add(where + " " + why);
            }
        });
        // then
        assertEquals(n, units.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, units.get(i));
        }
        assertEquals(List.of(f + ":3002 longer than 32768 bytes"), unreadable);
    }
}
