package io.gyro.engine.store;

import java.util.Arrays;

/**
 * Which sessions may be due for the stale sweep, by expiry second, so that a sweep visits only
 * those and never scans the session map. On the heap, rebuilt from the session store at start.
 *
 * <p>A timing wheel of one-second slots; each slot is a growable byte array of
 * {@code [length:1 byte][Session-Id bytes]} entries. An entry is a hint, not a promise: the
 * sweep reads the session again and either expires it, files it again (it was extended, or is
 * still far from its expiry), or drops the entry (the session is gone). So the processor files a
 * session only when its expiry could have moved earlier than where it is filed: when it is created
 * and when it ends. No entry is filed more than {@code lookAheadMs} ahead: a session that lives
 * longer is looked at again that often, and the entries of sessions that ended meanwhile stop
 * taking memory after at most that long.
 *
 * <p>Processor thread only. Memory: about 50 bytes per session created or ended within
 * {@code lookAheadMs}, plus one per running session; drained slots' arrays are kept for reuse (at most
 * {@value #MAX_SPARE}), so a steady load allocates nothing.
 */
public final class ExpiryWheel {
    /** Slots of one second: a little over two hours before an entry comes round again. */
    static final int SLOTS = 8192;
    private static final int MASK = SLOTS - 1;
    private static final long SLOT_MS = 1000;
    static final int MAX_SPARE = 256;

    private final byte[][] slots = new byte[SLOTS][];
    private final int[] used = new int[SLOTS];
    /** Read position within the slot being drained (a drain may stop at a limit mid-slot). */
    private int drainOffset;
    /** First second not yet fully drained. */
    private long cursorSecond;
    private long size;
    private final long lookAheadMs;
    private final byte[][] spare = new byte[MAX_SPARE][];
    private int spareCount;

    /** Visited by {@link #drainDue} with each due entry; the bytes are valid only during the call. */
    public interface Visitor {
        void due(byte[] id, int offset, int length);
    }

    /**
     * @param lookAheadMs entries are filed at most this far ahead of the clock (at most the wheel's
     *                    horizon, a little over two hours)
     */
    public ExpiryWheel(long nowMs, long lookAheadMs) {
        if (lookAheadMs < SLOT_MS) {
            throw new IllegalArgumentException("lookAheadMs " + lookAheadMs);
        }
        this.cursorSecond = Math.floorDiv(nowMs, SLOT_MS);
        this.lookAheadMs = Math.min(lookAheadMs, (SLOTS - 2) * SLOT_MS);
    }

    /**
     * Files {@code id} to be looked at once {@code expiresAtMs} has passed, or after
     * {@code lookAheadMs} from {@code nowMs} if that comes first.
     */
    public void schedule(SessionKey id, long expiresAtMs, long nowMs) {
        schedule(id.bytes, 0, id.length, Math.min(expiresAtMs, nowMs + lookAheadMs));
    }

    void schedule(byte[] id, int offset, int length, long expiresAtMs) {
        if (length <= 0 || length > SessionKey.MAX_BYTES) {
            throw new IllegalArgumentException("session id length " + length);
        }
        // A second earlier than the cursor is filed at the cursor (due at the next drain); one beyond
        // the horizon at the horizon's last slot.
        long second = Math.min(Math.max(Math.floorDiv(expiresAtMs, SLOT_MS) + 1, cursorSecond),
                cursorSecond + SLOTS - 1);
        int slot = (int) (second & MASK);
        byte[] b = slots[slot];
        int need = used[slot] + 1 + length;
        if (b == null && spareCount > 0) {
            b = slots[slot] = spare[--spareCount];
            spare[spareCount] = null;
        }
        if (b == null || need > b.length) {
            b = slots[slot] = Arrays.copyOf(b == null ? new byte[0] : b,
                    Math.max(need, Math.max(4096, b == null ? 0 : b.length * 2)));
        }
        // 256 is stored as 0: Session-Ids are never empty
        b[used[slot]] = (byte) length;
        System.arraycopy(id, offset, b, used[slot] + 1, length);
        used[slot] = need;
        size++;
    }

    /**
     * Hands every entry filed at a second that has fully passed by {@code nowMs} to {@code visitor},
     * at most {@code limit} of them (the rest stay for the next call). The visitor may
     * {@link #schedule} again (at a later second than the one being drained).
     *
     * @return entries visited
     */
    public int drainDue(long nowMs, int limit, Visitor visitor) {
        long nowSecond = Math.floorDiv(nowMs, SLOT_MS);
        int visited = 0;
        while (cursorSecond <= nowSecond && visited < limit) {
            int slot = (int) (cursorSecond & MASK);
            while (drainOffset < used[slot] && visited < limit) {
                byte[] b = slots[slot];
                int len = b[drainOffset] & 0xFF;
                if (len == 0) {
                    len = 256;
                }
                int at = drainOffset + 1;
                drainOffset = at + len;
                size--;
                visited++;
                visitor.due(b, at, len);
            }
            if (drainOffset >= used[slot]) {
                used[slot] = 0;
                drainOffset = 0;
                cursorSecond++;
                if (slots[slot] != null) {
                    keepSpare(slots[slot]);
                    slots[slot] = null;
                }
            }
        }
        return visited;
    }

    private void keepSpare(byte[] b) {
        if (spareCount < MAX_SPARE) {
            spare[spareCount++] = b;
        }
    }

    /** Entries filed and not yet drained (a session can be filed more than once). */
    public long size() {
        return size;
    }
}
