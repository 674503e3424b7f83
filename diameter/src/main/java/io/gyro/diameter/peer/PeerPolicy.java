package io.gyro.diameter.peer;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Which peers may connect: an allowlist of Origin-Host values, each optionally pinned to a
 * source address. An empty list accepts any Origin-Host, but only from a loopback address,
 * which is the safe default for a fresh install. Immutable; read on the event loops.
 */
public final class PeerPolicy {
    /** One allowed peer; {@code address} null means any source address. */
    public static final class Entry {
        public final String originHost;
        public final InetAddress address;

        public Entry(String originHost, InetAddress address) {
            if (originHost == null || originHost.isBlank()) {
                throw new IllegalArgumentException("peer originHost must not be blank");
            }
            this.originHost = originHost.toLowerCase(Locale.ROOT);
            this.address = address;
        }
    }

    private final List<Entry> entries;

    private PeerPolicy(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Any Origin-Host, from loopback only. */
    public static PeerPolicy loopbackAnyHost() {
        return new PeerPolicy(List.of());
    }

    public static PeerPolicy allow(List<Entry> entries) {
        return new PeerPolicy(entries);
    }

    public boolean acceptsAnyHostFromLoopback() {
        return entries.isEmpty();
    }

    /** RFC 6733 §5.6.1 (Elect/ Process-CER): decide whether this Origin-Host, from this address, is a known peer. */
    public boolean accepts(String originHost, InetAddress source) {
        if (entries.isEmpty()) {
            return source != null && source.isLoopbackAddress();
        }
        String host = originHost.toLowerCase(Locale.ROOT);
        for (Entry entry : entries) {
            if (entry.originHost.equals(host) && (entry.address == null || entry.address.equals(source))) {
                return true;
            }
        }
        return false;
    }
}
