package io.gyro.diameter.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Fails a test when Netty reports a leaked buffer during it.
 *
 * <p>Netty finds leaks only when a tracked object has been garbage collected without being
 * released, and it reports them lazily, from inside a later {@code track()} call (an
 * allocation). Left alone, a leak is logged at some random later point and no test fails. This
 * extension (auto-registered through META-INF/services and junit-platform.properties, so every
 * test class of this module and of the modules using its test-jar gets it):
 * <ol>
 *   <li>installs, when its class loads (before any ByteBuf class initialises its static
 *       detector), a {@link ResourceLeakDetectorFactory} whose detectors record every reported
 *       leak besides logging it;</li>
 *   <li>after each test, runs a bounded loop of {@code System.gc()} followed by allocating and
 *       releasing a few pooled, unpooled, heap and direct buffers, which drives the detectors'
 *       reference queues;</li>
 *   <li>fails the test with the leak records when anything was reported.</li>
 * </ol>
 * Surefire runs with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked.
 */
public final class NettyLeakExtension implements BeforeEachCallback, AfterEachCallback {
    /** Rounds of GC + allocation after each test; the first usually suffices, the rest absorb GC timing. */
    private static final int GC_ROUNDS = 2;
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    /** Makes sure the factory is installed; call from a test that must not depend on registration order. */
    public static void install() {
        // Loading this class ran the static initialiser above.
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // Anything reported since the last test's check (a late report of code outside tests) is not this test's.
        drainLeaks();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> leaks = forceDetection();
        drainLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) reported during "
                    + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }

    /**
     * Collects garbage and drives the leak detectors a bounded number of times, stopping early
     * once something was reported. Returns what was reported so far (not cleared).
     */
    public static List<String> forceDetection() {
        for (int round = 0; round < GC_ROUNDS; round++) {
            System.gc();
            try {
                // Let the reference handler thread enqueue what the collection found unreachable.
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            touchAllocators();
            synchronized (LEAKS) {
                if (!LEAKS.isEmpty()) {
                    break;
                }
            }
        }
        synchronized (LEAKS) {
            return new ArrayList<>(LEAKS);
        }
    }

    /** Returns and forgets the reported leaks. */
    public static List<String> drainLeaks() {
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    private static void touchAllocators() {
        ByteBufAllocator[] allocators = {PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT};
        for (ByteBufAllocator allocator : allocators) {
            for (int i = 0; i < 4; i++) {
                ByteBuf heap = allocator.heapBuffer(8);
                ByteBuf direct = allocator.directBuffer(8);
                heap.release();
                direct.release();
            }
        }
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            // Report even when logging is configured off: a test must not pass because of a log level.
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + " (untraced)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
