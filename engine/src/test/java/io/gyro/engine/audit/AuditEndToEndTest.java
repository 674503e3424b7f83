package io.gyro.engine.audit;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.gyro.engine.Engine;
import io.gyro.engine.EngineConfig;
import io.gyro.engine.EngineHarness;
import io.gyro.engine.Main;
import io.gyro.engine.bulk.BulkLoader;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gyro audit} on a data directory a real engine charged: bulk-loaded accounts (first period included, and
 * charged), API-created ones, top-ups, data sessions with updates (one left open, holding a reservation), SMS
 * events, a refund and an add-on fee, all over loopback; then the engine is stopped cleanly and audited, as it
 * is and after tampering with a copy.
 */
@Timeout(120)
class AuditEndToEndTest {
    private static final long NOW_MS = 1_795_600_000_000L;
    /** Pay-as-you-go, first period included: every unit is paid with money. */
    private static final long PAYG_FIRST = 8617300000001L;
    private static final long PAYG_COUNT = 300;
    /** Basic, first period charged from the opening balance (the manifest records the money left). */
    private static final long BASIC_FIRST = 8617400000001L;
    private static final long BASIC_COUNT = 50;
    private static final long API_MSISDN = 8617500000001L;
    private static final long API_MSISDN_2 = 8617500000002L;
    private static final byte[] PGW = "pgw.test".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REALM = "test".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path root;
    private static Path charged;
    private static Map<String, String> overrides;

    @BeforeAll
    static void chargeARealEngineThenStopIt() throws Exception {
        charged = root.resolve("charged");
        overrides = overrides(charged);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        EngineConfig config = EngineConfig.load(null, overrides);
        BulkLoader.load(config, new BulkLoader.Plan(PAYG_FIRST, 460993000000001L, PAYG_COUNT, "payg", 20_000_000L,
                true, false), quiet, NOW_MS);
        BulkLoader.load(config, new BulkLoader.Plan(BASIC_FIRST, 460994000000001L, BASIC_COUNT, "basic", 30_000_000L,
                false, false), quiet, NOW_MS);
        try (Engine engine = Engine.start(config, () -> NOW_MS)) {
            http(engine, "POST", "/subscribers", "{\"msisdn\":\"" + API_MSISDN + "\",\"imsi\":\"460995000000001\","
                    + "\"package\":\"basic\",\"balance\":\"50.00\"}", 201);
            http(engine, "POST", "/subscribers", "{\"msisdn\":\"" + API_MSISDN_2 + "\",\"imsi\":\"460995000000002\","
                    + "\"package\":\"payg\",\"balance\":\"0.00\"}", 201);
            http(engine, "POST", "/subscribers/" + API_MSISDN_2 + "/topups",
                    "{\"amount\":\"12.34\",\"idempotencyKey\":\"audit-1\"}", 200);
            http(engine, "POST", "/subscribers/" + PAYG_FIRST + "/topups",
                    "{\"amount\":\"5.00\",\"idempotencyKey\":\"audit-2\"}", 200);
            http(engine, "POST", "/subscribers/" + API_MSISDN + "/addons", "{\"package\":\"day-pass\"}", 200);

            DiameterClient client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1);
            try {
                PeerConnection peer = client.connect(new InetSocketAddress("127.0.0.1",
                        engine.diameterAddress().getPort())).get(10, TimeUnit.SECONDS);
                for (long msisdn : new long[] {PAYG_FIRST, PAYG_FIRST + 1, BASIC_FIRST, API_MSISDN, API_MSISDN_2}) {
                    String session = "pgw;audit;" + msisdn;
                    call(peer, session, "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(msisdn)
                            .multipleServicesIndicator().beginMscc(100, -1).requestedEmpty().endMscc());
                    call(peer, session, "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1, w -> w.msisdn(msisdn)
                            .beginMscc(100, -1).usedOctets(1_000_000, 1_500_000, Enumerations.RR_QUOTA_EXHAUSTED)
                            .requestedEmpty().endMscc());
                    call(peer, session, "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 2, w -> w.msisdn(msisdn)
                            .beginMscc(100, -1).usedOctets(700_000, 300_000, Enumerations.RR_QUOTA_EXHAUSTED)
                            .requestedEmpty().endMscc());
                    if (msisdn != PAYG_FIRST + 1) {
                        // PAYG_FIRST + 1 keeps its session open: the stop leaves a reservation on it
                        call(peer, session, "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 3, w -> w.msisdn(msisdn)
                                .terminationCause(Enumerations.DIAMETER_LOGOUT).beginMscc(100, -1)
                                .usedOctets(200_000, 100_000, Enumerations.RR_FINAL).endMscc());
                    }
                    for (int i = 0; i < 2; i++) {
                        call(peer, "smsc;audit;" + msisdn + ";" + i, "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0,
                                w -> w.msisdn(msisdn).requestedAction(Enumerations.DIRECT_DEBITING)
                                        .smsRecipient("00447700900123"));
                    }
                }
                call(peer, "smsc;audit;refund", "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0,
                        w -> w.msisdn(API_MSISDN_2).requestedAction(Enumerations.REFUND_ACCOUNT)
                                .smsRecipient("00447700900123"));
            } finally {
                client.close();
            }
        }
    }

    @Test
    void cleanAfterRealChargingAndChangesNothing() throws Exception {
        Map<String, String> before = digests(charged);
        Result r = audit(charged);
        assertEquals(0, r.exit, r.out + r.err);
        assertTrue(r.out.startsWith("audit " + charged + ": OK: " + String.format("%,d", PAYG_COUNT + BASIC_COUNT + 2)
                + " accounts checked"), r.out);
        assertEquals(before, digests(charged), "the journal, the maps and the manifest are unchanged");

        Audit.Report report = Audit.run(EngineConfig.load(null, overrides), line -> { });
        assertTrue(report.clean(), report.summary());
        // 2 + 2 opening records, 2 top-ups, 1 add-on fee, usage on 5 sessions, 10 SMS, 1 refund
        assertTrue(report.recordsRead() >= 4 + 2 + 1 + 5 * 2 + 10 + 1, report.summary());
        assertEquals(report.recordsRead(), report.lastSeq());
        assertEquals(1, report.accountsHoldingReservations(), "the session left open: checked against its account");
    }

    @Test
    void oneMicroMoreOnAnAccountWithRecordsIsNamed() throws Exception {
        Path dir = copy("micro-journaled");
        addMicros(dir, API_MSISDN_2, 1);
        Result r = audit(dir);
        assertEquals(1, r.exit, r.out);
        assertTrue(r.out.contains("conservation: account " + API_MSISDN_2 + " (msisdn " + API_MSISDN_2 + "): money "),
                r.out);
        assertTrue(r.out.contains("after-state: account " + API_MSISDN_2), r.out);
        assertTrue(r.out.contains("mismatches (conservation 1, after-state 1)"), r.out);
    }

    @Test
    void oneMicroLessOnABulkLoadedAccountIsNamed() throws Exception {
        Path dir = copy("micro-bulk");
        // one without a record, of each bulk load, and one bulk-loaded account that was charged
        addMicros(dir, PAYG_FIRST + 7, -1);
        addMicros(dir, BASIC_FIRST + 7, -1);
        addMicros(dir, BASIC_FIRST, 1);
        Result r = audit(dir);
        assertEquals(1, r.exit, r.out);
        assertTrue(r.out.contains("conservation: account " + (PAYG_FIRST + 7) + ": money 19999999"), r.out);
        assertTrue(r.out.contains("conservation: account " + (BASIC_FIRST + 7) + ": money 10999999"), r.out);
        assertTrue(r.out.contains("conservation: account " + BASIC_FIRST + " (msisdn"), r.out);
    }

    @Test
    void theManifestsOpeningMoneyIsWhatBulkLoadedAccountsAreCheckedAgainst() throws Exception {
        // A manifest from before the loader recorded the opening money: the fee is priced again, still clean.
        Path old = copy("manifest-old");
        rewriteManifest(old, line -> line.replaceAll("\"openingMoneyMicros\":-?\\d+,", ""));
        Result r = audit(old);
        assertEquals(0, r.exit, r.out + r.err);
        // The recorded figure is the one checked: one micro off in the manifest names every untouched account of it.
        Path off = copy("manifest-off");
        rewriteManifest(off, line -> line.contains("\"package\":\"basic\"")
                ? line.replaceAll("\"openingMoneyMicros\":(\\d+),", "\"openingMoneyMicros\":1$1,") : line);
        r = audit(off);
        assertEquals(1, r.exit, r.out);
        assertTrue(r.out.contains("conservation " + BASIC_COUNT + ")"), "every account of that load: " + r.out);
        assertTrue(r.out.contains(": money 11000000 (11.00), expected 111000000 (111.00) (opening of bulk load line"),
                r.out);
    }

    @Test
    void aDeletedJournalLineIsReported() throws Exception {
        Path dir = copy("deleted-line");
        List<String> lines = journalLines(dir);
        int victim = lineOf(lines, "\"kind\":\"TOP_UP\"", "\"idempotencyKey\":\"audit-1\"");
        String removed = lines.remove(victim);
        writeJournal(dir, lines);
        Result r = audit(dir);
        assertEquals(1, r.exit, r.out);
        long seq = seqOf(removed);
        assertTrue(r.out.contains("sequence: seq " + seq + " missing"), r.out);
        assertTrue(r.out.contains("conservation: account " + API_MSISDN_2), r.out);
        assertTrue(r.out.contains("chain: account " + API_MSISDN_2), r.out);
    }

    @Test
    void aDuplicatedSeqIsReported() throws Exception {
        Path dir = copy("duplicated-seq");
        List<String> lines = journalLines(dir);
        int victim = lineOf(lines, "\"kind\":\"EVENT\"", "\"msisdn\":" + PAYG_FIRST + ",");
        lines.add(victim + 1, lines.get(victim));
        writeJournal(dir, lines);
        Result r = audit(dir);
        assertEquals(1, r.exit, r.out);
        assertTrue(r.out.contains("sequence: seq " + seqOf(lines.get(victim)) + " (EVENT, account " + PAYG_FIRST
                + ") comes after seq " + seqOf(lines.get(victim)) + ": repeated"), r.out);
        assertTrue(r.out.contains("conservation: account " + PAYG_FIRST), r.out);
    }

    @Test
    void aLiveEngineIsRefusedAndNothingIsTouched() throws Exception {
        Path dir = copy("live");
        Map<String, String> o = overrides(dir);
        try (Engine engine = Engine.start(EngineConfig.load(null, o), () -> NOW_MS)) {
            Map<String, String> before = digests(dir);
            Result r = audit(dir);
            assertEquals(2, r.exit, r.out + r.err);
            assertTrue(r.err.contains("is in use by another process") && r.err.contains("stop it before an audit"), r.err);
            assertEquals("", r.out);
            assertEquals(before, digests(dir));
            assertFalse(Files.exists(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER)), "the engine's run is still unclosed");
            assertTrue(engine.httpAddress().getPort() > 0);
        }
    }

    @Test
    void anUncleanStopIsRefusedWithWhatToDo() throws Exception {
        Path dir = copy("unclean");
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        Result r = audit(dir);
        assertEquals(2, r.exit, r.out + r.err);
        assertTrue(r.err.contains("not closed cleanly") && r.err.contains("start the engine once and stop it cleanly"),
                r.err);
        assertFalse(Files.exists(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER)), "left for the engine's recovery");

        Result missing = audit(root.resolve("no-such-dir"));
        assertEquals(2, missing.exit);
        assertTrue(missing.err.contains("no such directory"), missing.err);
        assertFalse(Files.exists(root.resolve("no-such-dir")));
    }

    @Test
    void aReservationWithoutItsSessionIsReported() throws Exception {
        Path dir = copy("reservation");
        try (Stores stores = Stores.open(dir, new StoreConfig(10_000, 10_000))) {
            Account a = new Account();
            assertTrue(stores.accounts().read(API_MSISDN, a));
            stores.accounts().write(a.reservedMicros(a.reservedMicros() + 1));
        }
        Result r = audit(dir);
        assertEquals(1, r.exit, r.out);
        assertTrue(r.out.contains("reservations: account " + API_MSISDN + ": reserved 1 "), r.out);
    }

    @Test
    void moreReservedThanTheAccountCanPayIsReported() throws Exception {
        Path dir = copy("over-grant");
        long money;
        try (Stores stores = Stores.open(dir, new StoreConfig(10_000, 10_000))) {
            Account a = new Account();
            assertTrue(stores.accounts().read(PAYG_FIRST + 7, a));
            money = a.moneyMicros();
            stores.accounts().write(a.reservedMicros(money + 1));
        }
        Result r = audit(dir);
        assertEquals(1, r.exit, r.out);
        assertTrue(r.out.contains("over-grant: account " + (PAYG_FIRST + 7) + ": money " + money + " "), r.out);
        assertTrue(r.out.contains("over-grant 1"), r.out);
    }

    @Test
    void anAccountSnapshotBehindTheJournalIsRolledForwardAsAStartWouldBeforeTheChecks() throws Exception {
        // What a request that failed half way leaves (its record after the snapshot's seq, its account write
        // missing): the audit loads the accounts as a start does, so the record is applied and nothing mismatches.
        Path dir = copy("behind-snapshot");
        io.gyro.engine.cdr.JournalEntry last = null;
        try (io.gyro.engine.cdr.Journal.Scanner sc = io.gyro.engine.cdr.Journal.scanStopped(dir.resolve("journal"))) {
            while (sc.hasNext()) {
                last = sc.next();
            }
        }
        assertTrue(last != null && last.hasAfterState(), String.valueOf(last));
        try (Stores stores = Stores.open(dir, new StoreConfig(10_000, 10_000))) {
            Account a = new Account();
            assertTrue(stores.accounts().read(last.accountId, a));
            assertEquals(last.seq, a.lastJournalSeq());
            stores.accounts().write(a.moneyMicros(a.moneyMicros() + 1_234).lastJournalSeq(last.seq - 1));
            stores.accountSnapshots().takeNow(last.seq - 1);
        }
        // the clean stop's snapshot (at the last seq) goes, so the one behind the journal is the newest
        Files.delete(dir.resolve("snapshots").resolve(String.format("accounts-%020d.snap", last.seq)));
        Result r = audit(dir);
        assertEquals(0, r.exit, r.out + r.err);
        assertTrue((r.out + r.err).contains("rolled forward from the snapshot at seq " + String.format(java.util.Locale.ROOT,
                "%,d", last.seq - 1) + ": 1 records applied"), r.out + r.err);
    }

    // ------------------------------------------------------------------ helpers

    private record Result(int exit, String out, String err) {
    }

    private static Result audit(Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> o = overrides(dir);
        List<String> args = new ArrayList<>(List.of("audit", "--data-dir", dir.toString()));
        for (Map.Entry<String, String> e : o.entrySet()) {
            if (!e.getKey().equals("dataDir")) {
                args.add("--set");
                args.add(e.getKey() + "=" + e.getValue());
            }
        }
        int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(new String[0]));
        return new Result(exit, out.toString(), err.toString());
    }

    private static Map<String, String> overrides(Path dir) throws Exception {
        Map<String, String> o = new java.util.LinkedHashMap<>();
        o.put("dataDir", dir.toString());
        o.put("catalogue", repoRoot().resolve("config/catalogue.yaml").toString());
        o.put("diameter.port", "0");
        o.put("http.port", "0");
        o.put("demo.provision", "false");
        o.put("stores.maxSubscribers", "10000");
        o.put("stores.maxSessions", "10000");
        o.put("pipeline.ringSize", "1024");
        return o;
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("config/catalogue.yaml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (config/catalogue.yaml)");
        }
        return p;
    }

    private static void rewriteManifest(Path dir, java.util.function.UnaryOperator<String> edit) throws IOException {
        Path manifest = dir.resolve(io.gyro.engine.bulk.BulkLoader.MANIFEST);
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
            lines.add(edit.apply(line));
        }
        assertNotEquals(Files.readAllLines(manifest, StandardCharsets.UTF_8), lines, "the edit changed the manifest");
        Files.write(manifest, lines, StandardCharsets.UTF_8);
    }

    private static void addMicros(Path dir, long accountId, long micros) throws IOException {
        try (Stores stores = Stores.open(dir, new StoreConfig(10_000, 10_000))) {
            Account a = new Account();
            assertTrue(stores.accounts().read(accountId, a), "account " + accountId);
            stores.accounts().write(a.moneyMicros(a.moneyMicros() + micros));
        }
    }

    private static Path copy(String name) throws IOException {
        Path to = root.resolve(name);
        try (Stream<Path> files = Files.walk(charged)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(charged.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static Path journalFile(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(Journal.DIR_NAME))) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
            assertEquals(1, files.size(), "one journal file: " + files);
            return files.get(0);
        }
    }

    private static List<String> journalLines(Path dir) throws IOException {
        return new ArrayList<>(Files.readAllLines(journalFile(dir), StandardCharsets.UTF_8));
    }

    private static void writeJournal(Path dir, List<String> lines) throws IOException {
        Files.writeString(journalFile(dir), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private static int lineOf(List<String> lines, String... needles) {
        for (int i = 0; i < lines.size(); i++) {
            boolean all = true;
            for (String n : needles) {
                all &= lines.get(i).contains(n);
            }
            if (all) {
                return i;
            }
        }
        throw new AssertionError("no journal line with " + List.of(needles));
    }

    private static long seqOf(String line) {
        int at = line.indexOf("\"seq\":") + 6;
        return Long.parseLong(line.substring(at, line.indexOf(',', at)));
    }

    /** SHA-256 of every file of the directory but the clean-shutdown marker (whose timestamp a close rewrites). */
    private static Map<String, String> digests(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().equals(Stores.CLEAN_SHUTDOWN_MARKER)) {
                    out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        }
        return out;
    }

    private static void call(PeerConnection peer, String session, String context, int type, long number,
                             Consumer<CreditControlRequestWriter> body) throws Exception {
        CreditControlRequestWriter w = new CreditControlRequestWriter();
        w.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(), peer.nextEndToEnd(), session, PGW, REALM,
                "gyro.local", context, type, number);
        body.accept(w);
        ByteBuf cca = DiameterClient.call(peer, w.end(), 10_000);
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(cca, AvpCode.RESULT_CODE), session + " " + type);
        } finally {
            cca.release();
        }
    }

    private static void http(Engine engine, String method, String path, String body, int status) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.httpAddress().getPort() + path))
                .timeout(java.time.Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + engine.apiToken())
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(status / 100, r.statusCode() / 100, path + ": " + r.body());
    }
}
