package io.gyro.diameter.peer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.internal.PlatformDependent;

/**
 * One open Diameter connection, as the application sees it: answer requests, send requests of
 * your own (RAR/ASR from a server, CCR from a client) and correlate their answers by
 * Hop-by-Hop identifier. Thread-safe: any thread may answer, send and flush.
 */
public final class PeerConnection implements io.gyro.diameter.api.AnswerSink {
    private final Channel channel;
    private final LocalPeer local;
    private final PeerHandler handler;
    private final AtomicInteger hopByHop = new AtomicInteger((int) System.nanoTime());
    private final AtomicInteger endToEnd;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentHashMap<Integer, CompletableFuture<ByteBuf>> pending = new ConcurrentHashMap<>();
    /**
     * Answers written from other threads, waiting for the next {@link #flush()}: the event loop takes them
     * all in one task. (Netty's own cross-thread write is a task per answer, and each task can wake the
     * event loop with a system call; here a batch of answers costs one.)
     */
    private final Queue<ByteBuf> queued = PlatformDependent.newMpscQueue();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainAndFlush = this::drainAndFlush;

    volatile String remoteOriginHost;
    volatile String remoteOriginRealm;
    volatile long remoteOriginStateId = -1;

    PeerConnection(Channel channel, LocalPeer local, PeerHandler handler) {
        this.channel = channel;
        this.local = local;
        this.handler = handler;
        // RFC 6733 §3: the high 12 bits of End-to-End ids are the low bits of the start time.
        this.endToEnd = new AtomicInteger((int) ((System.currentTimeMillis() / 1000) << 20) ^ (int) (System.nanoTime() & 0xfffff));
    }

    public Channel channel() {
        return channel;
    }

    public LocalPeer local() {
        return local;
    }

    /** Origin-Host of the remote peer from its CER/CEA; null before capabilities exchange. */
    public String remoteOriginHost() {
        return remoteOriginHost;
    }

    public String remoteOriginRealm() {
        return remoteOriginRealm;
    }

    public long remoteOriginStateId() {
        return remoteOriginStateId;
    }

    public boolean isOpen() {
        return channel.isActive() && handler.isOpen();
    }

    public int nextHopByHop() {
        return hopByHop.incrementAndGet();
    }

    public int nextEndToEnd() {
        return endToEnd.incrementAndGet();
    }

    /** Requests handed to the application and not answered yet. */
    public int inFlight() {
        return inFlight.get();
    }

    void requestDelivered() {
        inFlight.incrementAndGet();
    }

    /** The request was answered by the peer layer itself (the application threw). */
    void requestAbandoned() {
        inFlight.decrementAndGet();
    }

    /**
     * Writes the answer to a delivered request, without flushing (call {@link #flush()} once per
     * batch). From a thread other than the event loop the answer is queued and written by that flush.
     * Takes ownership of {@code answer}.
     */
    @Override
    public void answer(ByteBuf answer) {
        if (channel.eventLoop().inEventLoop()) {
            channel.write(answer, channel.voidPromise());
        } else {
            queued.offer(answer);
        }
        if (inFlight.decrementAndGet() == 0 && handler.isDraining()) {
            // the DPA goes after every answer (RFC 6733 §5.4: in-flight requests are answered first)
            channel.eventLoop().execute(() -> {
                drainAndFlush();
                handler.drained();
            });
        }
    }

    /** Writes and flushes an answer. */
    public void answerAndFlush(ByteBuf answer) {
        answer(answer);
        flush();
    }

    /**
     * Answers a delivered request with an error Result-Code (and the E bit for 3xxx), built
     * from the request itself. For rare paths: it allocates its encoder.
     */
    public void answerError(ByteBuf request, int resultCode, String errorMessage) {
        io.gyro.diameter.codec.Validation v = new io.gyro.diameter.codec.Validation().fail(resultCode, errorMessage);
        ByteBuf answer = new io.gyro.diameter.codec.ErrorAnswers().write(channel.alloc().buffer(256), request,
                request.readerIndex(), request.readableBytes(), v, local.originHostBytes, local.originRealmBytes);
        answerAndFlush(answer);
    }

    /**
     * Answers a delivered request with the outcome of a decoder ({@code validation}: Result-Code,
     * Failed-AVP, Error-Message), e.g. 5004 from {@link io.gyro.diameter.gy.CreditControlRequest#decode}.
     * For rare paths: it allocates its encoder.
     */
    public void answerError(ByteBuf request, io.gyro.diameter.codec.Validation validation) {
        ByteBuf answer = new io.gyro.diameter.codec.ErrorAnswers().write(channel.alloc().buffer(256), request,
                request.readerIndex(), request.readableBytes(), validation, local.originHostBytes, local.originRealmBytes);
        answerAndFlush(answer);
    }

    @Override
    public void flush() {
        if (channel.eventLoop().inEventLoop()) {
            drainAndFlush();
        } else if (drainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drainAndFlush);
            } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                // the event loop has stopped (server shutting down): the answers cannot be sent; free them
                drainScheduled.set(false);
                ByteBuf answer;
                while ((answer = queued.poll()) != null) {
                    answer.release();
                }
            }
        }
    }

    /**
     * Event loop: writes every queued answer and flushes. The flag is cleared first, so an answer queued
     * while this runs is either written now or scheduled again by its own {@link #flush()}. On a closed
     * channel Netty fails the writes and releases the answers.
     */
    void drainAndFlush() {
        drainScheduled.set(false);
        ByteBuf answer;
        while ((answer = queued.poll()) != null) {
            channel.write(answer, channel.voidPromise());
        }
        channel.flush();
    }

    /**
     * Sends a request whose Hop-by-Hop id came from {@link #nextHopByHop()} and returns its
     * answer (the caller releases it). Fails with {@link TimeoutException} after the configured
     * request timeout, or when the connection closes first.
     */
    public CompletableFuture<ByteBuf> request(ByteBuf request) {
        int id = io.gyro.diameter.codec.DiameterHeader.hopByHop(request, request.readerIndex());
        CompletableFuture<ByteBuf> future = new CompletableFuture<>();
        if (pending.putIfAbsent(id, future) != null) {
            request.release();
            future.completeExceptionally(new IllegalStateException("Hop-by-Hop id " + id + " already pending"));
            return future;
        }
        long timeoutMs = local.requestTimeout.toMillis();
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
            CompletableFuture<ByteBuf> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(new TimeoutException("no answer within " + timeoutMs + " ms"));
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        future.whenComplete((answer, error) -> timer.cancel(false));
        channel.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                CompletableFuture<ByteBuf> p = pending.remove(id);
                if (p != null) {
                    p.completeExceptionally(f.cause());
                }
            }
        });
        return future;
    }

    /** Sends a request without waiting (pipelining); the answer completes a future created by {@link #expect}. */
    public void write(ByteBuf request) {
        channel.write(request, channel.voidPromise());
    }

    /** Registers interest in the answer with this Hop-by-Hop id (used with {@link #write} for pipelining). */
    public CompletableFuture<ByteBuf> expect(int hopByHopId) {
        CompletableFuture<ByteBuf> future = new CompletableFuture<>();
        pending.put(hopByHopId, future);
        return future;
    }

    /** Completes the pending request this answer belongs to. Returns false if nobody waits for it. */
    boolean completeAnswer(int hopByHopId, ByteBuf answer) {
        CompletableFuture<ByteBuf> future = pending.remove(hopByHopId);
        if (future == null) {
            return false;
        }
        if (!future.complete(answer.retain())) {
            answer.release();
        }
        return true;
    }

    void failPending(Throwable cause) {
        for (Integer id : pending.keySet()) {
            CompletableFuture<ByteBuf> future = pending.remove(id);
            if (future != null) {
                future.completeExceptionally(cause);
            }
        }
    }

    /** Starts a graceful disconnect: DPR, then close when the DPA arrives (or after Tw). */
    public CompletableFuture<Void> disconnect(int disconnectCause) {
        return handler.disconnect(disconnectCause);
    }

    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return "PeerConnection{" + remoteOriginHost + " " + channel.remoteAddress() + '}';
    }
}
