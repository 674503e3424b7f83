package io.gyro.engine.pipeline;

import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.gyro.engine.store.SubscriberState;
import io.gyro.rating.Rater;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import io.gyro.rating.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Package lifecycle on the processor's timer: fees at period boundaries, unpaid fees suspend. */
class RenewalSweepTest {
    @TempDir
    Path dir;

    private long nowMs;

    @Test
    void feeChargedAtPeriodEndAndUnpaidFeeSuspends() throws Exception {
        CatalogueLoadResult loaded = CatalogueLoader.load(catalogue());
        assertTrue(loaded.ok(), String.valueOf(loaded.problems()));
        try (Stores stores = Stores.open(dir.resolve("data"), new StoreConfig(1000, 1000));
             Journal journal = Journal.open(dir.resolve("data/journal"), JournalConfig.defaults())) {
            ChargingState state = new ChargingState(stores, new Records(journal), new Rater(loaded.catalogue()),
                    new ChargingState.Settings("ocs".getBytes(StandardCharsets.US_ASCII),
                            "realm".getBytes(StandardCharsets.US_ASCII), 60_000));
            nowMs = Instant.parse("2026-01-10T04:00:00Z").toEpochMilli();
            ChargingProcessor processor = new ChargingProcessor(state, nowMs, 16);
            long fee = loaded.catalogue().pkg(loaded.catalogue().packageIndex("basic")).feeMicros();
            // Enough for the first fee and exactly one renewal.
            Admin.createSubscriber(state, 8617000000001L, 460990000000001L, "basic", 2 * fee, false, nowMs);
            Map<String, Object> first = Admin.balance(state, 8617000000001L, nowMs);
            assertEquals(Money.format(fee), first.get("money"));

            nowMs = Instant.parse("2026-02-10T04:00:00Z").toEpochMilli();
            tick(processor, nowMs);
            assertEquals(Money.format(0), Admin.balance(state, 8617000000001L, nowMs).get("money"), "second fee paid");
            assertEquals(SubscriberState.ACTIVE, Admin.findSubscriber(state, 8617000000001L).state());

            nowMs = Instant.parse("2026-03-10T04:00:00Z").toEpochMilli();
            tick(processor, nowMs);
            assertEquals(SubscriberState.SUSPENDED, Admin.findSubscriber(state, 8617000000001L).state(),
                    "no money for the third fee");
            assertEquals(2L, journal.read(8617000000001L, 0, Long.MAX_VALUE, 100).stream()
                    .filter(e -> e.kind == io.gyro.engine.cdr.CdrKind.FEE).count(), "first fee and one renewal");

            // Still unpaid at the next passes: tried again, but the suspension is recorded once.
            nowMs += 3_600_000;
            tick(processor, nowMs);
            nowMs += 3_600_000;
            tick(processor, nowMs);
            assertEquals(1L, journal.read(8617000000001L, 0, Long.MAX_VALUE, 100).stream()
                    .filter(e -> e.kind == io.gyro.engine.cdr.CdrKind.ADJUSTMENT).count(), "one suspension record");
        }
    }

    @Test
    void everySubscriberIsRenewedWithinOnePassOfSmallSteps() throws Exception {
        CatalogueLoadResult loaded = CatalogueLoader.load(catalogue());
        assertTrue(loaded.ok(), String.valueOf(loaded.problems()));
        try (Stores stores = Stores.open(dir.resolve("data2"), new StoreConfig(20_000, 1000));
             Journal journal = Journal.open(dir.resolve("data2/journal"), JournalConfig.defaults())) {
            ChargingState state = new ChargingState(stores, new Records(journal), new Rater(loaded.catalogue()),
                    new ChargingState.Settings("ocs".getBytes(StandardCharsets.US_ASCII),
                            "realm".getBytes(StandardCharsets.US_ASCII), 60_000));
            nowMs = Instant.parse("2026-01-10T04:00:00Z").toEpochMilli();
            ChargingProcessor processor = new ChargingProcessor(state, nowMs, 16);
            long fee = loaded.catalogue().pkg(loaded.catalogue().packageIndex("basic")).feeMicros();
            int n = 3_000;
            for (int i = 0; i < n; i++) {
                Admin.createSubscriber(state, 8617000000001L + i, 460990000000001L + i, "basic", 3 * fee, false, nowMs);
            }
            long renewalsBefore = state.counters.get(io.gyro.engine.status.EngineCounters.RENEWALS);
            // A month later, the processor's clock moves in steps of one second: within one pass
            // (60 s) every subscriber is renewed exactly once.
            nowMs = Instant.parse("2026-02-10T04:00:00Z").toEpochMilli();
            tick(processor, nowMs);   // a jump of a month: one full pass
            long afterJump = state.counters.get(io.gyro.engine.status.EngineCounters.RENEWALS) - renewalsBefore;
            assertEquals(n, afterJump, "renewed by the full pass after the clock jump");
            nowMs = Instant.parse("2026-03-10T04:00:00Z").toEpochMilli() - 30_000;
            tick(processor, nowMs);   // another jump: nothing due yet
            for (int s = 0; s < 61; s++) {
                nowMs += 1000;
                tick(processor, nowMs);
            }
            assertEquals(2L * n, state.counters.get(io.gyro.engine.status.EngineCounters.RENEWALS) - renewalsBefore,
                    "every subscriber renewed once more within a pass of one-second steps");
            for (int i = 0; i < n; i += 499) {
                assertEquals(Money.format(0), Admin.balance(state, 8617000000001L + i, nowMs).get("money"));
            }
        }
    }

    @Test
    void aSubscriberRefusedForAnUnpayableFirstFeeLeavesNoRecord() throws Exception {
        CatalogueLoadResult loaded = CatalogueLoader.load(catalogue());
        assertTrue(loaded.ok(), String.valueOf(loaded.problems()));
        try (Stores stores = Stores.open(dir.resolve("data3"), new StoreConfig(1000, 1000));
             Journal journal = Journal.open(dir.resolve("data3/journal"), JournalConfig.defaults())) {
            ChargingState state = new ChargingState(stores, new Records(journal), new Rater(loaded.catalogue()),
                    new ChargingState.Settings("ocs".getBytes(StandardCharsets.US_ASCII),
                            "realm".getBytes(StandardCharsets.US_ASCII), 60_000));
            long now = Instant.parse("2026-01-10T04:00:00Z").toEpochMilli();
            long fee = loaded.catalogue().pkg(loaded.catalogue().packageIndex("basic")).feeMicros();
            assertTrue(fee > 1, "basic has a fee");
            org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
                    () -> Admin.createSubscriber(state, 8617000000009L, 460990000000009L, "basic", fee - 1, false, now));
            assertEquals(0, journal.lastSeq(), "nothing journaled for a refused subscriber");
            assertFalse(stores.subscribers().findByMsisdn(8617000000009L, new io.gyro.engine.store.Subscriber()));
            assertFalse(stores.accounts().read(8617000000009L, new io.gyro.engine.store.Account()));
            Admin.createSubscriber(state, 8617000000009L, 460990000000009L, "basic", fee, false, now);
            assertEquals(2, journal.lastSeq(), "opening top-up and first fee");
        }
    }

    private static void tick(ChargingProcessor processor, long nowMs) {
        RingEvent tick = new RingEvent();
        tick.kind = RingEvent.Kind.TICK;
        tick.timeMs = nowMs;
        processor.onEvent(tick, 0, true);
    }

    private static Path catalogue() {
        return SampleCatalogue.path();
    }
}
