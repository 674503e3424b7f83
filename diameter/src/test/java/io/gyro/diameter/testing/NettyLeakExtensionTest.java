package io.gyro.diameter.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves that the auto-registered {@link NettyLeakExtension} sees a leak, without failing the build. */
class NettyLeakExtensionTest {

    @Test
    void runsWithParanoidLeakDetection() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "surefire must pass -Dio.netty.leakDetection.level=paranoid");
    }

    @Test
    void deliberateLeakIsReported() {
        leakOneBuffer();
        List<String> leaks = NettyLeakExtension.forceDetection();
        // Forget it again, or the extension would (rightly) fail this test after it returns.
        NettyLeakExtension.drainLeaks();
        assertFalse(leaks.isEmpty(), "a buffer dropped without release() must be reported");
        assertTrue(leaks.get(0).contains("leakOneBuffer"), "the record names where it was touched: " + leaks.get(0));
    }

    @Test
    void releasedBufferIsNotReported() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeLong(42);
        buf.release();
        assertTrue(NettyLeakExtension.forceDetection().isEmpty());
    }

    private static void leakOneBuffer() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeInt(0xdeadbeef);
        buf.touch("leakOneBuffer");
        // Dropped on purpose: no release().
    }
}
