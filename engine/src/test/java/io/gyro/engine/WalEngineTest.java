package io.gyro.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.wal.Wal;
import io.gyro.engine.wal.WalReader;
import io.gyro.engine.wal.WalRecordKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine records through the write-ahead log: a query sees a record as soon as its answer left (it waits for
 * the export), the JSON journal holds the log's records with the same seqs, and a start exports what the journal
 * lacks before anything reads it.
 */
class WalEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MSISDN = 8617000000001L;

    @TempDir
    Path dir;

    private static Path journalFile(Path dataDir) throws Exception {
        try (Stream<Path> s = Files.list(dataDir.resolve(Journal.DIR_NAME))) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
            assertEquals(1, files.size(), files.toString());
            return files.get(0);
        }
    }

    @Test
    void recordsGoThroughTheLogAndAreExportedWithTheirSeq() throws Exception {
        Path dataDir = dir.resolve("data");
        Map<String, String> o = EngineHarness.overrides(dataDir, 3);
        long lastSeq;
        try (Engine engine = EngineHarness.start(o)) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = EngineHarness.http(engine, "POST", "/subscribers/" + MSISDN + "/topups",
                        "{\"amount\":\"10.00\",\"idempotencyKey\":\"wal-" + i + "\"}");
                assertEquals(200, r.statusCode(), r.body());
                // the query right after the answer sees the record: it waits for the export
                JsonNode records = JSON.readTree(EngineHarness.http(engine, "GET",
                        "/subscribers/" + MSISDN + "/records?limit=1000", null).body()).get("records");
                JsonNode last = records.get(records.size() - 1);
                assertEquals("wal-" + i, last.get("idempotencyKey").asText());
            }
            JsonNode status = JSON.readTree(EngineHarness.http(engine, "GET", "/status", null).body());
            lastSeq = status.get("journalLastSeq").asLong();
            assertTrue(lastSeq >= 5, status.toString());
            assertEquals(lastSeq, status.get("cdrExportedSeq").asLong(), "exported up to the log's last seq");
            // one 64 MiB segment holds every record so far: it is the one being written, never deleted
            assertEquals(1, status.get("walRetainedSegments").asInt(), status.toString());
            assertEquals(64L << 20, status.get("walRetainedBytes").asLong(), status.toString());
            assertEquals(0, status.get("walSegmentsDeleted").asLong(), status.toString());
        }
        // the log and the JSON journal hold the same seqs
        List<String> lines = Files.readAllLines(journalFile(dataDir), StandardCharsets.UTF_8);
        assertEquals(lastSeq, lines.size());
        try (WalReader r = WalReader.stopped(dataDir.resolve(Wal.DIR_NAME), 1)) {
            long n = 0;
            while (r.next()) {
                n++;
                assertEquals(n, r.seq());
                assertEquals(WalRecordKind.CDR, r.kind());
                assertEquals(n, JSON.readTree(lines.get((int) n - 1)).get("seq").asLong());
            }
            assertEquals(lastSeq, n);
        }

        // a kill before the export: the JSON journal lacks its last two lines; the next start exports them first
        Path file = journalFile(dataDir);
        String whole = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(file, String.join("\n", lines.subList(0, lines.size() - 2)) + "\n", StandardCharsets.UTF_8);
        try (Engine engine = EngineHarness.start(o)) {
            JsonNode records = JSON.readTree(EngineHarness.http(engine, "GET",
                    "/subscribers/" + MSISDN + "/records?limit=1000", null).body()).get("records");
            assertEquals("wal-4", records.get(records.size() - 1).get("idempotencyKey").asText());
        }
        assertEquals(whole, Files.readString(file, StandardCharsets.UTF_8), "the same lines, exported again");
    }
}
