package io.gyro.bench.load;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.netty.buffer.ByteBuf;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Measures when a (re)starting Gy server answers again: tries TCP + CER every {@code --interval-ms}
 * until a CEA arrives, then sends SMS events (CCR-EVENT, DIRECT_DEBITING) for {@code --msisdn} until
 * one is answered 2001. Prints the epoch milliseconds of both and exits 0, or 1 after
 * {@code --timeout-seconds}. Used to time kill -9 to answering (bench/RESULTS.md, "Scale"): start it
 * right after the kill, next to the restarted engine.
 */
@Command(name = "serving-probe", mixinStandardHelpOptions = true,
        description = "Wait until a Gy server answers CEA and then a CCA 2001; print when (epoch ms).")
public final class ServingProbe implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;
    @Option(names = "--port", defaultValue = "3868")
    int port;
    @Option(names = "--msisdn", defaultValue = "8617000000001", description = "Subscriber of the SMS events.")
    long msisdn;
    @Option(names = "--interval-ms", defaultValue = "50", description = "Pause between attempts.")
    long intervalMs;
    @Option(names = "--timeout-seconds", defaultValue = "300")
    long timeoutSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServingProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000;
        byte[] host = "probe.gyro".getBytes(StandardCharsets.US_ASCII);
        byte[] realm = "gyro".getBytes(StandardCharsets.US_ASCII);
        CreditControlRequestWriter writer = new CreditControlRequestWriter();
        long ceaMs = -1;
        int attempt = 0;
        try (Closeable client = new Closeable(new DiameterClient(LocalPeer.builder("probe.gyro", "gyro")
                .requestTimeout(Duration.ofSeconds(2)).build(), 1))) {
            PeerConnection peer = null;
            while (System.currentTimeMillis() < deadline) {
                if (peer == null || !peer.channel().isActive()) {
                    try {
                        peer = client.c.connect(new InetSocketAddress(this.host, port)).get(2, TimeUnit.SECONDS);
                        if (ceaMs < 0) {
                            ceaMs = System.currentTimeMillis();
                            System.out.printf(Locale.ROOT, "cea %d%n", ceaMs);
                        }
                    } catch (Exception e) {
                        peer = null;
                        Thread.sleep(intervalMs);
                        continue;
                    }
                }
                attempt++;
                writer.begin(peer.channel().alloc().buffer(512), peer.nextHopByHop(), peer.nextEndToEnd(),
                        "probe.gyro;" + System.nanoTime() + ";" + attempt, host, realm, "gyro.local", Workload.SMS_CONTEXT, Enumerations.EVENT_REQUEST, 0);
                writer.msisdn(msisdn);
                writer.requestedAction(Enumerations.DIRECT_DEBITING);
                writer.smsRecipient(Workload.SMS_RECIPIENT);
                try {
                    ByteBuf answer = DiameterClient.call(peer, writer.end(), 2_000);
                    try {
                        long code = resultCode(answer);
                        if (code == ResultCode.DIAMETER_SUCCESS) {
                            long ccaMs = System.currentTimeMillis();
                            System.out.printf(Locale.ROOT, "cca %d%nattempts %d%n", ccaMs, attempt);
                            return 0;
                        }
                        System.out.printf(Locale.ROOT, "answer %d at %d%n", code, System.currentTimeMillis());
                    } finally {
                        answer.release();
                    }
                } catch (Exception e) {
                    // not answering yet (timeout or closed): try again
                }
                Thread.sleep(intervalMs);
            }
        }
        System.out.println("timeout");
        return 1;
    }

    private static long resultCode(ByteBuf message) {
        AvpReader r = new AvpReader().wrapMessage(message, message.readerIndex(),
                DiameterHeader.messageLength(message, message.readerIndex()));
        while (r.next()) {
            if (r.is(AvpCode.RESULT_CODE, VendorId.IETF)) {
                return r.unsigned32();
            }
        }
        return -1;
    }

    /** try-with-resources for the client. */
    private record Closeable(DiameterClient c) implements AutoCloseable {
        @Override
        public void close() {
            c.close();
        }
    }
}
