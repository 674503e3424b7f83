package io.gyro.engine.interop;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Diameter connection from a node (its Origin-Host and Origin-Realm in the CER) to a
 * running engine, over loopback, with our own client. {@link #send} writes a request with a
 * fixture, waits at most 10 s for the answer, copies what the tests look at into a {@link Cca}
 * and releases the buffer. Test code, on the test thread.
 */
final class NodeConnection implements AutoCloseable {
    private static final long ANSWER_TIMEOUT_MS = 10_000;

    /** A fixture's request: written into {@code out} with the connection's next identifiers. */
    @FunctionalInterface
    interface Request {
        ByteBuf write(ByteBuf out, int hopByHop, int endToEnd);
    }

    private final DiameterClient client;
    private final PeerConnection peer;

    private NodeConnection(DiameterClient client, PeerConnection peer) {
        this.client = client;
        this.peer = peer;
    }

    static NodeConnection open(int enginePort, String originHost, String originRealm) throws Exception {
        DiameterClient client = new DiameterClient(LocalPeer.builder(originHost, originRealm).build(), 1);
        try {
            PeerConnection peer = client.connect(new InetSocketAddress("127.0.0.1", enginePort)).get(10, TimeUnit.SECONDS);
            return new NodeConnection(client, peer);
        } catch (Exception e) {
            client.close();
            throw e;
        }
    }

    Cca send(Request request) throws Exception {
        ByteBuf out = peer.channel().alloc().buffer(1024);
        ByteBuf written;
        try {
            written = request.write(out, peer.nextHopByHop(), peer.nextEndToEnd());
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        ByteBuf answer = DiameterClient.call(peer, written, ANSWER_TIMEOUT_MS);
        try {
            return Cca.of(answer);
        } finally {
            answer.release();
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** One Multiple-Services-Credit-Control of an answer: -1 where an AVP is absent. */
    record Mscc(long ratingGroup, long serviceIdentifier, long resultCode, long grantedUnits, boolean finalUnit) {
    }

    /**
     * What the tests read of an answer: Result-Code, Error-Message, the first Failed-AVP's code
     * and vendor, every MSCC in order, and the whole answer in hex for failure messages.
     */
    record Cca(long resultCode, String errorMessage, long failedAvpCode, long failedAvpVendor, List<Mscc> msccs,
               long costMicros, String hex) {

        static Cca of(ByteBuf answer) {
            int offset = answer.readerIndex();
            AvpReader top = new AvpReader().wrapMessage(answer, offset, DiameterHeader.messageLength(answer, offset));
            long resultCode = -1;
            String errorMessage = null;
            long failedCode = -1;
            long failedVendor = -1;
            List<Mscc> msccs = new ArrayList<>();
            long costMicros = -1;
            while (top.next()) {
                if (top.vendorId() != 0) {
                    continue;
                }
                switch ((int) top.code()) {
                    case 268 -> resultCode = top.unsigned32(); // Result-Code
                    case 281 -> errorMessage = text(top); // Error-Message
                    case 279 -> { // Failed-AVP: the offending AVP inside
                        AvpReader inner = top.enter(new AvpReader());
                        if (inner.next()) {
                            failedCode = inner.code();
                            failedVendor = inner.vendorId();
                        }
                    }
                    case 456 -> msccs.add(mscc(top.enter(new AvpReader()))); // Multiple-Services-Credit-Control
                    case 423 -> costMicros = costMicros(top.enter(new AvpReader())); // Cost-Information
                    default -> {
                    }
                }
            }
            return new Cca(resultCode, errorMessage, failedCode, failedVendor, List.copyOf(msccs), costMicros,
                    ByteBufUtil.hexDump(answer, offset, answer.readableBytes()));
        }

        /** Cost-Information (RFC 4006 §8.7): Unit-Value = Value-Digits x 10^Exponent, here in micros. */
        private static long costMicros(AvpReader cost) {
            long digits = 0;
            int exponent = 0;
            while (cost.next()) {
                if (cost.vendorId() == 0 && cost.code() == 445) { // Unit-Value
                    AvpReader unitValue = cost.enter(new AvpReader());
                    while (unitValue.next()) {
                        if (unitValue.code() == 447) { // Value-Digits, Integer64
                            digits = unitValue.unsigned64();
                        } else if (unitValue.code() == 429) { // Exponent, Integer32
                            exponent = unitValue.integer32();
                        }
                    }
                }
            }
            for (int e = exponent; e < -6; e++) {
                digits /= 10;
            }
            for (int e = exponent; e > -6; e--) {
                digits *= 10;
            }
            return digits;
        }

        private static Mscc mscc(AvpReader m) {
            long rg = -1;
            long si = -1;
            long rc = -1;
            long granted = -1;
            boolean fui = false;
            while (m.next()) {
                if (m.vendorId() != 0) {
                    continue;
                }
                switch ((int) m.code()) {
                    case 432 -> rg = m.unsigned32(); // Rating-Group
                    case 439 -> si = m.unsigned32(); // Service-Identifier
                    case 268 -> rc = m.unsigned32(); // Result-Code
                    case 430 -> fui = true; // Final-Unit-Indication
                    case 431 -> { // Granted-Service-Unit: the one unit AVP it carries
                        AvpReader g = m.enter(new AvpReader());
                        while (g.next()) {
                            granted = g.dataLength() == 8 ? g.unsigned64() : g.unsigned32();
                        }
                    }
                    default -> {
                    }
                }
            }
            return new Mscc(rg, si, rc, granted, fui);
        }

        private static String text(AvpReader r) {
            return r.buffer().toString(r.dataOffset(), r.dataLength(), StandardCharsets.UTF_8);
        }

        /** The only MSCC of the answer (fails the test when there is not exactly one). */
        Mscc onlyMscc() {
            if (msccs.size() != 1) {
                throw new AssertionError("expected one MSCC in the answer, got " + msccs.size() + ": " + this);
            }
            return msccs.get(0);
        }

        /** For assertion messages: the codes, not the hex unless something is off. */
        @Override
        public String toString() {
            return "Result-Code=" + resultCode + (errorMessage != null ? " Error-Message=\"" + errorMessage + "\"" : "")
                    + (failedAvpCode >= 0 ? " Failed-AVP code=" + failedAvpCode + " vendor=" + failedAvpVendor : "")
                    + " MSCC=" + msccs + " answer=" + hex;
        }
    }
}
