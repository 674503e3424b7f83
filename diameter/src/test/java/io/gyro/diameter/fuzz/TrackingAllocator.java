package io.gyro.diameter.fuzz;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, so a fuzz execution can check, exactly
 * and at once, that everything was released (Netty's leak detector needs a GC and reports late,
 * which cannot name the input that leaked). Heap buffers only, not wrapped by the leak detector.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new ArrayList<>();

    TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        allocated.add(buf);
        return buf;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Buffers still referenced, as a description; empty when everything was released. */
    String unreleased() {
        StringBuilder out = new StringBuilder();
        for (ByteBuf buf : allocated) {
            if (buf.refCnt() != 0) {
                out.append(buf).append(" refCnt=").append(buf.refCnt()).append('\n');
            }
        }
        return out.toString();
    }

    /** Releases whatever is still referenced (after a failed check, so later executions start clean). */
    void releaseAll() {
        for (ByteBuf buf : allocated) {
            if (buf.refCnt() > 0) {
                buf.release(buf.refCnt());
            }
        }
        allocated.clear();
    }
}
