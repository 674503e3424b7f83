package io.gyro.rating.tariff;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The allocation-free zone clock agrees with java.time, including across daylight-saving changes. */
class ZoneClockPropertiesTest {

    @Property(tries = 500)
    void weekTimeMatchesJavaTimeInADaylightSavingZone(@ForAll @LongRange(min = 0, max = 4_000_000_000_000L) long ms) {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        ZoneClock clock = new ZoneClock(berlin);
        ZonedDateTime z = Instant.ofEpochMilli(ms).atZone(berlin);
        long expected = (z.getDayOfWeek().getValue() - 1) * ZoneClock.DAY_MS
                + z.toLocalTime().toNanoOfDay() / 1_000_000;
        assertEquals(expected, clock.weekMs(ms));
        assertEquals(z.getOffset().getTotalSeconds() * 1000L, clock.offsetMs(ms));
    }
}
