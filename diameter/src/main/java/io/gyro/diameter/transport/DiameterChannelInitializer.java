package io.gyro.diameter.transport;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.DiameterFrameDecoder;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.peer.PeerHandler;
import io.gyro.diameter.peer.PeerRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The per-connection pipeline, the same for both roles:
 * [TLS] → idle detection (Tw) → frame decoder → peer state machine → application.
 */
final class DiameterChannelInitializer extends ChannelInitializer<Channel> {
    private final LocalPeer local;
    private final DiameterApplication application;
    private final boolean initiator;
    private final SslContext sslContext;
    private final PeerRegistry registry;
    private final CompletableFuture<PeerConnection> opened;

    DiameterChannelInitializer(LocalPeer local, DiameterApplication application, boolean initiator,
                               SslContext sslContext, PeerRegistry registry, CompletableFuture<PeerConnection> opened) {
        this.local = local;
        this.application = application;
        this.initiator = initiator;
        this.sslContext = sslContext;
        this.registry = registry;
        this.opened = opened;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (sslContext != null) {
            p.addLast("tls", sslContext.newHandler(ch.alloc()));
        }
        p.addLast("watchdog", new IdleStateHandler(local.watchdogInterval.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast("framer", new DiameterFrameDecoder(local.maxMessageSize));
        p.addLast("peer", new PeerHandler(local, application, initiator,
                opened != null ? opened : new CompletableFuture<>(), registry));
    }
}
