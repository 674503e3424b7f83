package io.gyro.bench.diameter;

import io.gyro.bench.JvmFlags;
import io.gyro.diameter.codec.DiameterFrameDecoder;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlAnswerWriter;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The Diameter work of the event loop and of the answer stage, per request: check a CCR-UPDATE
 * with two Multiple-Services-Credit-Control AVPs ({@link MessageValidator}), decode it into the
 * reusable {@link CreditControlRequest}, and write its CCA with two granted MSCCs into a reused
 * buffer. The frame is what the server's {@link DiameterFrameDecoder} hands over: a retained slice
 * (PooledSlicedByteBuf) of the pooled direct buffer the channel read into, so the codec's ByteBuf
 * call sites see the production class, not a plain PooledUnsafeDirectByteBuf.
 *
 * <p>Target (issue 5): validate + decode under 150 ns with 0 B/op. Run with {@code -prof gc}.
 * Subtract {@link #baseline} (harness cost plus one header read).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = {
        JvmFlags.EXPORT_NIO, JvmFlags.EXPORT_JAVAC_FILE, JvmFlags.OPEN_LANG, JvmFlags.OPEN_REFLECT, JvmFlags.EXPORT_REF,
        JvmFlags.EXPORT_MISC, JvmFlags.OPEN_JAVAC, JvmFlags.OPEN_IO, JvmFlags.OPEN_UTIL, JvmFlags.NO_ANALYTICS,
        JvmFlags.HEAP_MIN, JvmFlags.HEAP_MAX, JvmFlags.GC, JvmFlags.PRE_TOUCH})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {
    private static final byte[] PGW = "pgw01.epc.mnc001.mcc460.3gppnetwork.org".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PGW_REALM = "epc.mnc001.mcc460.3gppnetwork.org".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OCS = "ocs.gyro.local".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OCS_REALM = "gyro.local".getBytes(StandardCharsets.US_ASCII);
    private static final String SESSION_ID = "pgw01.epc.mnc001.mcc460.3gppnetwork.org;1732500000;42;7";

    private final MessageValidator validator = new MessageValidator();
    private final Validation validation = new Validation();
    private final CreditControlRequest ccr = new CreditControlRequest();
    private final CreditControlAnswerWriter answerWriter = new CreditControlAnswerWriter();
    private final byte[] sessionId = SESSION_ID.getBytes(StandardCharsets.US_ASCII);

    private ByteBuf frame;
    private int offset;
    private ByteBuf answer;

    @Setup(Level.Trial)
    public void setUp() {
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
        ccrUpdateWithTwoMscc(read);
        EmbeddedChannel framer = new EmbeddedChannel(new DiameterFrameDecoder(DiameterFrameDecoder.DEFAULT_MAX_MESSAGE_SIZE));
        framer.writeInbound(read);
        frame = framer.readInbound();
        framer.finishAndReleaseAll();
        offset = frame.readerIndex();
        answer = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
        if (!validator.validate(frame, offset, validation).ok() || !ccr.decode(frame, offset, validation)
                || ccr.validateAndDecode(frame, offset, validator, validation, validation) != CreditControlRequest.DECODED
                || ccr.msccCount != 2 || ccr.usuTotalOctets[1] != 3_000_000 || ccr.msisdn != 8617000000001L) {
            throw new IllegalStateException("the fixture does not decode as expected: " + validation);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        frame.release();
        answer.release();
    }

    /**
     * A PGW's CCR-U: two rating groups each reporting used octets (with Reporting-Reason
     * QUOTA_EXHAUSTED) and asking for more with an empty RSU, MSISDN and IMSI, and the visited
     * network in Service-Information/PS-Information. About 500 bytes.
     */
    static void ccrUpdateWithTwoMscc(ByteBuf out) {
        CreditControlRequestWriter w = new CreditControlRequestWriter();
        w.begin(out, 0x1234_5678, 0x0abc_def0, SESSION_ID, PGW, PGW_REALM, "gyro.local", "32251@3gpp.org",
                Enumerations.UPDATE_REQUEST, 3);
        w.subscriptionId(Enumerations.END_USER_E164, "8617000000001");
        w.subscriptionId(Enumerations.END_USER_IMSI, "460990000000001");
        w.multipleServicesIndicator();
        w.beginMscc(100, -1).usedOctets(400_000, 1_600_000, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc();
        w.beginMscc(200, 7).usedOctets(1_000_000, 2_000_000, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc();
        w.visitedNetwork("46001");
        w.end();
    }

    /** Harness cost and one header read from the frame. */
    @Benchmark
    public int baseline() {
        return DiameterHeader.hopByHop(frame, offset);
    }

    /** RFC 6733 §7.1 checks: header bits, every AVP's framing and fixed length, required AVPs. */
    @Benchmark
    public int validate() {
        return validator.validate(frame, offset, validation).resultCode;
    }

    /** Decode alone (the frame is known to be valid). */
    @Benchmark
    public long decode() {
        ccr.decode(frame, offset, validation);
        return ccr.usuTotalOctets[1] + ccr.msisdn;
    }

    /**
     * What the event loop does per CCR before publishing to the ring: validate and decode in one walk (the Gy
     * application's {@code validate}, called by the peer handler in place of the validator).
     */
    @Benchmark
    public long validateAndDecode() {
        if (ccr.validateAndDecode(frame, offset, validator, validation, validation) != CreditControlRequest.DECODED) {
            return -1;
        }
        return ccr.usuTotalOctets[1] + ccr.msisdn;
    }

    /** What the event loop did before the single walk: validate, then decode (two walks). */
    @Benchmark
    public long validateThenDecode() {
        if (!validator.validate(frame, offset, validation).ok()) {
            return -1;
        }
        ccr.decode(frame, offset, validation);
        return ccr.usuTotalOctets[1] + ccr.msisdn;
    }

    /** The CCA of that CCR-U: two MSCCs granting octets with validity time and quota threshold. */
    @Benchmark
    public int encodeAnswer() {
        answer.clear();
        answerWriter.begin(answer, 0x1234_5678, 0x0abc_def0, sessionId, sessionId.length, ResultCode.DIAMETER_SUCCESS,
                OCS, OCS_REALM, Enumerations.UPDATE_REQUEST, 3);
        answerWriter.beginMscc(100, -1, ResultCode.DIAMETER_SUCCESS).grantedOctets(10_485_760).validityTime(3600)
                .volumeQuotaThreshold(1_048_576).endMscc();
        answerWriter.beginMscc(200, 7, ResultCode.DIAMETER_SUCCESS).grantedOctets(10_485_760).validityTime(3600)
                .volumeQuotaThreshold(1_048_576).endMscc();
        return answerWriter.end().writerIndex();
    }
}
