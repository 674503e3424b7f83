package io.gyro.engine.pipeline;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

/**
 * The charging thread's wait for ring entries: spin a little, yield a little, then park until a publisher unparks it.
 * Waiting costs no CPU, as with {@code SleepingWaitStrategy}, but the wake-up is the publish itself, not the end of a
 * timed sleep: on Linux a {@code parkNanos} of any length sleeps for the timer slack (about 50-100 µs here), and with
 * the sleeping strategy every request that arrives while the charging thread sleeps waits for that, so the faster the
 * thread gets through a batch, the more often the whole window waits on a timer. The publisher's cost when the
 * consumer is awake is one fence and one volatile read per publish; the unpark (a futex wake) is paid only when the
 * consumer is parked.
 *
 * <p>The spin is short and the yields few on purpose: on this VM a {@code Thread.yield} is a system call of a few
 * microseconds, and with 100 of them (the sleeping strategy's count) a lightly loaded engine spent about 150 µs of the
 * charging thread's CPU per request at 5,000 requests/s, against about 50 µs with these counts (bench/RESULTS.md,
 * "The charging thread's wait").
 *
 * <p>For one consumer thread (the charging processor); publishers are the Diameter event loops and the admin
 * callers, any number. The park is bounded ({@value #MAX_PARK_NANOS} ns) so that an alert (the processor's halt)
 * is seen even with no publish.
 */
public final class ParkingWaitStrategy implements WaitStrategy {
    static final int SPINS = 200;
    static final int YIELDS = 10;
    static final long MAX_PARK_NANOS = 1_000_000;

    private final long maxParkNanos;
    /** The consumer while it is parked or about to park, else null. */
    private volatile Thread parked;

    public ParkingWaitStrategy() {
        this(MAX_PARK_NANOS);
    }

    /** With another bound on one park (tests: a long one shows that the publish, not the bound, wakes). */
    ParkingWaitStrategy(long maxParkNanos) {
        this.maxParkNanos = maxParkNanos;
    }

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException {
        long available;
        int counter = SPINS + YIELDS;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            if (counter > YIELDS) {
                counter--;
                Thread.onSpinWait();
            } else if (counter > 0) {
                counter--;
                Thread.yield();
            } else {
                // Announce, then look again: a publish that lands after the look sees the announcement (both sides
                // order their store before their load, see signalAllWhenBlocking) and unparks.
                parked = Thread.currentThread();
                if (dependentSequence.get() < sequence) {
                    LockSupport.parkNanos(this, maxParkNanos);
                }
                parked = null;
            }
        }
        return available;
    }

    /** Called by a publisher after each publish. */
    @Override
    public void signalAllWhenBlocking() {
        // The publish is a release store; without a full fence the read below could be satisfied before it is
        // visible, and a consumer that looked in between would sleep out its whole park.
        VarHandle.fullFence();
        Thread t = parked;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
