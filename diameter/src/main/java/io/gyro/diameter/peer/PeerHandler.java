package io.gyro.diameter.peer;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.ErrorAnswers;
import io.gyro.diameter.codec.FramingError;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.ApplicationId;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Grammar;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The peer state machine of one connection (RFC 6733 §5.6), for both roles, plus the watchdog
 * (RFC 3539 §3.4 as profiled by RFC 6733 §5.5) and the dispatch of application requests.
 * Runs on the connection's event loop; receives frames from {@link io.gyro.diameter.codec.DiameterFrameDecoder}.
 *
 * <p>Responder side: Closed → (CER accepted, CEA 2001 sent) → Open → (DPR received, in-flight
 * answers drained, DPA sent) → Closing → Closed. Initiator side: Wait-Conn-Ack → (CER sent)
 * Wait-I-CEA → (CEA 2001) → Open.
 */
public final class PeerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(PeerHandler.class);

    /** Peer states, reduced to what a single connection (no election) needs. */
    enum State { WAIT_CER, WAIT_CEA, OPEN, CLOSING, CLOSED }

    private final LocalPeer local;
    private final DiameterApplication application;
    private final boolean initiator;
    private final CompletableFuture<PeerConnection> opened;
    private final PeerRegistry registry;
    private final MessageValidator validator = new MessageValidator();
    private final Validation validation = new Validation();
    private final ErrorAnswers errorAnswers = new ErrorAnswers();
    private final AvpReader reader = new AvpReader();
    private final AvpReader member = new AvpReader();
    private final byte[] capabilityIdentity;

    private ChannelHandlerContext ctx;
    private PeerConnection connection;
    private volatile State state;
    private volatile boolean draining;
    private int dprHopByHop;
    private int dprEndToEnd;
    private boolean watchdogPending;
    private CompletableFuture<Void> disconnected;

    public PeerHandler(LocalPeer local, DiameterApplication application, boolean initiator,
                       CompletableFuture<PeerConnection> opened, PeerRegistry registry) {
        this.local = local;
        this.application = application;
        this.initiator = initiator;
        this.opened = opened;
        this.registry = registry;
        this.state = initiator ? State.WAIT_CEA : State.WAIT_CER;
        this.capabilityIdentity = BaseMessages.capabilityIdentity(local);
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    boolean isDraining() {
        return draining;
    }

    public PeerConnection connection() {
        return connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connection = new PeerConnection(ctx.channel(), local, this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (initiator) {
            // RFC 6733 §5.6: I-Rcv-Conn-Ack → I-Snd-CER, Wait-I-CEA.
            ctx.writeAndFlush(BaseMessages.cer(ctx.alloc().buffer(256), local,
                    connection.nextHopByHop(), connection.nextEndToEnd()));
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // answers queued by other threads: the writes fail on the closed channel, which releases them
        connection.drainAndFlush();
        State previous = state;
        state = State.CLOSED;
        connection.failPending(new ClosedChannelException());
        if (!opened.isDone()) {
            opened.completeExceptionally(new ClosedChannelException());
        }
        if (disconnected != null) {
            disconnected.complete(null);
        }
        if (previous == State.OPEN || previous == State.CLOSING) {
            if (registry != null) {
                registry.remove(connection);
            }
            application.onPeerClosed(connection);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        watchdogPending = false;
        if (msg instanceof FramingError) {
            onFramingError(ctx, (FramingError) msg);
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        try {
            int offset = frame.readerIndex();
            if (DiameterHeader.isRequest(frame, offset)) {
                onRequest(ctx, frame, offset);
            } else {
                onAnswer(ctx, frame, offset);
            }
        } finally {
            frame.release();
        }
    }

    private void onFramingError(ChannelHandlerContext ctx, FramingError error) {
        Counters.FRAMING_ERRORS.increment();
        if (error.header != null) {
            try {
                if (DiameterHeader.isRequest(error.header, 0)) {
                    validation.reset().fail(error.resultCode, error.reason);
                    ByteBuf answer = errorAnswers.write(ctx.alloc().buffer(128), error.header, 0,
                            DiameterHeader.LENGTH, validation, local.originHostBytes, local.originRealmBytes);
                    ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            } finally {
                error.header.release();
            }
        }
        ctx.close();
    }

    private void onRequest(ChannelHandlerContext ctx, ByteBuf frame, int offset) {
        int command = DiameterHeader.commandCode(frame, offset);
        if (state == State.WAIT_CER) {
            // RFC 6733 §5.6: in Closed/Wait-CER only a CER is acceptable; anything else closes.
            if (command != CommandCode.CAPABILITIES_EXCHANGE) {
                Counters.REJECTED_BEFORE_CER.increment();
                ctx.close();
                return;
            }
            onCer(ctx, frame, offset);
            return;
        }
        if (state != State.OPEN && state != State.CLOSING) {
            return;
        }
        int application = Grammar.applicationOf(command);
        if (application < 0) {
            answerError(ctx, frame, offset, validation.reset().fail(ResultCode.DIAMETER_COMMAND_UNSUPPORTED,
                    "command not supported"));
            return;
        }
        int headerApplication = DiameterHeader.applicationId(frame, offset);
        if (application != ApplicationId.COMMON && headerApplication != application) {
            answerError(ctx, frame, offset, validation.reset().fail(ResultCode.DIAMETER_APPLICATION_UNSUPPORTED,
                    "application not supported for this command"));
            return;
        }
        if (!this.application.validate(frame, offset, command, headerApplication, validator, validation).ok()) {
            Counters.INVALID_REQUESTS.increment();
            answerError(ctx, frame, offset, validation);
            return;
        }
        switch (command) {
            case CommandCode.CAPABILITIES_EXCHANGE:
                // A second CER on an open connection: RFC 6733 §5.6 has no transition for it.
                answerError(ctx, frame, offset, validation.reset().fail(ResultCode.DIAMETER_UNABLE_TO_COMPLY,
                        "capabilities already exchanged"));
                return;
            case CommandCode.DEVICE_WATCHDOG:
                // RFC 6733 §5.6: R-Open, Rcv-DWR → Process-DWR, R-Snd-DWA.
                noteOriginStateId(frame, offset);
                ctx.writeAndFlush(BaseMessages.dwa(ctx.alloc().buffer(128), local,
                        DiameterHeader.hopByHop(frame, offset), DiameterHeader.endToEnd(frame, offset)));
                return;
            case CommandCode.DISCONNECT_PEER:
                // RFC 6733 §5.6: R-Open, Rcv-DPR → R-Snd-DPA, Closing. We first let in-flight
                // requests finish so their answers are not lost.
                state = State.CLOSING;
                draining = true;
                dprHopByHop = DiameterHeader.hopByHop(frame, offset);
                dprEndToEnd = DiameterHeader.endToEnd(frame, offset);
                if (connection.inFlight() == 0) {
                    drained();
                }
                return;
            default:
                break;
        }
        if (state == State.CLOSING) {
            answerError(ctx, frame, offset, validation.reset().fail(ResultCode.DIAMETER_TOO_BUSY,
                    "peer is disconnecting"));
            return;
        }
        connection.requestDelivered();
        try {
            this.application.onRequest(connection, frame, command, headerApplication);
        } catch (RuntimeException e) {
            Counters.APPLICATION_ERRORS.increment();
            LOG.error("application failed on a request; answering 5012", e);
            answerError(ctx, frame, offset, validation.reset().fail(ResultCode.DIAMETER_UNABLE_TO_COMPLY,
                    "internal error"));
            connection.requestAbandoned();
        }
    }

    /** Called on the event loop when the last in-flight request of a draining peer was answered. */
    void drained() {
        if (!draining || state == State.CLOSED) {
            return;
        }
        draining = false;
        ctx.writeAndFlush(BaseMessages.dpa(ctx.alloc().buffer(128), local, dprHopByHop, dprEndToEnd));
        // The DPR sender closes the transport (RFC 6733 §5.4); close ourselves if it does not.
        ctx.executor().schedule(() -> {
            ctx.close();
        }, local.watchdogInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onCer(ChannelHandlerContext ctx, ByteBuf frame, int offset) {
        int hopByHop = DiameterHeader.hopByHop(frame, offset);
        int endToEnd = DiameterHeader.endToEnd(frame, offset);
        if (!validator.validate(frame, offset, validation).ok()) {
            Counters.CER_REJECTED.increment();
            answerError(ctx, frame, offset, validation).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String originHost = null;
        String originRealm = null;
        boolean common = false;
        reader.wrapMessage(frame, offset, DiameterHeader.messageLength(frame, offset));
        while (reader.next()) {
            if (reader.vendorId() != VendorId.IETF) {
                continue;
            }
            switch ((int) reader.code()) {
                case AvpCode.ORIGIN_HOST:
                    originHost = reader.stringValue();
                    break;
                case AvpCode.ORIGIN_REALM:
                    originRealm = reader.stringValue();
                    break;
                case AvpCode.ORIGIN_STATE_ID:
                    connection.remoteOriginStateId = reader.unsigned32();
                    break;
                case AvpCode.AUTH_APPLICATION_ID:
                case AvpCode.ACCT_APPLICATION_ID:
                    common |= commonApplication(reader.unsigned32());
                    break;
                case AvpCode.VENDOR_SPECIFIC_APPLICATION_ID:
                    reader.enter(member);
                    while (member.next()) {
                        if (member.is(AvpCode.AUTH_APPLICATION_ID, VendorId.IETF)
                                || member.is(AvpCode.ACCT_APPLICATION_ID, VendorId.IETF)) {
                            common |= commonApplication(member.unsigned32());
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        SocketAddress remoteAddress = ctx.channel().remoteAddress();
        InetSocketAddress remote = remoteAddress instanceof InetSocketAddress ? (InetSocketAddress) remoteAddress : null;
        if (!local.policy.accepts(originHost, remote == null ? null : remote.getAddress())) {
            // RFC 6733 §5.6.1: a CER from an unknown peer gets DIAMETER_UNKNOWN_PEER.
            Counters.CER_REJECTED.increment();
            ctx.writeAndFlush(BaseMessages.cea(ctx.alloc().buffer(256), local, hopByHop, endToEnd,
                    ResultCode.DIAMETER_UNKNOWN_PEER, "peer not in the allowlist"))
                    .addListener(ChannelFutureListener.CLOSE);
            LogOnce.warn(LOG, "unknown-peer:" + originHost, "refused CER from unknown peer {} at {}", originHost, remote);
            return;
        }
        if (!common) {
            // RFC 6733 §5.3: no application in common → DIAMETER_NO_COMMON_APPLICATION.
            Counters.CER_REJECTED.increment();
            ctx.writeAndFlush(BaseMessages.cea(ctx.alloc().buffer(256), local, hopByHop, endToEnd,
                    ResultCode.DIAMETER_NO_COMMON_APPLICATION, "no common application"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        connection.remoteOriginHost = originHost;
        connection.remoteOriginRealm = originRealm;
        // Open (registered, application told) before the CEA leaves: a peer that has its CEA can
        // rely on being known to this node.
        open();
        ctx.writeAndFlush(BaseMessages.cea(ctx.alloc().buffer(256), local, hopByHop, endToEnd,
                ResultCode.DIAMETER_SUCCESS, null));
    }

    private boolean commonApplication(long applicationId) {
        return applicationId == (ApplicationId.RELAY & 0xffffffffL) || local.supportsApplication(applicationId);
    }

    private void open() {
        state = State.OPEN;
        if (registry != null) {
            registry.add(connection);
        }
        application.onPeerOpen(connection);
        opened.complete(connection);
    }

    private void onAnswer(ChannelHandlerContext ctx, ByteBuf frame, int offset) {
        int command = DiameterHeader.commandCode(frame, offset);
        if (state == State.WAIT_CEA) {
            if (command != CommandCode.CAPABILITIES_EXCHANGE) {
                ctx.close();
                return;
            }
            long resultCode = -1;
            reader.wrapMessage(frame, offset, DiameterHeader.messageLength(frame, offset));
            while (reader.next()) {
                if (reader.is(AvpCode.RESULT_CODE, VendorId.IETF) && reader.dataLength() == 4) {
                    resultCode = reader.unsigned32();
                } else if (reader.is(AvpCode.ORIGIN_HOST, VendorId.IETF)) {
                    connection.remoteOriginHost = reader.stringValue();
                } else if (reader.is(AvpCode.ORIGIN_REALM, VendorId.IETF)) {
                    connection.remoteOriginRealm = reader.stringValue();
                } else if (reader.is(AvpCode.ORIGIN_STATE_ID, VendorId.IETF) && reader.dataLength() == 4) {
                    connection.remoteOriginStateId = reader.unsigned32();
                }
            }
            if (resultCode != ResultCode.DIAMETER_SUCCESS) {
                opened.completeExceptionally(new PeerRejectedException((int) resultCode));
                ctx.close();
                return;
            }
            open();
            return;
        }
        if (state == State.WAIT_CER) {
            ctx.close();
            return;
        }
        switch (command) {
            case CommandCode.DEVICE_WATCHDOG:
                noteOriginStateId(frame, offset);
                return;
            case CommandCode.DISCONNECT_PEER:
                // RFC 6733 §5.6: Closing, Rcv-DPA → Disconnect, Closed.
                ctx.close();
                return;
            default:
                if (!connection.completeAnswer(DiameterHeader.hopByHop(frame, offset), frame)) {
                    Counters.UNEXPECTED_ANSWERS.increment();
                }
        }
    }

    private void noteOriginStateId(ByteBuf frame, int offset) {
        reader.wrapMessage(frame, offset, DiameterHeader.messageLength(frame, offset));
        while (reader.next()) {
            if (reader.is(AvpCode.ORIGIN_STATE_ID, VendorId.IETF) && reader.dataLength() == 4) {
                long stateId = reader.unsigned32();
                if (connection.remoteOriginStateId >= 0 && stateId != connection.remoteOriginStateId) {
                    // RFC 6733 §8.16: a new Origin-State-Id means the peer restarted and lost its sessions.
                    Counters.PEER_RESTARTS.increment();
                    LogOnce.warn(LOG, "restart:" + connection.remoteOriginHost,
                            "peer {} restarted (Origin-State-Id {} -> {})", connection.remoteOriginHost,
                            connection.remoteOriginStateId, stateId);
                }
                connection.remoteOriginStateId = stateId;
            }
        }
    }

    private io.netty.channel.ChannelFuture answerError(ChannelHandlerContext ctx, ByteBuf frame, int offset, Validation v) {
        // A CEA carries our own identity, never the peer's from its (bad) CER.
        byte[] own = DiameterHeader.commandCode(frame, offset) == CommandCode.CAPABILITIES_EXCHANGE
                ? capabilityIdentity : null;
        ByteBuf answer = errorAnswers.write(ctx.alloc().buffer(256), frame, offset, frame.readableBytes(), v,
                local.originHostBytes, local.originRealmBytes, own);
        return ctx.writeAndFlush(answer);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // RFC 3539 §3.4.1 as used by RFC 6733 §5.5: after Tw of silence send a DWR; if a
            // second Tw passes with nothing received, the connection is considered failed.
            if (state != State.OPEN && state != State.CLOSING) {
                ctx.close();
                return;
            }
            if (watchdogPending) {
                Counters.WATCHDOG_CLOSES.increment();
                ctx.close();
                return;
            }
            watchdogPending = true;
            ctx.writeAndFlush(BaseMessages.dwr(ctx.alloc().buffer(128), local,
                    connection.nextHopByHop(), connection.nextEndToEnd()));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Counters.EXCEPTIONS.increment();
        LogOnce.warn(LOG, "exception:" + cause.getClass().getName(), "closing connection {} after {}",
                ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** Sends DPR and completes when the connection has closed. */
    CompletableFuture<Void> disconnect(int disconnectCause) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ctx.executor().execute(() -> {
            if (state == State.CLOSED) {
                done.complete(null);
                return;
            }
            disconnected = done;
            state = State.CLOSING;
            ctx.writeAndFlush(BaseMessages.dpr(ctx.alloc().buffer(128), local, connection.nextHopByHop(),
                    connection.nextEndToEnd(), disconnectCause));
            ctx.executor().schedule(() -> {
                ctx.close();
            }, local.watchdogInterval.toMillis(), TimeUnit.MILLISECONDS);
        });
        return done;
    }

}
