package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ExpiryWheelTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final long HORIZON = ExpiryWheel.SLOTS * 1000L;

    private static SessionKey key(String id) {
        SessionKey k = new SessionKey();
        k.set(id);
        return k;
    }

    private static List<String> drain(ExpiryWheel wheel, long nowMs, int limit) {
        List<String> out = new ArrayList<>();
        wheel.drainDue(nowMs, limit, (b, off, len) -> out.add(new String(b, off, len, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void anEntryComesDueOnlyOnceItsExpiryHasPassed() {
        ExpiryWheel wheel = new ExpiryWheel(T0, HORIZON);
        wheel.schedule(key("a"), T0 + 1_500, T0);
        wheel.schedule(key("b"), T0 + 3_000, T0);
        assertEquals(List.of(), drain(wheel, T0 + 1_499, 100));
        assertEquals(List.of(), drain(wheel, T0 + 1_999, 100), "filed at the next whole second after the expiry");
        assertEquals(List.of("a"), drain(wheel, T0 + 2_000, 100));
        assertEquals(List.of(), drain(wheel, T0 + 3_000, 100));
        assertEquals(List.of("b"), drain(wheel, T0 + 4_000, 100));
        assertEquals(0, wheel.size());
    }

    @Test
    void pastExpiriesAreDueAtTheNextDrain() {
        ExpiryWheel wheel = new ExpiryWheel(T0, HORIZON);
        wheel.schedule(key("old"), T0 - 60_000, T0);
        assertEquals(List.of("old"), drain(wheel, T0, 100));
    }

    @Test
    void aLimitLeavesTheRestForTheNextDrainInOrder() {
        ExpiryWheel wheel = new ExpiryWheel(T0, HORIZON);
        for (int i = 0; i < 10; i++) {
            wheel.schedule(key("s" + i), T0 + (i < 5 ? 100 : 2_100), T0);
        }
        assertEquals(List.of("s0", "s1", "s2"), drain(wheel, T0 + 10_000, 3));
        assertEquals(List.of("s3", "s4", "s5", "s6"), drain(wheel, T0 + 10_000, 4));
        assertEquals(List.of("s7", "s8", "s9"), drain(wheel, T0 + 10_000, 100));
        assertEquals(0, wheel.size());
    }

    @Test
    void expiriesBeyondTheHorizonComeRoundAndCanBeRefiled() {
        ExpiryWheel wheel = new ExpiryWheel(T0, HORIZON);
        long far = T0 + 3L * ExpiryWheel.SLOTS * 1000;
        wheel.schedule(key("far"), far, T0);
        long now = T0 + ExpiryWheel.SLOTS * 1000L;
        List<String> seen = drain(wheel, now, 100);
        assertEquals(List.of("far"), seen, "comes round at the horizon, to be looked at again");
        wheel.schedule(key("far"), far, now);
        assertEquals(List.of(), drain(wheel, now + 1_000, 100));
        assertEquals(1, wheel.size());
    }

    @Test
    void theVisitorMayRefileWhileDraining() {
        ExpiryWheel wheel = new ExpiryWheel(T0, HORIZON);
        wheel.schedule(key("x"), T0 + 500, T0);
        List<String> out = new ArrayList<>();
        wheel.drainDue(T0 + 1_000, 100, (b, off, len) -> {
            out.add(new String(b, off, len, StandardCharsets.UTF_8));
            SessionKey again = new SessionKey();
            again.set(b, off, len);
            wheel.schedule(again, T0 + 5_000, T0);
        });
        assertEquals(List.of("x"), out);
        assertEquals(List.of("x"), drain(wheel, T0 + 6_000, 100));
    }

    @Test
    void nothingIsFiledFurtherAheadThanTheLookAhead() {
        ExpiryWheel wheel = new ExpiryWheel(T0, 60_000);
        wheel.schedule(key("long-call"), T0 + 3_600_000, T0);
        assertEquals(List.of(), drain(wheel, T0 + 59_999, 100));
        assertEquals(List.of("long-call"), drain(wheel, T0 + 61_000, 100), "looked at again after a minute");
    }

    @Test
    void aSteadyLoadReusesDrainedSlots() {
        ExpiryWheel wheel = new ExpiryWheel(T0, 60_000);
        SessionKey k = key("pgw.example;1700000000;123456;7");
        ExpiryWheel.Visitor ignore = (b, off, len) -> { };
        long[] now = {T0};
        // one simulated second: 500 sessions filed 5 s ahead (a 16 KB slot), then what is due drained
        double bytesPerSecond = io.gyro.engine.store.Allocations.bytesPerOp(200, 100, () -> {
            for (int i = 0; i < 500; i++) {
                wheel.schedule(k, now[0] + 5_000, now[0]);
            }
            wheel.drainDue(now[0], 1_000_000, ignore);
            now[0] += 1000;
        });
        assertTrue(bytesPerSecond < 100, "bytes allocated per second in steady state: " + bytesPerSecond);
    }

    @Test
    void longestIdsRoundTrip() {
        ExpiryWheel wheel = new ExpiryWheel(T0, HORIZON);
        String longest = "p".repeat(SessionKey.MAX_BYTES);
        for (int i = 0; i < 1_000; i++) {
            wheel.schedule(key(i % 2 == 0 ? longest : "short-" + i), T0, T0);
        }
        List<String> out = drain(wheel, T0 + 1_000, 10_000);
        assertEquals(1_000, out.size());
        assertEquals(longest, out.get(0));
        assertEquals("short-1", out.get(1));
        assertThrows(IllegalArgumentException.class, () -> wheel.schedule(new SessionKey(), T0, T0));
    }
}
