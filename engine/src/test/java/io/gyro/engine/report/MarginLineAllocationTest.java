package io.gyro.engine.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link MarginLine#parse} allocates nothing per line once it has seen a line's strings: the margin alarm parses every
 * record the engine writes (at 48,000 records/s a per-line parser object was most of the engine's garbage). Counts
 * the bytes this thread allocates around the parses (HotSpot's per-thread counter), not time: deterministic.
 */
class MarginLineAllocationTest {
    private static final int WARM_UP_PARSES = 50_000;
    private static final int MEASURED_PARSES = 100_000;

    @TempDir
    Path dir;

    @Test
    void parsingRealLinesAllocatesLessThanOneBytePerLine() throws Exception {
        // given: the engine's own lines, every kind, parsed until warm (strings seen, code compiled)
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[][] lines = RecordLineFixtures.realLines(dir).toArray(new byte[0][]);
        MarginLine line = new MarginLine();
        long sink = parse(line, lines, WARM_UP_PARSES);

        // when
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += parse(line, lines, MEASURED_PARSES);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // then
        double perParse = (double) allocated / MEASURED_PARSES;
        System.out.printf("MarginLine.parse: %d bytes over %d parses = %.3f bytes per parse (sink %d)%n", allocated,
                MEASURED_PARSES, perParse, sink);
        assertTrue(perParse < 1.0, allocated + " bytes over " + MEASURED_PARSES + " parses: " + perParse
                + " per parse");
    }

    /** Parses {@code n} lines round-robin; returns a sum of what was read so that nothing is optimised away. */
    private static long parse(MarginLine line, byte[][] lines, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            byte[] l = lines[i % lines.length];
            if (line.parse(l, 0, l.length)) {
                sum += line.tsMs + line.retailMicros + line.service + line.kind.length()
                        + (line.packageId == null ? 0 : line.packageId.length());
            } else {
                sum--;
            }
        }
        return sum;
    }
}
