package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Subscriber#copyFrom} copies only the ids' bytes in use; a copy over a fuller object must read the same. */
class SubscriberCopyTest {
    private static Subscriber full() {
        Subscriber s = new Subscriber().clear().msisdn(8_617_000_000_009L).imsi(460_990_000_000_009L).accountId(9)
                .state(SubscriberState.SUSPENDED).packageId("a-much-longer-package-identifier");
        for (String id : new String[] {"roam-week-pass-eu-and-asia-plus", "data-10g", "voice-1000", "sms-500"}) {
            assertTrue(s.addAddOn(id));
        }
        return s;
    }

    @Test
    void aCopyOverAFullerSubscriberReadsAsTheSource() {
        Subscriber source = new Subscriber().clear().msisdn(8_617_000_000_001L).imsi(460_990_000_000_001L)
                .accountId(1).state(SubscriberState.ACTIVE).packageId("basic");
        assertTrue(source.addAddOn("d1"));
        assertTrue(source.addAddOn("roam"));
        Subscriber target = full();

        target.copyFrom(source);

        assertEquals(source.toString(), target.toString());
        assertEquals("basic", target.packageId());
        assertTrue(target.packageIdEquals("basic"));
        assertEquals(2, target.addOnCount());
        assertEquals("d1", target.addOn(0));
        assertEquals("roam", target.addOn(1));
        assertTrue(target.addOnEquals(1, "roam"));

        // The copy is independent of the source.
        source.removeAddOn(0);
        source.packageId("other");
        assertEquals("basic", target.packageId());
        assertEquals("d1", target.addOn(0));
    }

    @Test
    void aCopyOfAFullSubscriberKeepsEveryAddOn() {
        Subscriber source = full();
        Subscriber target = new Subscriber().clear().packageId("x");
        target.copyFrom(source);
        assertEquals(source.toString(), target.toString());
        for (int i = 0; i < Subscriber.MAX_ADD_ONS; i++) {
            assertEquals(source.addOn(i), target.addOn(i));
        }
    }
}
