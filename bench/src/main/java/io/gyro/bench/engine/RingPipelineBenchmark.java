package io.gyro.bench.engine;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventTranslator;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.gyro.engine.pipeline.ParkingWaitStrategy;
import io.gyro.engine.pipeline.RingEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PipelineBenchmark}'s Gy session requests published to a Disruptor ring like the engine's
 * (multi-producer, 16384 slots) whose one consumer is the charging processor on its own thread,
 * {@value #IN_FLIGHT} at a time: an invocation ends when all their answers reached the sink. So a
 * figure is the cost per request of ring hop + processing + answer batching, with the producer and
 * the processor on different cores (on this 2-core box they compete with the JMH harness).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class RingPipelineBenchmark extends EngineForks {
    static final int IN_FLIGHT = 32;

    @Param({"parking", "sleeping", "busy-spin"})
    public String waitStrategy;

    private final PipelineBenchmark fixture = new PipelineBenchmark();
    private Disruptor<RingEvent> disruptor;
    private RingBuffer<RingEvent> ring;
    private EventTranslator<RingEvent> translator;
    private long published;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        fixture.subscribers = 10_000;
        fixture.window = 100;
        fixture.clockRate = 50_000;
        fixture.graceMs = 6_000;
        fixture.setUp();
        WaitStrategy wait = waitStrategy.equals("busy-spin") ? new BusySpinWaitStrategy()
                : waitStrategy.equals("parking") ? new ParkingWaitStrategy() : new SleepingWaitStrategy();
        disruptor = new Disruptor<>(RingEvent::new, 16384, DaemonThreadFactory.INSTANCE, ProducerType.MULTI, wait);
        disruptor.handleEventsWith(fixture.processor);
        disruptor.start();
        ring = disruptor.getRingBuffer();
        PipelineBenchmark f = fixture;
        translator = (event, sequence) -> f.fill(event);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        disruptor.shutdown();
        fixture.tearDown();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public long gySessionThroughRing() {
        for (int i = 0; i < IN_FLIGHT; i++) {
            ring.publishEvent(translator);
        }
        published += IN_FLIGHT;
        while (fixture.sink.answers() < published) {
            Thread.onSpinWait();
        }
        return published;
    }
}
