package io.gyro.diameter.peer;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open peer connections of a server, so the application can push requests (RAR/ASR) and shut down cleanly. */
public final class PeerRegistry {
    private final Set<PeerConnection> open = ConcurrentHashMap.newKeySet();

    void add(PeerConnection peer) {
        open.add(peer);
    }

    void remove(PeerConnection peer) {
        open.remove(peer);
    }

    public Collection<PeerConnection> open() {
        return Collections.unmodifiableSet(open);
    }

    /** The open connection of a peer by Origin-Host, or null. */
    public PeerConnection byOriginHost(String originHost) {
        for (PeerConnection peer : open) {
            if (originHost.equalsIgnoreCase(peer.remoteOriginHost())) {
                return peer;
            }
        }
        return null;
    }
}
