package io.gyro.diameter.transport;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The initiator side: connects, exchanges capabilities, and hands back a {@link PeerConnection}
 * for pipelined requests (bench and tests play a PGW with it). Requests the server pushes
 * (RAR, ASR) reach the given application.
 */
public final class DiameterClient implements AutoCloseable {
    private final LocalPeer local;
    private final EventLoopGroup group;
    private final Transport transport;
    private final DiameterApplication application;

    public DiameterClient(LocalPeer local, int ioThreads) {
        this(local, ioThreads, (peer, frame, command, app) ->
                peer.answerError(frame, io.gyro.diameter.dictionary.ResultCode.DIAMETER_UNABLE_TO_COMPLY, "not handled by this client"));
    }

    public DiameterClient(LocalPeer local, int ioThreads, DiameterApplication application) {
        this.local = local;
        this.transport = Transport.best(true);
        this.group = transport.newGroup(ioThreads, "gyro-diameter-client");
        this.application = application;
    }

    /** Connects and completes after a successful CER/CEA, or fails with the reason. */
    public CompletableFuture<PeerConnection> connect(InetSocketAddress server) {
        return connect(server, null);
    }

    public CompletableFuture<PeerConnection> connect(InetSocketAddress server, SslContext sslContext) {
        CompletableFuture<PeerConnection> opened = new CompletableFuture<>();
        new Bootstrap()
                .group(group)
                .channel(transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) local.requestTimeout.toMillis())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .handler(new DiameterChannelInitializer(local, application, true, sslContext, null, opened))
                .connect(server)
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        opened.completeExceptionally(f.cause());
                    }
                });
        return opened;
    }

    /** Sends one request and waits for its answer (caller releases it). For tests and tools. */
    public static ByteBuf call(PeerConnection peer, ByteBuf request, long timeoutMs) throws Exception {
        return peer.request(request).get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
