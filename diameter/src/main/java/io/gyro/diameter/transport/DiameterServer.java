package io.gyro.diameter.transport;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.peer.PeerRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Diameter server (responder) over TCP, optionally with TLS on its own listener.
 * Lifecycle methods are called by the owner's thread; the rest runs on the event loops.
 */
public final class DiameterServer implements AutoCloseable {
    private final LocalPeer local;
    private final DiameterApplication application;
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final PeerRegistry registry = new PeerRegistry();
    private final List<Channel> listeners = new ArrayList<>();

    public DiameterServer(LocalPeer local, DiameterApplication application, int ioThreads, boolean preferNative) {
        this.local = local;
        this.application = application;
        this.transport = Transport.best(preferNative);
        this.boss = transport.newGroup(1, "gyro-diameter-accept");
        this.workers = transport.newGroup(ioThreads, "gyro-diameter-io");
    }

    /** Binds a plain TCP listener; returns the bound address (port 0 picks a free port). */
    public InetSocketAddress bind(InetSocketAddress address) throws InterruptedException {
        return bind(address, null);
    }

    /** Binds a listener; with a non-null {@code sslContext} every connection starts with a TLS handshake. */
    public InetSocketAddress bind(InetSocketAddress address, SslContext sslContext) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new DiameterChannelInitializer(local, application, false, sslContext, registry, null));
        Channel channel = bootstrap.bind(address).sync().channel();
        listeners.add(channel);
        return (InetSocketAddress) channel.localAddress();
    }

    public Transport transport() {
        return transport;
    }

    public PeerRegistry peers() {
        return registry;
    }

    public LocalPeer local() {
        return local;
    }

    /** Stops accepting connections; open peers keep working. */
    public void stopAccepting() {
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
    }

    /** Sends DPR to every open peer and waits up to {@code timeoutMs} for them to close. */
    public void disconnectPeers(long timeoutMs) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (PeerConnection peer : registry.open()) {
            done.add(peer.disconnect(Enumerations.REBOOTING));
        }
        try {
            CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            for (PeerConnection peer : registry.open()) {
                peer.close();
            }
        }
    }

    @Override
    public void close() {
        stopAccepting();
        disconnectPeers(2000);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
