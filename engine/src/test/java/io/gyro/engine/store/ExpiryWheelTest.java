package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ExpiryWheelTest {
    private static final long T0 = 1_764_000_000_000L;

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
        ExpiryWheel wheel = new ExpiryWheel(T0);
        wheel.schedule(key("a"), T0 + 1_500);
        wheel.schedule(key("b"), T0 + 3_000);
        assertEquals(List.of(), drain(wheel, T0 + 1_499, 100));
        assertEquals(List.of(), drain(wheel, T0 + 1_999, 100), "filed at the next whole second after the expiry");
        assertEquals(List.of("a"), drain(wheel, T0 + 2_000, 100));
        assertEquals(List.of(), drain(wheel, T0 + 3_000, 100));
        assertEquals(List.of("b"), drain(wheel, T0 + 4_000, 100));
        assertEquals(0, wheel.size());
    }

    @Test
    void pastExpiriesAreDueAtTheNextDrain() {
        ExpiryWheel wheel = new ExpiryWheel(T0);
        wheel.schedule(key("old"), T0 - 60_000);
        assertEquals(List.of("old"), drain(wheel, T0, 100));
    }

    @Test
    void aLimitLeavesTheRestForTheNextDrainInOrder() {
        ExpiryWheel wheel = new ExpiryWheel(T0);
        for (int i = 0; i < 10; i++) {
            wheel.schedule(key("s" + i), T0 + (i < 5 ? 100 : 2_100));
        }
        assertEquals(List.of("s0", "s1", "s2"), drain(wheel, T0 + 10_000, 3));
        assertEquals(List.of("s3", "s4", "s5", "s6"), drain(wheel, T0 + 10_000, 4));
        assertEquals(List.of("s7", "s8", "s9"), drain(wheel, T0 + 10_000, 100));
        assertEquals(0, wheel.size());
    }

    @Test
    void expiriesBeyondTheHorizonComeRoundAndCanBeRefiled() {
        ExpiryWheel wheel = new ExpiryWheel(T0);
        long far = T0 + 3L * ExpiryWheel.SLOTS * 1000;
        wheel.schedule(key("far"), far);
        long now = T0 + ExpiryWheel.SLOTS * 1000L;
        List<String> seen = drain(wheel, now, 100);
        assertEquals(List.of("far"), seen, "comes round at the horizon, to be looked at again");
        wheel.schedule(key("far"), far);
        assertEquals(List.of(), drain(wheel, now + 1_000, 100));
        assertEquals(1, wheel.size());
    }

    @Test
    void theVisitorMayRefileWhileDraining() {
        ExpiryWheel wheel = new ExpiryWheel(T0);
        wheel.schedule(key("x"), T0 + 500);
        List<String> out = new ArrayList<>();
        wheel.drainDue(T0 + 1_000, 100, (b, off, len) -> {
            out.add(new String(b, off, len, StandardCharsets.UTF_8));
            SessionKey again = new SessionKey();
            again.set(b, off, len);
            wheel.schedule(again, T0 + 5_000);
        });
        assertEquals(List.of("x"), out);
        assertEquals(List.of("x"), drain(wheel, T0 + 6_000, 100));
    }

    @Test
    void longestIdsRoundTrip() {
        ExpiryWheel wheel = new ExpiryWheel(T0);
        String longest = "p".repeat(SessionKey.MAX_BYTES);
        for (int i = 0; i < 1_000; i++) {
            wheel.schedule(key(i % 2 == 0 ? longest : "short-" + i), T0);
        }
        List<String> out = drain(wheel, T0 + 1_000, 10_000);
        assertEquals(1_000, out.size());
        assertEquals(longest, out.get(0));
        assertEquals("short-1", out.get(1));
        assertThrows(IllegalArgumentException.class, () -> wheel.schedule(new SessionKey(), T0));
    }
}
