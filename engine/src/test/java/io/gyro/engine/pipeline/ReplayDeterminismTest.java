package io.gyro.engine.pipeline;

import io.gyro.diameter.api.AnswerSink;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.gyro.engine.store.Subscriber;
import io.gyro.rating.Rater;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ARCHITECTURE.md, "The core is a deterministic state machine": the same inputs, each stamped with its time, fed to
 * two fresh engines give the same answers byte for byte, the same journal byte for byte and the same balances and
 * sessions. The inputs are a seeded mix of what a day brings: sessions with usage on several rating groups,
 * retransmissions, an old request number, unknown sessions and subscribers, SMS events, top-ups through the admin
 * path, sessions left silent until the sweep releases them, and ticks. The inputs are stamped in January 2026, so a
 * core that read the wall clock would also leave a record outside the inputs' time range, which is checked too.
 */
class ReplayDeterminismTest {
    private static final long T0 = Instant.parse("2026-01-12T09:00:00Z").toEpochMilli();
    private static final long FIRST_MSISDN = 8613900000001L;
    private static final int SUBSCRIBERS = 12;
    private static final byte[] HOST = "ocs.replay.gyro".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REALM = "replay.gyro".getBytes(StandardCharsets.US_ASCII);

    /** One input: a CCR frame, a top-up, or a tick, with its time and whether a batch ends after it. */
    private static final class Input {
        final long timeMs;
        final byte[] ccr;        // null unless a CCR
        final long topUpMsisdn;  // > 0 for a top-up
        final boolean endOfBatch;

        Input(long timeMs, byte[] ccr, long topUpMsisdn, boolean endOfBatch) {
            this.timeMs = timeMs;
            this.ccr = ccr;
            this.topUpMsisdn = topUpMsisdn;
            this.endOfBatch = endOfBatch;
        }
    }

    /** What one run left: every answer's bytes, the journal's bytes, the balances and the sessions. */
    private static final class Outcome {
        final List<String> answers = new ArrayList<>();
        String journal;
        final TreeMap<Long, String> accounts = new TreeMap<>();
        final TreeMap<String, String> sessions = new TreeMap<>();
    }

    @Test
    void theSameInputsGiveTheSameAnswersJournalAndState(@TempDir Path dir) throws Exception {
        List<Input> inputs = script(new Random(20261207L));
        Outcome first = run(dir.resolve("first"), inputs);
        Outcome second = run(dir.resolve("second"), inputs);

        assertTrue(first.answers.size() >= inputs.size() / 2, "the script was answered: " + first.answers.size());
        assertEquals(first.answers.size(), second.answers.size());
        for (int i = 0; i < first.answers.size(); i++) {
            assertEquals(first.answers.get(i), second.answers.get(i), "answer " + i);
        }
        assertEquals(first.journal, second.journal, "journal bytes");
        assertEquals(first.accounts, second.accounts, "balances");
        assertEquals(first.sessions, second.sessions, "sessions");

        // The script charged, released stale reservations and answered a retransmission from the store.
        assertTrue(first.journal.contains("\"kind\":\"SESSION_INTERIM\""), "usage was charged");
        assertTrue(first.journal.contains("\"kind\":\"STALE_RELEASE\""), "a silent session was released");
        assertTrue(first.journal.contains("\"kind\":\"TOP_UP\""), "a top-up was journaled");
        long last = inputs.get(inputs.size() - 1).timeMs;
        Matcher ts = Pattern.compile("\"tsMs\":(\\d+)").matcher(first.journal);
        int records = 0;
        while (ts.find()) {
            long t = Long.parseLong(ts.group(1));
            assertTrue(t >= T0 && t <= last, "record time " + t + " is an input's time, not the wall clock");
            records++;
        }
        assertTrue(records > 20, "records: " + records);
    }

    @Test
    void anotherTimeGivesAnotherJournal(@TempDir Path dir) throws Exception {
        // The check above can fail: the same script an hour later leaves other record times.
        List<Input> inputs = script(new Random(20261207L));
        List<Input> later = new ArrayList<>();
        for (Input in : inputs) {
            later.add(new Input(in.timeMs + 3_600_000, in.ccr, in.topUpMsisdn, in.endOfBatch));
        }
        assertTrue(!run(dir.resolve("a"), inputs).journal.equals(run(dir.resolve("b"), later).journal));
    }

    private static List<Input> script(Random random) {
        List<Input> inputs = new ArrayList<>();
        CreditControlRequestWriter w = new CreditControlRequestWriter();
        long t = T0;
        int[] requestNumber = new int[40];
        boolean[] open = new boolean[40];
        int hop = 1;
        for (int step = 0; step < 400; step++) {
            t += random.nextInt(400);
            boolean end = random.nextInt(3) == 0;
            int roll = random.nextInt(100);
            if (roll < 4) {
                inputs.add(new Input(t, null, 0, true));   // a tick
                continue;
            }
            if (roll < 7) {
                inputs.add(new Input(t, null, FIRST_MSISDN + random.nextInt(SUBSCRIBERS), end));
                continue;
            }
            if (roll < 12) {
                // an SMS (CCR-EVENT, direct debit), to a fresh Session-Id
                ByteBuf b = Unpooled.buffer(512);
                w.begin(b, hop, hop, "pgw.replay;sms;" + step, HOST, REALM, "replay.gyro", "32274@3gpp.org",
                        Enumerations.EVENT_REQUEST, 0);
                w.msisdn(FIRST_MSISDN + random.nextInt(SUBSCRIBERS + 1));   // one in 13 is unknown
                w.requestedAction(Enumerations.DIRECT_DEBITING);
                w.smsRecipient("8613812345678");
                hop++;
                inputs.add(new Input(t, bytes(w.end()), 0, end));
                continue;
            }
            int s = random.nextInt(open.length);
            String sessionId;
            ByteBuf b = Unpooled.buffer(512);
            if (!open[s]) {
                sessionId = "pgw.replay;data;" + s;
                w.begin(b, hop, hop, sessionId, HOST, REALM, "replay.gyro", "32251@3gpp.org",
                        Enumerations.INITIAL_REQUEST, 0);
                w.msisdn(FIRST_MSISDN + s % (SUBSCRIBERS + 1));
                w.multipleServicesIndicator();
                w.beginMscc(100, -1).requestedEmpty().endMscc();
                w.beginMscc(101, -1).requestedEmpty().endMscc();
                open[s] = true;
                requestNumber[s] = 0;
            } else if (roll < 16) {
                // a retransmission of the last request of this session: same number, same answer
                inputs.add(new Input(t, inputs.stream().filter(in -> in.ccr != null).reduce((a, x) -> x).get().ccr,
                        0, end));
                continue;
            } else if (roll < 18) {
                // an old request number
                sessionId = "pgw.replay;data;" + s;
                w.begin(b, hop, hop, sessionId, HOST, REALM, "replay.gyro", "32251@3gpp.org",
                        Enumerations.UPDATE_REQUEST, Math.max(requestNumber[s] - 1, 0));
                w.beginMscc(100, -1).usedOctets(1000, 1000, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc();
            } else if (roll < 80) {
                sessionId = "pgw.replay;data;" + s;
                w.begin(b, hop, hop, sessionId, HOST, REALM, "replay.gyro", "32251@3gpp.org",
                        Enumerations.UPDATE_REQUEST, ++requestNumber[s]);
                int rg = random.nextBoolean() ? 100 : 101;
                w.beginMscc(rg, -1).usedOctets(random.nextInt(3_000_000), random.nextInt(9_000_000),
                        Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc();
            } else if (roll < 92) {
                sessionId = "pgw.replay;data;" + s;
                w.begin(b, hop, hop, sessionId, HOST, REALM, "replay.gyro", "32251@3gpp.org",
                        Enumerations.TERMINATION_REQUEST, ++requestNumber[s]);
                w.terminationCause(Enumerations.DIAMETER_LOGOUT);
                w.beginMscc(100, -1).usedOctets(random.nextInt(500_000), random.nextInt(500_000),
                        Enumerations.RR_FINAL).endMscc();
                open[s] = false;
                requestNumber[s] = 0;
            } else {
                // a CCR-U for a session nobody opened
                w.begin(b, hop, hop, "pgw.replay;nobody;" + step, HOST, REALM, "replay.gyro", "32251@3gpp.org",
                        Enumerations.UPDATE_REQUEST, 3);
                w.beginMscc(100, -1).requestedEmpty().endMscc();
            }
            hop++;
            inputs.add(new Input(t, bytes(w.end()), 0, end));
        }
        // Silence past every grant's validity and the grace: the sweep releases what is still open.
        t += 2 * 3_600_000;
        inputs.add(new Input(t, null, 0, true));
        inputs.add(new Input(t + 1000, null, 0, true));
        return inputs;
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = ByteBufUtil.getBytes(b);
        b.release();
        return out;
    }

    private static Outcome run(Path dir, List<Input> inputs) throws Exception {
        Outcome outcome = new Outcome();
        CatalogueLoadResult loaded = CatalogueLoader.load(catalogue());
        assertTrue(loaded.ok(), String.valueOf(loaded.problems()));
        try (Stores stores = Stores.open(dir.resolve("data"), new StoreConfig(1000, 10_000));
             Journal journal = Journal.open(dir.resolve("data/journal"), JournalConfig.defaults())) {
            ChargingState state = new ChargingState(stores, new Records(journal), new Rater(loaded.catalogue()),
                    new ChargingState.Settings(HOST, REALM, 60_000, 9_000));
            Admin.provisionDemo(state, FIRST_MSISDN, 460001000000001L, SUBSCRIBERS, "basic", 30_000_000L, T0);
            ChargingProcessor processor = new ChargingProcessor(state, T0, 16);
            AnswerSink sink = new AnswerSink() {
                @Override
                public void answer(ByteBuf answer) {
                    outcome.answers.add(ByteBufUtil.hexDump(answer));
                    answer.release();
                }

                @Override
                public void flush() {
                }
            };
            CreditControlRequest request = new CreditControlRequest();
            Validation validation = new Validation();
            long sequence = 0;
            int topUps = 0;
            for (Input in : inputs) {
                RingEvent e = new RingEvent();
                if (in.ccr != null) {
                    ByteBuf frame = Unpooled.wrappedBuffer(in.ccr);
                    assertTrue(request.decode(frame, 0, validation.reset()), validation::toString);
                    e.copyFrom(sink, request, in.timeMs);
                } else if (in.topUpMsisdn > 0) {
                    String key = "replay-" + topUps++;
                    e.kind = RingEvent.Kind.ADMIN;
                    e.timeMs = in.timeMs;
                    e.admin = new AdminTask() {
                        @Override
                        protected Object run(ChargingState s) {
                            return Admin.topUp(s, in.topUpMsisdn, 5_000_000L, key, in.timeMs);
                        }
                    };
                } else {
                    e.kind = RingEvent.Kind.TICK;
                    e.timeMs = in.timeMs;
                }
                processor.onEvent(e, sequence++, in.endOfBatch);
            }
            RingEvent last = new RingEvent();
            last.kind = RingEvent.Kind.TICK;
            last.timeMs = inputs.get(inputs.size() - 1).timeMs;
            processor.onEvent(last, sequence, true);

            Account account = new Account();
            Subscriber subscriber = new Subscriber();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                assertTrue(stores.subscribers().findByMsisdn(FIRST_MSISDN + i, subscriber));
                assertTrue(stores.accounts().read(subscriber.accountId(), account));
                StringBuilder sb = new StringBuilder().append(account.moneyMicros()).append('/')
                        .append(account.reservedMicros()).append('/').append(account.nextBucketId());
                for (int b = 0; b < account.bucketCount(); b++) {
                    sb.append(' ').append(account.bucketId(b)).append(':').append(account.remainingUnits(b))
                            .append(':').append(account.reservedUnits(b)).append(':').append(account.expiryMs(b));
                }
                outcome.accounts.put(FIRST_MSISDN + i, sb.toString());
            }
            stores.sessions().forEach(s -> outcome.sessions.put(s.id().toString(),
                    s.lastCcRequestNumber() + "/" + s.lastRequestType() + "/" + s.expiresAtMs() + "/" + s.slotCount()
                            + "/" + ByteBufUtil.hexDump(s.answer(), 0, s.answerLength())));
        }
        StringBuilder journalText = new StringBuilder();
        try (Stream<Path> files = Files.list(dir.resolve("data/journal"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".jsonl")).sorted()::iterator) {
                journalText.append(f.getFileName()).append('\n').append(readText(f));
            }
        }
        outcome.journal = journalText.toString();
        return outcome;
    }

    private static String readText(Path f) throws IOException {
        String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        int nul = text.indexOf('\0');
        return nul < 0 ? text : text.substring(0, nul);
    }

    private static Path catalogue() {
        Path p = Path.of("").toAbsolutePath();
        while (!p.resolve("config/catalogue.yaml").toFile().exists()) {
            p = p.getParent();
        }
        return p.resolve("config/catalogue.yaml");
    }
}
