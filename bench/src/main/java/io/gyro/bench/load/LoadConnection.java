package io.gyro.bench.load;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.PeerConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Diameter connection of the load generator and the PGW sessions it carries. Everything
 * here runs on the connection's event loop (the control methods hop onto it), so the state needs
 * no locks: sessions waiting for their next request sit in {@link #idle}; a session has at most
 * one request in flight, as a PGW's does.
 *
 * <p>Closed loop: keep {@code window} requests in flight; each answer sends the next request, and
 * latency is measured from the send. Open loop: a ticker computes how many requests are due at
 * {@code ratePerSecond} since the start and sends them; a request that could not leave on time
 * (no idle session, in-flight cap) keeps its intended send time, and its latency is measured from
 * that time, so a stalled server shows up as latency instead of being hidden (no coordinated
 * omission). Writes are flushed once per event-loop turn, not per request.
 */
final class LoadConnection {
    /**
     * A PGW session: CCR-I, K CCR-U, CCR-T, then a new Session-Id, for the same subscriber or, with
     * {@link Workload#pickCount}, a random one of the range.
     */
    static final class Session {
        final int index;
        long msisdn;
        long generation;
        /** 0 = CCR-I, 1..K = CCR-U, K+1 = CCR-T. */
        int step;

        Session(int index, long msisdn) {
            this.index = index;
            this.msisdn = msisdn;
        }
    }

    /** An open-loop request leaving this long after its intended time is counted as late. */
    private static final long LATE_NS = 1_000_000;

    private final int index;
    private final PeerConnection peer;
    private final EventLoop loop;
    private final Workload workload;
    private final Stats stats;
    private final byte[] originHost;
    private final byte[] originRealm;
    private final ArrayDeque<Session> idle = new ArrayDeque<>();
    private final CreditControlRequestWriter writer = new CreditControlRequestWriter();
    private final StringBuilder sessionId = new StringBuilder(96);
    private final AvpReader top = new AvpReader();
    private final AvpReader member = new AvpReader();
    private final Runnable flushTask = this::flush;
    private final Runnable tickTask = this::tick;

    private boolean flushPending;
    private boolean generating;
    private boolean terminating;
    private int inFlight;
    private double smsCredit;
    private long smsCounter;
    /** Subscriber picks for {@link Workload#pickCount}; event-loop thread only. */
    private final java.util.SplittableRandom picks;

    // closed loop
    private int window;
    // open loop
    private boolean openLoop;
    private long startNs;
    private double intervalNs;
    private long scheduled;
    private int maxInFlight;
    private ScheduledFuture<?> ticker;

    LoadConnection(int index, PeerConnection peer, Workload workload, Stats stats) {
        this.index = index;
        this.peer = peer;
        this.loop = peer.channel().eventLoop();
        this.workload = workload;
        this.stats = stats;
        this.originHost = workload.originHost.getBytes(StandardCharsets.US_ASCII);
        this.originRealm = workload.originRealm.getBytes(StandardCharsets.US_ASCII);
        this.picks = new java.util.SplittableRandom(workload.runId * 1_000_003L + index);
        for (int s = 0; s < workload.sessionsPerConnection; s++) {
            int global = index * workload.sessionsPerConnection + s;
            idle.add(new Session(global, workload.firstMsisdn + (global % workload.subscribers)));
        }
    }

    PeerConnection peer() {
        return peer;
    }

    /** Closed loop: keep {@code window} requests in flight until {@link #stop}. */
    CompletableFuture<Void> startClosed(int window) {
        return onLoop(() -> {
            this.openLoop = false;
            this.window = window;
            this.generating = true;
            while (inFlight < window && send(System.nanoTime())) {
                // fill the window
            }
            scheduleFlush();
        });
    }

    /** Open loop: {@code ratePerSecond} requests on this connection, at most {@code maxInFlight} outstanding. */
    CompletableFuture<Void> startOpen(double ratePerSecond, int maxInFlight, long tickMicros) {
        return onLoop(() -> {
            this.openLoop = true;
            this.generating = true;
            this.maxInFlight = maxInFlight;
            this.intervalNs = 1e9 / ratePerSecond;
            this.startNs = System.nanoTime();
            this.scheduled = 0;
            this.ticker = loop.scheduleAtFixedRate(tickTask, 0, tickMicros, TimeUnit.MICROSECONDS);
        });
    }

    /** Stops generating new requests (answers keep being recorded). */
    CompletableFuture<Void> stop() {
        return onLoop(() -> {
            generating = false;
            if (ticker != null) {
                ticker.cancel(false);
                ticker = null;
            }
        });
    }

    /** Requests in flight (read on the loop). */
    CompletableFuture<Integer> inFlight() {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(inFlight));
        return f;
    }

    /** Ends every open session with a CCR-T (answers are checked, not timed). */
    CompletableFuture<Void> terminateOpenSessions() {
        return onLoop(() -> {
            terminating = true;
            int n = idle.size();
            for (int i = 0; i < n; i++) {
                Session s = idle.poll();
                if (s.step > 0) {
                    s.step = workload.updates + 1;
                    sendSession(s, System.nanoTime(), false);
                } else {
                    idle.add(s);
                }
            }
            scheduleFlush();
        });
    }

    /** Unanswered requests are failures: counts them (call once, at the end). */
    CompletableFuture<Void> abandon() {
        return onLoop(() -> {
            stats.unanswered.add(inFlight);
            inFlight = 0;
        });
    }

    private CompletableFuture<Void> onLoop(Runnable r) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                r.run();
                f.complete(null);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private void tick() {
        if (!generating) {
            return;
        }
        long now = System.nanoTime();
        long due = (long) ((now - startNs) / intervalNs) + 1;
        boolean sentAny = false;
        while (scheduled < due && inFlight < maxInFlight) {
            long intended = startNs + (long) (scheduled * intervalNs);
            if (!send(intended)) {
                break;
            }
            if (now - intended > LATE_NS) {
                stats.late.increment();
            }
            scheduled++;
            sentAny = true;
        }
        if (sentAny) {
            scheduleFlush();
        }
    }

    /** Sends the next request (an SMS event or a session step); false when no session is idle. */
    private boolean send(long intendedNs) {
        smsCredit += workload.smsShare;
        if (smsCredit >= 1) {
            smsCredit -= 1;
            sendSms(intendedNs);
            return true;
        }
        Session s = idle.poll();
        if (s == null) {
            smsCredit -= workload.smsShare;
            return false;
        }
        sendSession(s, intendedNs, true);
        return true;
    }

    private void sendSession(Session s, long intendedNs, boolean timed) {
        int type;
        long number = s.step;
        if (s.step == 0) {
            type = Enumerations.INITIAL_REQUEST;
            if (workload.pickCount > 0) {
                s.msisdn = workload.pickFrom + picks.nextLong(workload.pickCount);
            }
        } else if (s.step <= workload.updates) {
            type = Enumerations.UPDATE_REQUEST;
        } else {
            type = Enumerations.TERMINATION_REQUEST;
        }
        sessionId.setLength(0);
        sessionId.append(workload.originHost).append(';').append(workload.runId).append(';')
                .append(s.index).append(';').append(s.generation);
        ByteBuf buf = peer.channel().alloc().buffer(512);
        int hopByHop = peer.nextHopByHop();
        writer.begin(buf, hopByHop, peer.nextEndToEnd(), sessionId, originHost, originRealm,
                workload.destinationRealm, Workload.DATA_CONTEXT, type, number);
        writer.msisdn(s.msisdn);
        if (type == Enumerations.INITIAL_REQUEST) {
            writer.multipleServicesIndicator();
            writer.beginMscc(Workload.DATA_RATING_GROUP, -1).requestedEmpty().endMscc();
        } else if (type == Enumerations.UPDATE_REQUEST) {
            writer.beginMscc(Workload.DATA_RATING_GROUP, -1)
                    .usedOctets(workload.usedOctets / 4, workload.usedOctets - workload.usedOctets / 4,
                            Enumerations.RR_QUOTA_EXHAUSTED)
                    .requestedEmpty().endMscc();
        } else {
            writer.terminationCause(Enumerations.DIAMETER_LOGOUT);
            writer.beginMscc(Workload.DATA_RATING_GROUP, -1)
                    .usedOctets(workload.usedOctets / 4, workload.usedOctets - workload.usedOctets / 4, Enumerations.RR_FINAL)
                    .endMscc();
        }
        writer.end();
        inFlight++;
        if (timed) {
            stats.sent.increment();
        }
        peer.expect(hopByHop).whenComplete((answer, error) -> onSessionAnswer(s, intendedNs, timed, answer, error));
        peer.write(buf);
    }

    private void sendSms(long intendedNs) {
        sessionId.setLength(0);
        sessionId.append(workload.originHost).append(";sms;").append(workload.runId).append(';')
                .append(index).append(';').append(smsCounter);
        long msisdn = workload.pickCount > 0 ? workload.pickFrom + picks.nextLong(workload.pickCount)
                : workload.firstMsisdn + (smsCounter * 7919 + index) % workload.subscribers;
        smsCounter++;
        ByteBuf buf = peer.channel().alloc().buffer(512);
        int hopByHop = peer.nextHopByHop();
        writer.begin(buf, hopByHop, peer.nextEndToEnd(), sessionId, originHost, originRealm,
                workload.destinationRealm, Workload.SMS_CONTEXT, Enumerations.EVENT_REQUEST, 0);
        writer.msisdn(msisdn);
        writer.requestedAction(Enumerations.DIRECT_DEBITING);
        writer.smsRecipient(Workload.SMS_RECIPIENT);
        writer.end();
        inFlight++;
        stats.sent.increment();
        stats.smsSent.increment();
        peer.expect(hopByHop).whenComplete((answer, error) -> onSmsAnswer(intendedNs, answer, error));
        peer.write(buf);
    }

    private void onSessionAnswer(Session s, long intendedNs, boolean timed, ByteBuf answer, Throwable error) {
        if (!answered(intendedNs, timed, answer, error)) {
            return;
        }
        if (s.step > workload.updates) {
            s.step = 0;
            s.generation++;
        } else {
            s.step++;
        }
        if (terminating && s.step > 0) {
            s.step = workload.updates + 1;
            sendSession(s, System.nanoTime(), false);
            scheduleFlush();
            return;
        }
        idle.add(s);
        next();
    }

    private void onSmsAnswer(long intendedNs, ByteBuf answer, Throwable error) {
        if (answered(intendedNs, true, answer, error)) {
            next();
        }
    }

    /** Records one answer; false when there was none (the connection failed). */
    private boolean answered(long intendedNs, boolean timed, ByteBuf answer, Throwable error) {
        inFlight--;
        if (error != null) {
            stats.unanswered.increment();
            return false;
        }
        try {
            if (timed) {
                long latency = System.nanoTime() - intendedNs;
                stats.latency.recordValue(Math.min(Math.max(latency, 0), Stats.HIGHEST_NS));
            }
            check(answer);
        } finally {
            answer.release();
        }
        return true;
    }

    private void next() {
        if (!generating) {
            return;
        }
        if (openLoop) {
            // Catch up on requests that are already due (their intended times are in the past).
            long due = (long) ((System.nanoTime() - startNs) / intervalNs) + 1;
            if (scheduled < due && inFlight < maxInFlight && send(startNs + (long) (scheduled * intervalNs))) {
                scheduled++;
                scheduleFlush();
            }
            return;
        }
        if (inFlight < window && send(System.nanoTime())) {
            scheduleFlush();
        }
    }

    /** Counts the top-level Result-Code; an MSCC that is not 2001 under a 2001 answer is counted too. */
    private void check(ByteBuf answer) {
        int offset = answer.readerIndex();
        long result = -1;
        boolean msccFailed = false;
        top.wrapMessage(answer, offset, DiameterHeader.messageLength(answer, offset));
        while (top.next()) {
            if (top.is(AvpCode.RESULT_CODE, VendorId.IETF) && top.dataLength() == 4) {
                result = top.unsigned32();
            } else if (top.is(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL, VendorId.IETF)) {
                top.enter(member);
                while (member.next()) {
                    if (member.is(AvpCode.RESULT_CODE, VendorId.IETF) && member.dataLength() == 4
                            && member.unsigned32() != ResultCode.DIAMETER_SUCCESS) {
                        msccFailed = true;
                    }
                }
            }
        }
        stats.resultCode(result);
        if (result == ResultCode.DIAMETER_SUCCESS && msccFailed) {
            stats.msccNotSuccess.increment();
        }
    }

    private void scheduleFlush() {
        if (!flushPending) {
            flushPending = true;
            loop.execute(flushTask);
        }
    }

    private void flush() {
        flushPending = false;
        peer.flush();
    }
}
