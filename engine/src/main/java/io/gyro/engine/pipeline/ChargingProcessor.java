package io.gyro.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import io.gyro.diameter.api.AnswerSink;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalEntry;
import io.gyro.engine.core.PackageRenewals;
import io.gyro.engine.core.StaleSessionSweeper;
import io.gyro.engine.gy.CreditControlHandler;
import io.gyro.engine.status.EngineCounters;
import io.gyro.engine.status.ErrorLog;
import io.gyro.engine.status.LatencyHistogram;
import io.gyro.engine.store.Account;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.IdentityHashMap;

/**
 * The charging processor: the ring's one consumer, on the single thread that owns balances, reservations and
 * sessions (ARCHITECTURE.md, "Threads"). It dispatches each input to its handler (a Credit-Control-Request to the Gy
 * {@link CreditControlHandler}, an admin task, a tick to the {@link StaleSessionSweeper} and
 * {@link PackageRenewals}), and ends each batch.
 *
 * <p>Time: every input carries the time it entered the engine ({@link RingEvent#timeMs}); the processor's clock is
 * the latest of them (never going back), and nothing on this thread reads a clock. The same inputs therefore give the
 * same state and the same answers, byte for byte (ARCHITECTURE.md, "The core is a deterministic state machine").
 *
 * <p>Durability order per batch: records are appended to the journal as requests are processed, the journal is
 * written to the OS at the end of the batch, and only then are the batch's answers handed to Netty and flushed. An
 * answer therefore never leaves before its record.
 */
public final class ChargingProcessor implements EventHandler<RingEvent>, CreditControlHandler.Answers {
    private static final Logger LOG = LoggerFactory.getLogger(ChargingProcessor.class);
    /** Sessions looked at by the stale sweep at each batch end; a tick looks at up to {@link #TICK_SWEEP_LIMIT}. */
    private static final int BATCH_SWEEP_LIMIT = 32;
    private static final int TICK_SWEEP_LIMIT = 10_000;

    private final ChargingState state;
    private final CreditControlHandler creditControl;
    private final StaleSessionSweeper sweeper;
    private final PackageRenewals renewals;
    /** The latest input time seen: the core's clock. */
    private long nowMs;

    // Answers of the current batch, sent after the journal is written.
    private final AnswerSink[] answerPeers;
    private final ByteBuf[] answers;
    /** When each answer's request was decoded on the event loop ({@link RingEvent#receivedNanos}). */
    private final long[] answerReceivedNanos;
    private int answerCount;
    /** Decode on the event loop to answer handed to Netty, per CCR: the time spent in the engine. */
    private final LatencyHistogram latency = new LatencyHistogram();
    private final IdentityHashMap<AnswerSink, Boolean> touched = new IdentityHashMap<>();

    /**
     * @param startMs the engine's time at start (epoch ms): the sweep and the renewals count from it
     * @param maxBatch answers held before the batch is ended (at most the ring size)
     */
    /** The engine's counters (any thread reads them). */
    public io.gyro.engine.status.Counters counters() {
        return state.counters;
    }

    public ChargingProcessor(ChargingState state, long startMs, int maxBatch) {
        this.state = state;
        this.answerPeers = new AnswerSink[maxBatch];
        this.answers = new ByteBuf[maxBatch];
        this.answerReceivedNanos = new long[maxBatch];
        this.nowMs = startMs;
        this.sweeper = new StaleSessionSweeper(state, startMs);
        this.renewals = new PackageRenewals(state, startMs);
        this.creditControl = new CreditControlHandler(state, sweeper, this);
    }

    public ChargingState state() {
        return state;
    }

    /** Time in the engine per answered CCR, from its decode to its answer handed to Netty (any thread may read it). */
    public LatencyHistogram latency() {
        return latency;
    }

    @Override
    public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
        long seqBefore = state.records.journal().lastSeq();
        // Inputs from several publishers may arrive a millisecond out of order: the clock never goes back.
        nowMs = Math.max(nowMs, event.timeMs);
        try {
            switch (event.kind) {
                case CCR:
                    state.counters.increment(EngineCounters.CCR_RECEIVED);
                    creditControl.onCreditControl(event, nowMs);
                    break;
                case ADMIN:
                    state.counters.increment(EngineCounters.ADMIN_TASKS);
                    event.admin.execute(state);
                    if (event.admin.result.isCompletedExceptionally()
                            && !(event.admin.refused && state.records.lastSeq() == seqBefore)) {
                        // it may have failed after journaling: its records may lack their map writes (see below).
                        // A refusal (404, 409, a bad request) that journaled nothing changed nothing: no hold, so a
                        // 404 does not make the next start recover nor the audit refuse.
                        afterFailure(seqBefore);
                    }
                    break;
                case TICK:
                    sweeper.sweep(nowMs, TICK_SWEEP_LIMIT);
                    renewals.renewDue(nowMs);
                    if (event.admin != null) {
                        event.admin.execute(state);   // a tick someone waits for (Engine#tick): it is done
                    }
                    break;
                default:
                    break;
            }
        } catch (RuntimeException e) {
            state.counters.increment(EngineCounters.PROCESSOR_ERRORS);
            ErrorLog.error(LOG, "charging processor failed on a " + event.kind + " event", e);
            // Its records (if any) may lack their map writes.
            afterFailure(seqBefore);
            if (event.kind == RingEvent.Kind.CCR) {
                queue(event, creditControl.unableToComply(event));
            }
        } finally {
            event.clear();
        }
        if (endOfBatch || answerCount == answers.length) {
            endBatch();
        }
    }

    /** Writes the batch's records to the OS, then hands the answers to Netty and flushes each peer once. */
    private void endBatch() {
        state.counters.increment(EngineCounters.PROCESSOR_BATCHES);
        // A few due sessions and a slice of the renewal sweep per batch keep housekeeping small and
        // steady; the tick does the rest when traffic is idle.
        sweeper.sweep(nowMs, BATCH_SWEEP_LIMIT);
        renewals.renewDue(nowMs);
        state.stores.sessions().endOfBatch();
        state.records.flush();
        long handedNanos = System.nanoTime();
        for (int i = 0; i < answerCount; i++) {
            AnswerSink peer = answerPeers[i];
            peer.answer(answers[i]);
            latency.record(handedNanos - answerReceivedNanos[i]);
            touched.put(peer, Boolean.TRUE);
            answerPeers[i] = null;
            answers[i] = null;
        }
        answerCount = 0;
        if (!touched.isEmpty()) {
            for (AnswerSink peer : touched.keySet()) {
                peer.flush();
            }
            touched.clear();
        }
    }

    @Override
    public void queue(RingEvent request, ByteBuf answer) {
        answerPeers[answerCount] = request.peer;
        answerReceivedNanos[answerCount] = request.receivedNanos;
        answers[answerCount++] = answer;
        state.counters.increment(EngineCounters.CCR_ANSWERED);
    }

    /**
     * A request (or admin task) threw, perhaps after journaling: its records' account after-states are applied
     * now, as start-up recovery would, so that a later request of the same account builds on them instead of
     * on the account as it was (which would lose or hide the journaled act). The checkpoint also stays below
     * them for the rest of the run, so the next start checks them again. An error path: it reads the journal
     * and allocates.
     */
    private void afterFailure(long seqBefore) {
        // held even without a record: a write without one (a reservation) may be half done, and a run that held
        // closes its stores without the clean-shutdown marker, so the next start recomputes every reservation
        state.records.holdCheckpoint(seqBefore);
        Journal journal = state.records.journal();
        if (journal.lastSeq() <= seqBefore) {
            return;
        }
        Account account = new Account();
        try (Journal.Scanner scanner = journal.scanAfter(seqBefore)) {
            while (scanner.hasNext()) {
                JournalEntry e = scanner.next();
                if (e.seq <= seqBefore || !e.hasAfterState()) {
                    continue;
                }
                if (!state.stores.accounts().read(e.accountId, account)) {
                    account.clear(e.accountId);
                }
                if (e.seq > account.lastJournalSeq()) {
                    e.applyTo(account);
                    state.stores.accounts().write(account);
                }
            }
        } catch (IOException | RuntimeException x) {
            ErrorLog.error(LOG, "applying the records of a failed request failed; the next start "
                    + "rolls them forward", x);
        }
    }
}
