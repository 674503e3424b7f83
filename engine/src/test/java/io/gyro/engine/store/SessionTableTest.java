package io.gyro.engine.store;

import io.gyro.diameter.dictionary.Enumerations;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionTableTest {
    /** Sessions 0 .. HOT-1 of the concurrent test: rewritten all the time, in place ({@link #hot}). */
    private static final int HOT = 16;

    private static SessionTable live(int capacity) {
        return new SessionTable("test table", capacity, SessionMarshaller.INSTANCE, SessionMarshaller.INSTANCE);
    }

    /** A session whose fields all follow from (i, version): slots and answer size vary, so blocks change class. */
    private static Session session(Session s, int i, int version) {
        s.clear();
        s.id().set("pgw.table;" + i);
        s.msisdn(8617000000000L + i).accountId(i).lastCcRequestNumber(version)
                .lastRequestType(Enumerations.UPDATE_REQUEST).expiresAtMs(1_000L * version + i);
        int slots = (i + version) % 4;
        for (int k = 0; k < slots; k++) {
            int slot = s.addSlot(10 + k, k);
            s.grantedUnits(slot, 1_000L * version + k).reservedMicros(slot, 7L * i + k);
        }
        int answerLength = ((i * 31 + version * 17) % 40) * 100;
        byte[] answer = new byte[answerLength];
        for (int b = 0; b < answerLength; b++) {
            answer[b] = (byte) (i + version + b);
        }
        s.answer(answer, 0, answerLength);
        return s;
    }

    /** Checks that {@code s} is the state {@link #session} gives for (i, version). */
    private static void assertSession(Session s, int i, int version) {
        Session want = session(new Session(), i, version);
        assertEquals(want.id().toString(), s.id().toString());
        assertEquals(want.msisdn(), s.msisdn());
        assertEquals(want.lastCcRequestNumber(), s.lastCcRequestNumber(), "version of " + i);
        assertEquals(want.expiresAtMs(), s.expiresAtMs());
        assertEquals(want.slotCount(), s.slotCount());
        for (int k = 0; k < want.slotCount(); k++) {
            assertEquals(want.grantedUnits(k), s.grantedUnits(k));
            assertEquals(want.reservedMicros(k), s.reservedMicros(k));
        }
        assertEquals(want.answerLength(), s.answerLength());
        for (int b = 0; b < want.answerLength(); b++) {
            assertEquals(want.answer()[b], s.answer()[b]);
        }
    }

    @Test
    void agreesWithAHashMapUnderRandomWritesRemovesAndRewritesOfEverySize() {
        SessionTable table = live(2_000);
        Map<Integer, Integer> model = new HashMap<>();
        Random random = new Random(17);
        Session s = new Session();
        Session back = new Session();
        for (int step = 0; step < 60_000; step++) {
            int i = random.nextInt(2_500);
            int op = random.nextInt(10);
            session(s, i, step);
            if (op < 6) {
                if (model.size() == 2_000 && !model.containsKey(i)) {
                    assertThrows(IllegalStateException.class, () -> table.write(s.id(), s));
                    continue;
                }
                assertEquals(!model.containsKey(i), table.write(s.id(), s), "write of " + i + " is an insert");
                model.put(i, step);
            } else if (op < 8) {
                assertEquals(model.remove(i) != null, table.remove(s.id()));
            } else {
                back.id().copyFrom(s.id());
                Integer version = model.get(i);
                assertEquals(version != null, table.read(back.id(), back));
                if (version != null) {
                    assertSession(back, i, version);
                }
            }
            assertEquals(model.size(), table.count());
        }
        Set<String> seen = new HashSet<>();
        table.forEach(new Session(), v -> {
            int i = Integer.parseInt(v.id().toString().substring("pgw.table;".length()));
            assertSession(v, i, model.get(i));
            assertTrue(seen.add(v.id().toString()));
        });
        assertEquals(model.size(), seen.size());
        long slabs = table.slabBytes();
        assertTrue(slabs >= (long) model.size() * BlockArena.MIN_BLOCK_BYTES, "slabs hold the blocks: " + slabs);
        table.clear();
        assertEquals(slabs, table.slabBytes(), "a clear keeps the slabs for reuse");
        assertEquals(0, table.count());
        assertFalse(table.read(s.id(), back));
        assertTrue(table.write(s.id(), s), "a cleared table takes sessions again");
        table.release();
        assertEquals(0, table.slabBytes(), "released");
    }

    @Test
    void removeOldestTakesTheFirstWrittenAndARewriteKeepsItsPlace() {
        SessionTable table = new SessionTable("ended", 10, EndedSessionMarshaller.INSTANCE,
                EndedSessionMarshaller.INSTANCE);
        Session s = new Session();
        for (int i = 0; i < 5; i++) {
            table.write(ended(s, i, 1).id(), s);
        }
        table.write(ended(s, 0, 2).id(), s);   // rewritten: still the oldest
        assertEquals(2_000L, table.oldestLong(EndedSessionMarshaller.EXPIRES_AT_OFFSET), "session 0, version 2");
        SessionKey dropped = new SessionKey();
        List<String> order = new ArrayList<>();
        while (table.removeOldest(dropped)) {
            order.add(dropped.toString());
        }
        assertEquals(List.of("pgw.table;0", "pgw.table;1", "pgw.table;2", "pgw.table;3", "pgw.table;4"), order);
        assertEquals(0, table.count());
    }

    private static Session ended(Session s, int i, int version) {
        session(s, i, version);
        while (s.slotCount() > 0) {
            s.removeSlot(0);
        }
        return s.lastRequestType(Enumerations.TERMINATION_REQUEST);
    }

    /** A hot session in state {@code version}: every answer byte and the slot's units say the version. */
    private static Session hot(int i, int version) {
        Session s = new Session();
        s.id().set("pgw.table;" + i);
        s.msisdn(8617000000000L + i).lastCcRequestNumber(version).lastRequestType(Enumerations.UPDATE_REQUEST);
        s.grantedUnits(s.addSlot(10, 0), version);
        byte[] answer = new byte[3_000];
        java.util.Arrays.fill(answer, (byte) version);
        s.answer(answer, 0, answer.length);
        return s;
    }

    /** Whether {@code s} is one whole state {@link #hot} or {@link #session} left, not a mix of two. */
    private static void assertWhole(Session s) {
        int i = Integer.parseInt(s.id().toString().substring("pgw.table;".length()));
        int version = (int) s.lastCcRequestNumber();
        if (i >= HOT) {
            assertSession(s, i, version);
            return;
        }
        assertEquals(version, s.grantedUnits(0), "units of " + i);
        for (int b = 0; b < s.answerLength(); b++) {
            if (s.answer()[b] != (byte) version) {
                throw new AssertionError("session " + i + " mixes two writes: answer byte " + b + " is "
                        + s.answer()[b] + ", version " + version);
            }
        }
    }

    /**
     * A reader on another thread walks the table again and again while the writer rewrites a few hot sessions in
     * place (the same size, so the same block) without pause, and now and then rewrites, removes and adds others:
     * every session present for the whole walk is seen exactly once, and whatever is seen is a whole state some
     * write left (never a mix of two). Without the sequence lock, the first check fails within milliseconds.
     */
    @Test
    void aConcurrentWalkSeesEachStableSessionOnceAndOnlyWholeStates() throws Exception {
        int stable = 64;
        SessionTable table = live(stable + 1_000);
        Session[][] states = new Session[HOT][2];
        for (int i = 0; i < HOT; i++) {
            states[i][0] = hot(i, 2 * i + 1);
            states[i][1] = hot(i, 2 * i + 2);
            table.write(states[i][0].id(), states[i][0]);
        }
        Session s = new Session();
        for (int i = HOT; i < stable; i++) {
            table.write(session(s, i, 1).id(), s);
        }
        AtomicReference<Throwable> failed = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        int[] walks = {0};
        Thread reader = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Set<String> seen = new HashSet<>();
                    table.forEachConcurrent(new Session(), v -> {
                        assertWhole(v);
                        String id = v.id().toString();
                        if (Integer.parseInt(id.substring("pgw.table;".length())) < stable) {
                            assertTrue(seen.add(id), "seen twice: " + id);
                        }
                    }, 64, () -> { });
                    assertEquals(stable, seen.size(), "every stable session seen once");
                    walks[0]++;
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        reader.start();
        Random random = new Random(5);
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (int step = 0; failed.get() == null && System.nanoTime() < deadline; step++) {
            Session next = states[step % HOT][(step / HOT) & 1];
            table.write(next.id(), next);                               // in place, no pause
            if ((step & 255) == 0) {
                table.write(session(s, HOT + random.nextInt(stable - HOT), step).id(), s);
                session(s, stable + random.nextInt(1_000), step);
                if (!table.remove(s.id())) {
                    table.write(s.id(), s);                              // churn beside them
                }
            }
        }
        stop.set(true);
        reader.join(10_000);
        assertFalse(reader.isAlive(), "the walk ends");
        assertNull(failed.get(), () -> "reader failed: " + failed.get());
        assertTrue(walks[0] > 0, "at least one whole walk");
        table.release();
    }
}
