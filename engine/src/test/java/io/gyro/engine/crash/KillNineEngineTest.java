package io.gyro.engine.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.transport.DiameterClient;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety (issue 6 §1, ARCHITECTURE.md "State and durability"): the engine runs as a user runs it
 * ({@code Main serve}) in a child JVM; PGW workers play data/voice sessions (CCR-I, U with used units,
 * T), SMS direct debits and top-ups against it while the test kills it with SIGKILL at random moments and
 * restarts it on the same data directory. A request left unanswered by a kill is sent once more with the
 * T flag to the new instance (2001, 5012 or 5002 accepted), then the sessions carry on.
 *
 * <p>Then, against the live instance and again after a clean stop and restart, for every demo account:
 * conservation (money == -sum of its records' retailMicros, exactly), no record twice (sessionId,
 * ccRequestNumber, kind, ratingGroup), every answered charge (2001 to a CCR-U/T that reported usage, a
 * successful SMS direct debit) present in the journal, a gap-free journal, and no reservation left once
 * all sessions ended. Restart times (kill to CEA) are printed.
 *
 * <p>CI runs 3 kills ({@code -Dgyro.crash.kills}, default 3; about 30 s). The longer run is 20 kills:
 * {@code mvn -B -o -pl engine test -Dtest=KillNineEngineTest -Dgyro.crash.kills=20} (about 2 min).
 * {@code -Dgyro.crash.seed} replays a run's random choices (kill moments and workload).
 */
class KillNineEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ACCOUNTS = 50;
    private static final int WORKERS = 4;

    @TempDir
    Path root;

    /**
     * @param image whether the accounts are kept in an account image (a start after a kill maps it again and rolls it
     *              forward from its applied seq) or in the process (the start loads the snapshot and rolls it forward)
     */
    @ParameterizedTest(name = "accounts in an image: {0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void killNineAtRandomMomentsLosesNoAnsweredChargeAndChargesNothingTwice(boolean image) throws Exception {
        int kills = Integer.getInteger("gyro.crash.kills", 3);
        long seed = Long.getLong("gyro.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("kill -9 engine test: %d kills, seed %d (-Dgyro.crash.seed to replay)%n", kills, seed);
        Path dataDir = Files.createDirectories(root.resolve("data"));
        Path logDir = Files.createDirectories(root.resolve("logs"));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("demo.count", String.valueOf(ACCOUNTS));
        settings.put("catalogue", ChildEngine.repoRoot().resolve("config/catalogue.yaml").toString());
        settings.put("stores.maxSubscribers", "10000");
        settings.put("stores.maxSessions", "10000");
        settings.put("sessions.graceSeconds", "3");   // a retransmission after a restart must come within one grace of the start
        settings.put("pipeline.ringSize", "1024");
        settings.put("http.token", PgwWorker.API_TOKEN);
        // the smallest log segments, none kept once exported: the kills fall among segment deletions
        settings.put("wal.segmentBytes", "65536");
        settings.put("wal.keepExportedSegments", "0");
        Path imageRoot = Files.createDirectories(root.resolve("image"));
        settings.put("accounts.imageDir", image ? imageRoot.toString() : "");
        Duration startBound = Duration.ofSeconds(60);

        DiameterClient probe = new DiameterClient(LocalPeer.builder("probe.crash", "crash").build(), 1);
        DiameterClient pgw = new DiameterClient(LocalPeer.builder("pgw.crash", "crash").build(), 2);
        List<Long> restartMillis = new ArrayList<>();
        List<String> recoveryLines = new ArrayList<>();
        ChildEngine engine = ChildEngine.start(dataDir, logDir, 0, settings, probe, startBound);
        System.out.printf("engine up in %d ms (fresh data directory, %d demo accounts)%n", engine.readyMillis, ACCOUNTS);
        PgwWorker.Shared shared = new PgwWorker.Shared(ACCOUNTS,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(60L + 15L * kills));
        shared.gen.set(new PgwWorker.Gen(0, engine.diameterPort, engine.httpPort));
        List<PgwWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int w = 0; w < WORKERS; w++) {
                PgwWorker worker = new PgwWorker(w, shared, pgw, random.nextLong());
                Thread t = new Thread(worker, "pgw-" + w);
                t.setDaemon(true);
                workers.add(worker);
                threads.add(t);
                t.start();
            }
            for (int k = 1; k <= kills; k++) {
                int beforeRequests = shared.requests.get();
                // Let the load run between 0.5 and 2.5 s (and at least a few requests) on this instance.
                long loadUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500 + random.nextInt(2000));
                while ((System.nanoTime() < loadUntil || shared.requests.get() < beforeRequests + 20)
                        && System.nanoTime() < loadUntil + TimeUnit.SECONDS.toNanos(20)) {
                    Thread.sleep(5);
                    assertWorkersHealthy(workers);
                }
                shared.killInProgress = true;
                long killedAt = System.nanoTime();
                engine.kill();
                engine = ChildEngine.start(dataDir, logDir, k, settings, probe, startBound);
                long restart = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                restartMillis.add(restart);
                String recovery = engine.logLine("unclean stop detected");
                String accounts = engine.logLine("stores open: ");
                assertTrue(accounts != null && accounts.contains(image ? "from the image " : ", in memory"),
                        "run " + k + ": accounts not from " + (image ? "the image" : "the snapshot") + ": " + accounts);
                recoveryLines.add(recovery);
                shared.gen.set(new PgwWorker.Gen(k, engine.diameterPort, engine.httpPort));
                shared.killInProgress = false;
                System.out.printf("kill %d after %d requests: restarted, CEA %d ms after SIGKILL; %s%n", k,
                        shared.requests.get(), restart, recovery == null ? "(no recovery line)"
                                : recovery.substring(recovery.indexOf("unclean")));
                assertTrue(recovery != null, "run " + k + " did not detect the unclean stop:\n" + ChildEngine.tail(engine.log));
            }
            // A little more load on the last instance, then let every session end.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
            while (System.nanoTime() < until) {
                Thread.sleep(10);
                assertWorkersHealthy(workers);
            }
            shared.stop = true;
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertTrue(!t.isAlive(), t.getName() + " did not finish its session within 60 s");
            }
            assertWorkersHealthy(workers);

            List<JsonNode> journal = readJournal(dataDir.resolve("journal"));
            Map<Long, Long> before = verify(engine, shared, journal, "live instance after the last kill");

            // Clean stop and restart: same money everywhere, no recovery needed.
            engine.stop();
            String stoppedLog = ChildEngine.tail(engine.log);
            engine = ChildEngine.start(dataDir, logDir, kills + 1, settings, probe, startBound);
            assertEquals(null, engine.logLine("unclean stop detected"), "a clean stop needs no recovery; the stop:\n"
                    + stoppedLog);
            Map<Long, Long> after = verify(engine, shared, readJournal(dataDir.resolve("journal")),
                    "after a clean stop and restart");
            assertEquals(before, after, "money of every account across a clean restart");

            long max = restartMillis.stream().mapToLong(Long::longValue).max().orElse(0);
            double avg = restartMillis.stream().mapToLong(Long::longValue).average().orElse(0);
            Map<Long, Integer> codes = new TreeMap<>();
            Map<Long, Integer> retransmissionCodes = new TreeMap<>();
            for (PgwWorker.Answered a : shared.answered) {
                (a.retransmission() ? retransmissionCodes : codes).merge(a.resultCode(), 1, Integer::sum);
            }
            System.out.printf("kill -9 engine test: %d kills survived; %d requests (%d answered: %s), %d sessions, "
                            + "%d SMS, %d top-ups; %d requests interrupted by a kill, %d retransmissions answered %s; "
                            + "%d failures without a kill; journal %d records; restart (SIGKILL to CEA) ms: %s, "
                            + "avg %.0f, max %d%n", kills, shared.requests.get(), shared.answered.size(), codes,
                    shared.sessions.get(), shared.smsEvents.get(), shared.topUps.get(), shared.interrupted.get(),
                    retransmissionCodes.values().stream().mapToInt(Integer::intValue).sum(), retransmissionCodes,
                    shared.failuresWithoutKill.get(), journal.size(), restartMillis, avg, max);
            int shown = 0;
            for (PgwWorker.Answered a : shared.answered) {
                if (a.resultCode() != ResultCode.DIAMETER_SUCCESS && shown++ < 20) {
                    System.out.printf("  answered %d: %s #%d type %d (instance %d, retransmission %b)%n", a.resultCode(),
                            a.sessionId(), a.number(), a.type(), a.gen(), a.retransmission());
                    if (a.type() == Enumerations.UPDATE_REQUEST || a.type() == Enumerations.INITIAL_REQUEST) {
                        for (PgwWorker.Answered b : shared.answered) {
                            if (b.sessionId().equals(a.sessionId())) {
                                System.out.printf("    request #%d type %d used %s answered %d, MSCC rg:result/granted %s "
                                                + "(instance %d, retransmission %b)%n", b.number(), b.type(),
                                        java.util.Arrays.toString(b.used()), b.resultCode(), b.msccs(), b.gen(),
                                        b.retransmission());
                            }
                        }
                        for (JsonNode r : journal) {
                            if (a.sessionId().equals(r.path("sessionId").asText(null))) {
                                System.out.println("    journal: " + r);
                            }
                        }
                    }
                }
            }
            engine.stop();
            engine = null;
            try (Stream<Path> images = Files.list(imageRoot)) {
                assertEquals(List.of(), images.toList(), "a clean stop deletes the account image");
            }
            assertTrue(!Files.exists(dataDir.resolve("account-image")), "a clean stop deletes the image's pointer");
            try (Stream<Path> files = Files.list(dataDir.resolve("wal"))) {
                List<String> segments = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".wal"))
                        .toList();
                assertEquals(1, segments.size(), "after a clean stop the log keeps only the segment it writes: "
                        + segments);
            }
        } finally {
            shared.stop = true;
            keepLogs(logDir, dataDir, image ? "kill-nine-engine-image" : "kill-nine-engine");
            if (engine != null) {
                engine.process.destroyForcibly();
                engine.process.waitFor(15, TimeUnit.SECONDS);
            }
            pgw.close();
            probe.close();
        }
    }

    /** Copies the engine logs and the journal to target/{@code under}/ for a look after the run. */
    private static void keepLogs(Path logDir, Path dataDir, String under) {
        try {
            Path target = Path.of("target", under);
            Files.createDirectories(target.resolve("journal"));
            try (Stream<Path> s = Stream.concat(Files.list(logDir), Files.list(dataDir.resolve("journal")))) {
                for (Path f : s.toList()) {
                    Path to = f.getParent().endsWith("journal") ? target.resolve("journal").resolve(f.getFileName())
                            : target.resolve(f.getFileName());
                    Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (Exception e) {
            System.out.println("could not keep the logs: " + e);
        }
    }

    private static void assertWorkersHealthy(List<PgwWorker> workers) {
        for (PgwWorker w : workers) {
            if (w.failure != null) {
                throw new AssertionError("a PGW worker failed: " + w.failure, w.failure);
            }
        }
    }

    /** Every record of the journal files, ordered by seq; a torn last line would be reported, not skipped. */
    private static List<JsonNode> readJournal(Path dir) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                if (!line.isEmpty() && line.charAt(0) == 0) {
                    break;   // the live file is mapped: its content ends at the first NUL
                }
                if (line.isBlank()) {
                    continue;
                }
                records.add(JSON.readTree(line));
            }
        }
        records.sort((a, b) -> Long.compare(a.get("seq").asLong(), b.get("seq").asLong()));
        return records;
    }

    private static String key(String sessionId, long number, String kind, long ratingGroup) {
        return sessionId + "|" + number + "|" + kind + "|" + ratingGroup;
    }

    /** All invariants; returns each account's money. */
    private static Map<Long, Long> verify(ChildEngine engine, PgwWorker.Shared shared, List<JsonNode> journal,
                                          String when) throws Exception {
        // 1. Journal: seqs 1..n, each once.
        for (int i = 0; i < journal.size(); i++) {
            assertEquals(i + 1, journal.get(i).get("seq").asLong(), when + ": journal seq " + (i + 1) + " missing or twice");
        }
        // 2. No record twice.
        Map<String, JsonNode> byKey = new HashMap<>();
        Map<String, Integer> topUpKeys = new HashMap<>();
        Map<Long, Long> journalSum = new HashMap<>();
        for (JsonNode r : journal) {
            journalSum.merge(r.get("msisdn").asLong(), r.get("retailMicros").asLong(), Long::sum);
            if (r.hasNonNull("idempotencyKey") && "TOP_UP".equals(r.get("kind").asText())) {
                topUpKeys.merge(r.get("msisdn").asText() + "/" + r.get("idempotencyKey").asText(), 1, Integer::sum);
            }
            if (!r.hasNonNull("sessionId")) {
                continue;
            }
            String k = key(r.get("sessionId").asText(), r.path("ccRequestNumber").asLong(-1), r.get("kind").asText(),
                    r.path("ratingGroup").asLong(-1));
            JsonNode earlier = byKey.put(k, r);
            if (earlier != null) {
                StringBuilder answers = new StringBuilder();
                for (PgwWorker.Answered a : shared.answered) {
                    if (a.sessionId().equals(r.get("sessionId").asText())) {
                        answers.append("\n  answered: #").append(a.number()).append(" type ").append(a.type())
                                .append(" used ").append(java.util.Arrays.toString(a.used())).append(" -> ")
                                .append(a.resultCode()).append(" [").append(a.msccs()).append("] instance ")
                                .append(a.gen()).append(a.retransmission() ? " (retransmission)" : "");
                    }
                }
                throw new AssertionError(when + ": charged twice: " + k + "\n  first:  " + earlier + "\n  second: " + r
                        + answers);
            }
        }
        for (Map.Entry<String, Integer> e : topUpKeys.entrySet()) {
            assertEquals(1, e.getValue(), when + ": top-up idempotency key " + e.getKey() + " credited more than once");
        }
        // 3. Every answered charge is in the journal.
        int expected = 0;
        for (PgwWorker.Answered a : shared.answered) {
            if (a.resultCode() != ResultCode.DIAMETER_SUCCESS) {
                continue;
            }
            if (a.sms()) {
                expected++;
                assertTrue(byKey.containsKey(key(a.sessionId(), a.number(), "EVENT", -1)),
                        when + ": SMS debit " + a.sessionId() + " answered 2001 (instance " + a.gen() + ", retransmission "
                                + a.retransmission() + ") has no EVENT record in the journal");
                continue;
            }
            if (a.type() == Enumerations.INITIAL_REQUEST) {
                continue;
            }
            String kind = a.type() == Enumerations.UPDATE_REQUEST ? "SESSION_INTERIM" : "SESSION_END";
            for (int i = 0; i < a.ratingGroups().length; i++) {
                if (a.used()[i] > 0) {
                    expected++;
                    String k = key(a.sessionId(), a.number(), kind, a.ratingGroups()[i]);
                    assertTrue(byKey.containsKey(k), when + ": " + k + " (" + a.used()[i] + " units) answered 2001 "
                            + "(instance " + a.gen() + ", retransmission " + a.retransmission()
                            + ") has no record in the journal");
                }
            }
        }
        // 4. Per account: conservation through the API, the API agrees with the journal, nothing reserved.
        Map<Long, Long> money = new TreeMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 0; i < ACCOUNTS; i++) {
            long msisdn = PgwWorker.FIRST_MSISDN + i;
            JsonNode balance = get(engine, "/subscribers/" + msisdn + "/balance");
            // Sessions are all ended; a reservation still held must come back by the stale sweep, bounded.
            while (reserved(balance) != 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                balance = get(engine, "/subscribers/" + msisdn + "/balance");
            }
            JsonNode records = get(engine, "/subscribers/" + msisdn + "/records?limit=10000").get("records");
            long charged = 0;
            Set<Long> seqs = new HashSet<>();
            for (JsonNode r : records) {
                charged += r.get("retailMicros").asLong();
                seqs.add(r.get("seq").asLong());
            }
            assertTrue(records.size() < 10000, "raise the records limit");
            assertEquals(records.size(), seqs.size(), when + ": the API lists a record twice for " + msisdn);
            long moneyMicros = balance.get("moneyMicros").asLong();
            assertEquals(-charged, moneyMicros, when + ": conservation for " + msisdn + ": money " + moneyMicros
                    + " but records sum to " + charged + "; balance " + balance);
            assertEquals(journalSum.getOrDefault(msisdn, 0L), charged, when + ": API records and journal of " + msisdn);
            assertEquals(0, reserved(balance), when + ": " + msisdn + " still holds reservations after every session "
                    + "ended: " + balance);
            money.put(msisdn, moneyMicros);
        }
        System.out.printf("%s: %d journal records, %d answered charges all found, %d accounts conserve money, "
                + "no reservation left%n", when, journal.size(), expected, ACCOUNTS);
        return money;
    }

    /** Money reserved plus units reserved in any bucket. */
    private static long reserved(JsonNode balance) {
        long sum = balance.get("reservedMicros").asLong();
        for (JsonNode b : balance.get("buckets")) {
            sum += b.path("reserved").asLong(0);
        }
        return sum;
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static JsonNode get(ChildEngine engine, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.httpPort + path))
                .header("Authorization", "Bearer " + PgwWorker.API_TOKEN).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }
}
