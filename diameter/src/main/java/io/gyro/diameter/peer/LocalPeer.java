package io.gyro.diameter.peer;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Who this node is and how it behaves as a Diameter peer: identity AVPs sent in CER/CEA,
 * the applications it supports, the watchdog interval Tw and the peer policy. Identity strings
 * are encoded once here so answers copy bytes instead of encoding text per message.
 * Immutable and shared by every connection.
 */
public final class LocalPeer {
    public final String originHost;
    public final String originRealm;
    public final byte[] originHostBytes;
    public final byte[] originRealmBytes;
    public final byte[] hostIpAddress;
    public final String productName;
    public final long vendorId;
    public final long firmwareRevision;
    /** RFC 6733 §8.16: changes each time the node restarts with its state lost. */
    public final long originStateId;
    public final int[] authApplicationIds;
    public final Duration watchdogInterval;
    public final PeerPolicy policy;
    public final int maxMessageSize;
    public final Duration requestTimeout;

    private LocalPeer(Builder b) {
        this.originHost = requireText(b.originHost, "originHost");
        this.originRealm = requireText(b.originRealm, "originRealm");
        this.originHostBytes = originHost.getBytes(StandardCharsets.UTF_8);
        this.originRealmBytes = originRealm.getBytes(StandardCharsets.UTF_8);
        this.hostIpAddress = b.hostIpAddress.getAddress();
        this.productName = b.productName;
        this.vendorId = b.vendorId;
        this.firmwareRevision = b.firmwareRevision;
        this.originStateId = b.originStateId;
        this.authApplicationIds = b.authApplicationIds.clone();
        this.watchdogInterval = Objects.requireNonNull(b.watchdogInterval);
        this.policy = Objects.requireNonNull(b.policy);
        this.maxMessageSize = b.maxMessageSize;
        this.requestTimeout = b.requestTimeout;
        if (watchdogInterval.toMillis() < 100) {
            throw new IllegalArgumentException("watchdogInterval=" + watchdogInterval + " must be at least 100 ms");
        }
        if (maxMessageSize < 256) {
            throw new IllegalArgumentException("maxMessageSize=" + maxMessageSize + " must be at least 256 bytes");
        }
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + "=" + value + " must not be blank");
        }
        return value;
    }

    public boolean supportsApplication(long applicationId) {
        for (int id : authApplicationIds) {
            if ((id & 0xffffffffL) == applicationId) {
                return true;
            }
        }
        return false;
    }

    public static Builder builder(String originHost, String originRealm) {
        return new Builder(originHost, originRealm);
    }

    /** Builder with the defaults of a fresh install. */
    public static final class Builder {
        private final String originHost;
        private final String originRealm;
        private InetAddress hostIpAddress = InetAddress.getLoopbackAddress();
        private String productName = "Gyro";
        private long vendorId = 0;
        private long firmwareRevision = 1;
        private long originStateId = System.currentTimeMillis() / 1000;
        private int[] authApplicationIds = {io.gyro.diameter.dictionary.ApplicationId.CREDIT_CONTROL,
                io.gyro.diameter.dictionary.ApplicationId.SY};
        private Duration watchdogInterval = Duration.ofSeconds(30);
        private PeerPolicy policy = PeerPolicy.loopbackAnyHost();
        private int maxMessageSize = io.gyro.diameter.codec.DiameterFrameDecoder.DEFAULT_MAX_MESSAGE_SIZE;
        private Duration requestTimeout = Duration.ofSeconds(5);

        private Builder(String originHost, String originRealm) {
            this.originHost = originHost;
            this.originRealm = originRealm;
        }

        public Builder hostIpAddress(InetAddress address) {
            this.hostIpAddress = address;
            return this;
        }

        public Builder productName(String name) {
            this.productName = name;
            return this;
        }

        public Builder originStateId(long id) {
            this.originStateId = id;
            return this;
        }

        public Builder authApplicationIds(int... ids) {
            this.authApplicationIds = ids.clone();
            return this;
        }

        public Builder watchdogInterval(Duration tw) {
            this.watchdogInterval = tw;
            return this;
        }

        public Builder policy(PeerPolicy policy) {
            this.policy = policy;
            return this;
        }

        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public LocalPeer build() {
            return new LocalPeer(this);
        }
    }
}
