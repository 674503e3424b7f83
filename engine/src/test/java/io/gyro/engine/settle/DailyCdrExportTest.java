package io.gyro.engine.settle;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gyro export-cdr} through picocli, in-process, on three generated days of 2,000 subscribers plus a file of
 * top-ups and fees: same bytes on every export of a day, a manifest whose checksum, count and seq range are the
 * file's, and {@code gyro settle --records} on the export agreeing with settle on the JSON lines.
 */
@Timeout(120)
class DailyCdrExportTest {
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final LocalDate FIRST = LocalDate.of(2026, 11, 1);

    @TempDir
    static Path root;
    static Path data;
    static Path catalogue;
    static final List<TrafficGenerator.Session> sessions = new ArrayList<>();

    @BeforeAll
    static void generate() throws IOException {
        data = root.resolve("data");
        catalogue = SettleCommandTest.repoRoot().resolve("config/catalogue.yaml");
        long lastSeq;
        try (TrafficGenerator g = new TrafficGenerator(data.resolve("journal"), 7)) {
            g.generate(FIRST, 3, 2_000, ZONE, s -> sessions.add(s));
            lastSeq = g.records;
        }
        // a later file of the last UTC day: a top-up (not exported) and a fee (exported), as the engine writes them
        long ts = LocalDate.of(2026, 11, 2).atTime(12, 0).atZone(ZONE).toInstant().toEpochMilli();
        try (Writer w = Files.newBufferedWriter(data.resolve("journal").resolve("cdr-20261103-0002.jsonl"))) {
            w.write("{\"seq\":" + (lastSeq + 1) + ",\"ts\":\"x\",\"tsMs\":" + ts + ",\"kind\":\"TOP_UP\",\"msisdn\":8617000000001,"
                    + "\"accountId\":8617000000001,\"service\":0,\"units\":0,\"retailMicros\":-50000000,\"retail\":\"-50.000000\","
                    + "\"wholesaleMicros\":0,\"idempotencyKey\":\"k1\",\"explanation\":\"top-up\"}\n");
            w.write("{\"seq\":" + (lastSeq + 2) + ",\"ts\":\"x\",\"tsMs\":" + (ts + 1) + ",\"kind\":\"FEE\",\"msisdn\":8617000000001,"
                    + "\"accountId\":8617000000001,\"service\":0,\"units\":0,\"retailMicros\":30000000,\"retail\":\"30.000000\","
                    + "\"wholesaleMicros\":0,\"packageId\":\"data-max, \\\"promo\\\"\",\"explanation\":\"fee\"}\n");
        }
    }

    static SettleCommandTest.Run export(String day, Path out) {
        return SettleCommandTest.gyro("export-cdr", "--day", day, "--data-dir", data.toString(), "--set",
                "catalogue=" + catalogue, "--out", out.toString());
    }

    @Test
    void reExportingADayGivesTheSameBytes() throws IOException {
        Path a = root.resolve("export-a");
        Path b = root.resolve("export-b");
        SettleCommandTest.Run first = export("2026-11-02", a);
        assertEquals(0, first.code(), first.out() + first.err());
        assertEquals(0, export("2026-11-02", b).code());
        byte[] fileA = Files.readAllBytes(a.resolve("gyro-cdr-20261102.csv"));
        assertArrayEquals(fileA, Files.readAllBytes(b.resolve("gyro-cdr-20261102.csv")));
        assertArrayEquals(Files.readAllBytes(a.resolve("gyro-cdr-20261102.manifest.json")),
                Files.readAllBytes(b.resolve("gyro-cdr-20261102.manifest.json")));
        // and again over the first export
        assertEquals(0, export("2026-11-02", a).code());
        assertArrayEquals(fileA, Files.readAllBytes(a.resolve("gyro-cdr-20261102.csv")));
        try (var s = Files.list(a)) {
            assertEquals(List.of("gyro-cdr-20261102.csv", "gyro-cdr-20261102.manifest.json"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
        }
    }

    @Test
    void manifestHoldsTheFilesChecksumCountAndSeqRange() throws Exception {
        Path out = root.resolve("export-m");
        assertEquals(0, export("2026-11-02", out).code());
        byte[] file = Files.readAllBytes(out.resolve("gyro-cdr-20261102.csv"));
        String manifest = Files.readString(out.resolve("gyro-cdr-20261102.manifest.json"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)), field(manifest, "sha256"));
        List<String> lines = new String(file, StandardCharsets.UTF_8).lines().toList();
        assertEquals(String.join(",", DailyCdrExport.COLUMNS), lines.get(0));
        List<String> body = lines.subList(1, lines.size());
        assertEquals(Integer.toString(body.size()), field(manifest, "records"));
        assertEquals(body.get(0).split(",")[0], field(manifest, "firstSeq"));
        assertEquals(body.get(body.size() - 1).split(",")[0], field(manifest, "lastSeq"));
        assertEquals(Long.toString(file.length), field(manifest, "bytes"));
        assertEquals("1", field(manifest, "formatVersion"));
        long dayStart = LocalDate.of(2026, 11, 2).atStartOfDay(ZONE).toInstant().toEpochMilli();
        long previous = 0;
        long wholesale = 0;
        boolean fee = false;
        for (String line : body) {
            String[] f = line.split(",", -1);
            long seq = Long.parseLong(f[0]);
            assertTrue(seq > previous, "sorted by seq: " + line);
            previous = seq;
            long t = Instant.parse(f[1]).toEpochMilli();
            assertTrue(t >= dayStart && t < dayStart + 86_400_000L, "of the local day: " + line);
            assertTrue(!f[2].equals("TOP_UP"), "a top-up is not a charge: " + line);
            if (f[2].equals("FEE")) {
                fee = true;
                assertTrue(line.endsWith(",\"data-max, \"\"promo\"\"\","), "a package with a comma and quotes is quoted: " + line);
            } else {
                wholesale += io.gyro.rating.money.Money.parseMicros(f[14]);
            }
        }
        assertTrue(fee, "the fee is exported");
        assertEquals(DailyCdrExport.fixed6(wholesale), field(manifest, "wholesaleTotal"));
    }

    @Test
    void settleReadsTheExportAsItReadsTheJournal() throws IOException {
        Path exports = root.resolve("export-all");
        for (String day : List.of("2026-11-01", "2026-11-02", "2026-11-03")) {
            assertEquals(0, export(day, exports).code());
        }
        Path host = root.resolve("host.csv");
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(host))) {
            w.write(TrafficGenerator.HOST_HEADER);
            for (TrafficGenerator.Session s : sessions) {
                w.write(TrafficGenerator.hostLine(s, TrafficGenerator.hostGridQuantity(s), TrafficGenerator.hostAmount(s), ZONE));
            }
        }
        SettleCommandTest.Run fromJson = SettleCommandTest.gyro("settle", host.toString(), "--data-dir", data.toString(),
                "--set", "catalogue=" + catalogue, "--out", root.resolve("s1").toString(), "--from", "2026-11-02", "--to", "2026-11-02");
        SettleCommandTest.Run fromExport = SettleCommandTest.gyro("settle", host.toString(), "--records", exports.toString(),
                "--zone", "Asia/Shanghai", "--set", "catalogue=/nonexistent", "--out", root.resolve("s2").toString(),
                "--from", "2026-11-02", "--to", "2026-11-02");
        assertEquals(0, fromJson.code(), fromJson.out() + fromJson.err());
        assertEquals(0, fromExport.code(), fromExport.out() + fromExport.err());
        assertEquals(line(fromJson.out(), "totals to the fen"), line(fromExport.out(), "totals to the fen"));
        assertEquals(line(fromJson.out(), "differences:"), line(fromExport.out(), "differences:"));
    }

    @Test
    void aBadDayExitsTwo() {
        SettleCommandTest.Run r = export("2026-02-30", root.resolve("export-bad"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--day takes a day"), r.err());
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(text));
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": \"?([^\",\\n]*)\"?").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }
}
