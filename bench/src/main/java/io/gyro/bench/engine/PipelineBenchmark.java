package io.gyro.bench.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.gyro.bench.rating.RatingBenchmark;
import io.gyro.diameter.api.AnswerSink;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.pipeline.Admin;
import io.gyro.engine.pipeline.ChargingProcessor;
import io.gyro.engine.pipeline.ChargingState;
import io.gyro.engine.pipeline.Records;
import io.gyro.engine.pipeline.RingEvent;
import io.gyro.engine.status.EngineCounters;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.gyro.rating.ChargeRequest;
import io.gyro.rating.ChargeResult;
import io.gyro.rating.QuotaRequest;
import io.gyro.rating.QuotaResult;
import io.gyro.rating.Rater;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The charging processor in process, on real stores: a temporary data directory with Chronicle Map
 * accounts, subscribers and sessions and the memory-mapped CDR journal, {@code subscribers} demo
 * subscribers on package {@code basic}. No socket, no ring thread: the benchmark thread is the
 * charging thread, so a figure is that thread's cost per request.
 *
 * <ul>
 *   <li>{@code gySession}: one request of a PGW data session cycle (CCR-I, 3 CCR-U reporting 100 kB
 *       used, CCR-T), {@code window} sessions interleaved like a PGW with that many requests in flight:
 *       ring slot filled from a decoded CCR, session read, subscriber and account read, rating,
 *       reservation, charging record, account and session written, CCA encoded and handed to the
 *       answer sink; a batch ends every 32 requests (journal end of batch, answers flushed, a few due
 *       sessions swept). A simulated clock advances {@code 1/clockRate} s per request, so finished
 *       sessions are kept for {@code graceMs} and swept as in a real run.</li>
 *   <li>{@code rateReserveCommit}: the account step alone: read the account from its Chronicle Map,
 *       quota + reserve, release + charge of what was used, write it back.</li>
 *   <li>{@link RingPipelineBenchmark}: the same requests through a Disruptor ring.</li>
 *   <li>{@code baseline}: filling the ring slot from the decoded CCR (subtract from gySession).</li>
 * </ul>
 *
 * <p>Teardown fails the trial if any request was not served normally (unknown session, full session
 * store, processor error, not charged): a broken run is not reported as a fast one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class PipelineBenchmark extends EngineForks {
    private static final long FIRST_MSISDN = 8_617_000_000_001L;
    private static final long FIRST_IMSI = 460_990_000_000_001L;
    private static final int UPDATES = 3;
    private static final int STEPS = UPDATES + 2;
    private static final int BATCH = 32;
    private static final long USED_OCTETS = 100_000;
    /** "pgw.bench.gyro;1;" then 4 digits of window slot, ';', 10 digits of generation. */
    private static final String SESSION_PREFIX = "pgw.bench.gyro;1;";
    private static final int SLOT_AT = SESSION_PREFIX.length();
    private static final int GENERATION_AT = SLOT_AT + 5;

    @Param("10000")
    public int subscribers;
    @Param("100")
    public int window;
    /** The simulated clock's pace: requests per second of simulated time. */
    @Param("50000")
    public int clockRate;
    /**
     * How long finished sessions are kept for retransmissions (the engine's sessions.graceSeconds; 60 s
     * there). Shorter here so that the session store reaches its steady state (as many sessions end
     * as start) within the warm-up: at 50,000 requests/s and 6 s, about 60,000 sessions are kept.
     */
    @Param("6000")
    public long graceMs;

    private Path dataDir;
    private Stores stores;
    private Journal journal;
    private ChargingState state;
    ChargingProcessor processor;
    private long nowMs;
    private long startMs;
    private long sequence;
    private int[] step;
    private long[] generation;
    private final CreditControlRequest[] templates = new CreditControlRequest[STEPS];
    private final RingEvent event = new RingEvent();
    final CountingSink sink = new CountingSink();
    private long chargesBefore;
    private long sessionRequests;

    // rateReserveCommit
    private Rater rater;
    private final Account account = new Account();
    private final Wallet wallet = new Wallet();
    private final QuotaRequest quotaRequest = new QuotaRequest();
    private final QuotaResult quota = new QuotaResult();
    private final ChargeRequest chargeRequest = new ChargeRequest();
    private final ChargeResult charge = new ChargeResult();
    private long accountCounter;

    /** Releases every answer; counts them. */
    static final class CountingSink implements AnswerSink {
        /** Written by the one thread that answers; read by the benchmark thread in the ring variant. */
        volatile long answers;
        long flushes;

        @Override
        public void answer(ByteBuf answer) {
            answers = answers + 1;
            answer.release();
        }

        long answers() {
            return answers;
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dataDir = Files.createTempDirectory("gyro-pipeline-bench");
        long maxSessions = 500_000;   // about 60,000 kept at 50,000 requests/s and 6 s of grace
        stores = Stores.open(dataDir, new StoreConfig(Math.max(2L * subscribers, 1000), maxSessions));
        journal = Journal.open(dataDir.resolve(Journal.DIR_NAME),
                new JournalConfig(JournalConfig.DEFAULT_MAX_FILE_BYTES, false));
        Catalogue catalogue = RatingBenchmark.sampleCatalogue();
        rater = new Rater(catalogue);
        byte[] host = "ocs.bench.gyro".getBytes(StandardCharsets.US_ASCII);
        byte[] realm = "bench.gyro".getBytes(StandardCharsets.US_ASCII);
        state = new ChargingState(stores, new Records(journal), rater,
                new ChargingState.Settings(host, realm, graceMs, maxSessions * 9 / 10));
        startMs = System.currentTimeMillis();
        nowMs = startMs;
        int created = Admin.provisionDemo(state, FIRST_MSISDN, FIRST_IMSI, subscribers, "basic", 50_000_000_000L, nowMs);
        if (created != subscribers) {
            throw new IllegalStateException("provisioned " + created + " of " + subscribers);
        }
        processor = new ChargingProcessor(state, nowMs, BATCH);
        step = new int[window];
        generation = new long[window];
        for (int s = 0; s < STEPS; s++) {
            templates[s] = decoded(s);
        }
        chargesBefore = state.counters.get(EngineCounters.CHARGES);
        // rateReserveCommit: the basic package's data service
        quotaRequest.clear();
        quotaRequest.packageIndex = catalogue.packageIndex("basic");
        quotaRequest.service = catalogue.serviceIndex("32251@3gpp.org", 100, -1);
        chargeRequest.clear();
        chargeRequest.packageIndex = quotaRequest.packageIndex;
        chargeRequest.service = quotaRequest.service;
        chargeRequest.usedUnits = USED_OCTETS;
    }

    /** The CCR of cycle step {@code s} (0 = I, 1..UPDATES = U, last = T), decoded once. */
    private static CreditControlRequest decoded(int s) {
        int type = s == 0 ? Enumerations.INITIAL_REQUEST
                : s <= UPDATES ? Enumerations.UPDATE_REQUEST : Enumerations.TERMINATION_REQUEST;
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(512);
        CreditControlRequestWriter w = new CreditControlRequestWriter();
        w.begin(buf, s, s, SESSION_PREFIX + "0000;0000000000", "pgw.bench.gyro".getBytes(StandardCharsets.US_ASCII),
                "bench.gyro".getBytes(StandardCharsets.US_ASCII), "bench.gyro", "32251@3gpp.org", type, s);
        w.msisdn(FIRST_MSISDN);
        if (type == Enumerations.INITIAL_REQUEST) {
            w.multipleServicesIndicator();
            w.beginMscc(100, -1).requestedEmpty().endMscc();
        } else if (type == Enumerations.UPDATE_REQUEST) {
            w.beginMscc(100, -1).usedOctets(USED_OCTETS / 4, USED_OCTETS - USED_OCTETS / 4,
                    Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc();
        } else {
            w.terminationCause(Enumerations.DIAMETER_LOGOUT);
            w.beginMscc(100, -1).usedOctets(USED_OCTETS / 4, USED_OCTETS - USED_OCTETS / 4, Enumerations.RR_FINAL)
                    .endMscc();
        }
        w.end();
        CreditControlRequest r = new CreditControlRequest();
        Validation v = new Validation();
        if (!r.decode(buf, buf.readerIndex(), v)) {
            throw new IllegalStateException("template CCR does not decode: " + v);
        }
        return r;   // keeps buf: the ring slot copies from it
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        long charged = state.counters.get(EngineCounters.CHARGES) - chargesBefore;
        String problems = "";
        for (EngineCounters c : new EngineCounters[] {EngineCounters.UNKNOWN_SESSION, EngineCounters.UNKNOWN_USER,
                EngineCounters.SESSION_STORE_FULL, EngineCounters.PROCESSOR_ERRORS, EngineCounters.CREDIT_LIMIT,
                EngineCounters.RATING_FAILED}) {
            if (state.counters.get(c) != 0) {
                problems += " " + c + "=" + state.counters.get(c);
            }
        }
        if (sessionRequests > 0 && charged == 0) {
            problems += " no request was charged";
        }
        journal.close();
        stores.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("requests not served normally:" + problems);
        }
    }

    /** Filling a ring slot from the decoded CCR (the event loop's share, included in gySession). */
    @Benchmark
    public int baseline() {
        event.copyFrom(sink, templates[(int) (sequence++ % STEPS)], nowMs);
        int n = event.sessionIdLength;
        event.clear();
        return n;
    }

    /** One Gy request through the charging processor (see the class comment). */
    @Benchmark
    public long gySession() {
        long n = fill(event);
        processor.onEvent(event, n, n % BATCH == BATCH - 1);
        return sink.answers;
    }

    /** Fills a ring slot with the next request of the interleaved session cycles; returns its number. */
    long fill(RingEvent e) {
        long n = sequence++;
        sessionRequests++;
        int slot = (int) (n % window);
        int s = step[slot];
        if (s == 0) {
            generation[slot]++;
        }
        nowMs = startMs + n * 1000 / clockRate;
        e.copyFrom(sink, templates[s], nowMs);
        digits(e.sessionId, SLOT_AT, 4, slot);
        digits(e.sessionId, GENERATION_AT, 10, generation[slot]);
        e.msisdn = FIRST_MSISDN + (slot * 7919L + generation[slot] * 31) % subscribers;
        e.hopByHop = (int) n;
        step[slot] = s + 1 == STEPS ? 0 : s + 1;
        return n;
    }

    /** Read an account, reserve a grant, release it and charge 100 kB used, write the account back. */
    @Benchmark
    public long rateReserveCommit() {
        long id = FIRST_MSISDN + (accountCounter++ % subscribers);
        if (!stores.accounts().read(id, account)) {
            throw new IllegalStateException("no account " + id);
        }
        ChargingState.toWallet(account, wallet);
        quotaRequest.nowMs = nowMs;
        chargeRequest.startMs = nowMs;
        rater.quota(quotaRequest, wallet, quota);
        rater.reserve(quota, wallet);
        rater.release(quota, wallet);
        rater.charge(chargeRequest, wallet, charge);
        ChargingState.fromWallet(wallet, account);
        stores.accounts().write(account);
        return charge.ratedUnits;
    }

    private static void digits(byte[] b, int at, int width, long v) {
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
    }
}
