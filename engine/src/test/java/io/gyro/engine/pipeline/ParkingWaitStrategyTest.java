package io.gyro.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.ProducerType;
import org.junit.jupiter.api.Test;

/**
 * The charging thread's wait: a parked consumer is woken by the publish (not by the end of its park), nothing
 * published is missed when publishers race the consumer going to sleep, and a halt ends the wait.
 */
class ParkingWaitStrategyTest {
    static final class LongEvent {
        long value;
    }

    /** Long enough that a consumer woken by its bound instead of the publish fails the test's 5 s wait. */
    private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

    private static Thread start(BatchEventProcessor<LongEvent> processor, String name) {
        Thread t = new Thread(processor, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aParkedConsumerIsWokenByThePublish() throws Exception {
        RingBuffer<LongEvent> ring = RingBuffer.create(ProducerType.MULTI, LongEvent::new, 64,
                new ParkingWaitStrategy(TEN_SECONDS));
        CountDownLatch seen = new CountDownLatch(3);
        BatchEventProcessor<LongEvent> processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(),
                (EventHandler<LongEvent>) (e, seq, end) -> seen.countDown());
        ring.addGatingSequences(processor.getSequence());
        Thread consumer = start(processor, "parking-consumer");
        for (int i = 0; i < 3; i++) {
            // wait until the consumer is parked (spins and yields over), then publish one event
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (consumer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(Thread.State.TIMED_WAITING, consumer.getState(), "consumer parked before publish " + i);
            long before = seen.getCount();
            ring.publishEvent((e, seq) -> e.value = seq);
            long woke = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (seen.getCount() == before && System.nanoTime() < woke) {
                Thread.onSpinWait();
            }
            assertEquals(before - 1, seen.getCount(), "event " + i + " handled within 5 s of its publish (park: 10 s)");
        }
        processor.halt();
        consumer.join(TimeUnit.SECONDS.toMillis(15));
    }

    @Test
    void racingPublishersLoseNothing() throws Exception {
        RingBuffer<LongEvent> ring = RingBuffer.create(ProducerType.MULTI, LongEvent::new, 256,
                new ParkingWaitStrategy(TEN_SECONDS));
        int producers = 3;
        int perProducer = 20_000;
        AtomicLong sum = new AtomicLong();
        CountDownLatch all = new CountDownLatch(producers * perProducer);
        BatchEventProcessor<LongEvent> processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(),
                (EventHandler<LongEvent>) (e, seq, end) -> {
                    sum.addAndGet(e.value);
                    all.countDown();
                });
        ring.addGatingSequences(processor.getSequence());
        Thread consumer = start(processor, "parking-consumer");
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int id = p;
            threads[p] = new Thread(() -> {
                for (int i = 1; i <= perProducer; i++) {
                    long v = i;
                    ring.publishEvent((e, seq) -> e.value = v);
                    if (i % (97 + id) == 0) {
                        // a pause now and then, so the consumer runs out of work and goes to park mid-stream
                        LockSupport.parkNanos(200_000);
                    }
                }
            });
            threads[p].start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        // A missed wake-up would leave events unhandled for the 10 s park.
        assertTrue(all.await(5, TimeUnit.SECONDS), "unhandled: " + all.getCount());
        assertEquals((long) producers * perProducer * (perProducer + 1) / 2, sum.get());
        processor.halt();
        consumer.join(TimeUnit.SECONDS.toMillis(15));
    }

    @Test
    void haltEndsAParkedWait() throws Exception {
        RingBuffer<LongEvent> ring = RingBuffer.create(ProducerType.MULTI, LongEvent::new, 64,
                new ParkingWaitStrategy());
        BatchEventProcessor<LongEvent> processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(),
                (EventHandler<LongEvent>) (e, seq, end) -> { });
        ring.addGatingSequences(processor.getSequence());
        Thread consumer = start(processor, "parking-consumer");
        Thread.sleep(50);
        processor.halt();
        consumer.join(TimeUnit.SECONDS.toMillis(5));
        assertEquals(Thread.State.TERMINATED, consumer.getState());
    }
}
