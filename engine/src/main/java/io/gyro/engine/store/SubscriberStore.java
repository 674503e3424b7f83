package io.gyro.engine.store;

import java.util.function.Consumer;
import java.util.function.Predicate;

import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;
import net.openhft.chronicle.map.impl.CompiledMapIterationContext;
import net.openhft.chronicle.map.impl.CompiledMapQueryContext;

/**
 * Subscribers by MSISDN, plus an IMSI to MSISDN index, in two file-persisted Chronicle Maps. Called by
 * the charging processor thread only (provisioning from the HTTP API travels through the ring).
 * Lookups copy into a caller-owned {@link Subscriber} and allocate nothing.
 *
 * <p>Write order keeps the index safe across a kill -9: the subscriber is written first and the index
 * second, so the index can only miss an entry (repaired by {@link #repairImsiIndex()}, which
 * {@link Stores} runs after an unclean stop) or point at a subscriber that no longer carries that IMSI
 * (treated as absent and overwritten by {@link #create}). Only a create or an IMSI change can leave the
 * index short, so {@link Stores} is told before the first such write of a run ({@link #onFirstIndexWrite})
 * and marks the directory; after a kill of a run that never wrote the index (a serving engine that only
 * charges), the O(subscribers) repair is skipped.
 */
public final class SubscriberStore {
    static final String FILE_NAME = "subscribers.cm3";
    static final String IMSI_FILE_NAME = "imsi-index.cm3";

    /** Outcome of {@link #create} and {@link #update}; expected failures are values, not exceptions. */
    public enum Result {
        OK,
        MSISDN_EXISTS,
        IMSI_EXISTS,
        NOT_FOUND
    }

    private final ChronicleMap<LongKey, Subscriber> byMsisdn;
    private final ChronicleMap<LongKey, LongKey> msisdnByImsi;
    private final LongKey key = new LongKey();
    private final LongKey indexValue = new LongKey();
    private final Subscriber scratch = new Subscriber();
    private Runnable firstIndexWrite = () -> { };
    private boolean indexWritten;

    SubscriberStore(ChronicleMap<LongKey, Subscriber> byMsisdn, ChronicleMap<LongKey, LongKey> msisdnByImsi) {
        this.byMsisdn = byMsisdn;
        this.msisdnByImsi = msisdnByImsi;
        this.earliestRenewalMs = new long[byMsisdn.segments()];
        java.util.Arrays.fill(earliestRenewalMs, UNKNOWN);
    }

    static ChronicleMapBuilder<LongKey, Subscriber> builder(long entries) {
        return ChronicleMapBuilder.of(LongKey.class, Subscriber.class)
                .name("subscribers")
                .entries(entries)
                .keyMarshallers(LongKey.Marshaller.INSTANCE, LongKey.Marshaller.INSTANCE)
                .constantKeySizeBySample(new LongKey())
                .valueMarshallers(SubscriberMarshaller.INSTANCE, SubscriberMarshaller.INSTANCE)
                .constantValueSizeBySample(new Subscriber())
                .putReturnsNull(true)
                .removeReturnsNull(true);
    }

    static ChronicleMapBuilder<LongKey, LongKey> imsiBuilder(long entries) {
        return ChronicleMapBuilder.of(LongKey.class, LongKey.class)
                .name("imsi-index")
                .entries(entries)
                .keyMarshallers(LongKey.Marshaller.INSTANCE, LongKey.Marshaller.INSTANCE)
                .constantKeySizeBySample(new LongKey())
                .valueMarshallers(LongKey.Marshaller.INSTANCE, LongKey.Marshaller.INSTANCE)
                .constantValueSizeBySample(new LongKey())
                .putReturnsNull(true)
                .removeReturnsNull(true);
    }

    /** Runs once, before the first write of this run that adds or moves an IMSI index entry. */
    void onFirstIndexWrite(Runnable action) {
        this.firstIndexWrite = action;
    }

    private void beforeIndexWrite() {
        if (!indexWritten) {
            firstIndexWrite.run();
            indexWritten = true;
        }
    }

    /** Recently read or written subscribers by MSISDN ({@link ReadCache}), written through by {@link #create} and {@link #update}. */
    private static final int CACHE_SLOTS = 1 << 14;
    private final ReadCache<Subscriber> cache =
            new ReadCache<>(CACHE_SLOTS, Subscriber::new, (from, to) -> to.copyFrom(from));

    /** @return false (and {@code into} untouched) when no subscriber has this MSISDN */
    public boolean findByMsisdn(long msisdn, Subscriber into) {
        if (cache.read(msisdn, into)) {
            return true;
        }
        if (byMsisdn.getUsing(key.set(msisdn), into) == null) {
            return false;
        }
        into.msisdn = msisdn;
        cache.put(msisdn, into);
        return true;
    }

    /** @return false (and {@code into} possibly overwritten) when no subscriber has this IMSI */
    public boolean findByImsi(long imsi, Subscriber into) {
        if (msisdnByImsi.getUsing(key.set(imsi), indexValue) == null) {
            return false;
        }
        return findByMsisdn(indexValue.value, into) && into.imsi == imsi;
    }

    /**
     * Creates a subscriber. Fails, changing nothing, when the MSISDN or the IMSI is already in use.
     */
    public Result create(Subscriber s) {
        if (byMsisdn.containsKey(key.set(s.msisdn))) {
            return Result.MSISDN_EXISTS;
        }
        if (imsiTaken(s.imsi, s.msisdn)) {
            return Result.IMSI_EXISTS;
        }
        beforeIndexWrite();
        cache.drop(s.msisdn);
        byMsisdn.put(key.set(s.msisdn), s);
        cache.put(s.msisdn, s);
        renewalWritten(s.msisdn, s.nextRenewalMs);
        msisdnByImsi.put(key.set(s.imsi), indexValue.set(s.msisdn));
        return Result.OK;
    }

    /**
     * Replaces an existing subscriber (package change, state, renewal dates, IMSI swap).
     *
     * @return NOT_FOUND when the MSISDN is unknown, IMSI_EXISTS when a new IMSI belongs to someone else
     */
    public Result update(Subscriber s) {
        if (byMsisdn.getUsing(key.set(s.msisdn), scratch) == null) {
            return Result.NOT_FOUND;
        }
        long oldImsi = scratch.imsi;
        if (oldImsi != s.imsi && imsiTaken(s.imsi, s.msisdn)) {
            return Result.IMSI_EXISTS;
        }
        if (oldImsi != s.imsi) {
            beforeIndexWrite();
        }
        cache.drop(s.msisdn);
        byMsisdn.put(key.set(s.msisdn), s);
        cache.put(s.msisdn, s);
        renewalWritten(s.msisdn, s.nextRenewalMs);
        if (oldImsi != s.imsi) {
            msisdnByImsi.put(key.set(s.imsi), indexValue.set(s.msisdn));
            msisdnByImsi.remove(key.set(oldImsi));
        }
        return Result.OK;
    }

    /** True when {@code imsi} is indexed to a subscriber other than {@code msisdn} that still carries it. */
    private boolean imsiTaken(long imsi, long msisdn) {
        if (msisdnByImsi.getUsing(key.set(imsi), indexValue) == null) {
            return false;
        }
        long owner = indexValue.value;
        return owner != msisdn && byMsisdn.getUsing(key.set(owner), scratch) != null && scratch.imsi == imsi;
    }

    public long count() {
        return byMsisdn.longSize();
    }

    /**
     * Visits every subscriber with one reused {@link Subscriber}, for the periodic renewal sweep and
     * audits. The visitor must not write to this store (it runs under a segment lock): collect MSISDNs
     * and update afterwards, e.g. from {@link #allMsisdns()}.
     */
    public void forEach(Consumer<Subscriber> visitor) {
        Subscriber reused = new Subscriber();
        LongKey k = new LongKey();
        byMsisdn.forEachEntry(e -> {
            e.value().getUsing(reused);
            reused.msisdn = e.key().getUsing(k).value;
            visitor.accept(reused);
        });
    }

    /** Segments of the MSISDN map, for a sweep that visits a few at a time ({@link #findDueRenewals}). */
    public int segments() {
        return byMsisdn.segments();
    }

    /**
     * Puts into {@code out} the MSISDNs of segment {@code segment}'s subscribers whose next renewal is
     * due ({@code 0 < nextRenewalMs <= nowMs}), reading that field in place (no value is decoded).
     * The first {@code skip} due subscribers of the segment are passed over (those a caller could not
     * renew: a later call goes on from there while the segment is unchanged). Allocates nothing.
     *
     * @return how many were put (at most {@code out.length}; when full, call again with a larger skip)
     */
    public int findDueRenewals(int segment, long nowMs, int skip, long[] out) {
        if (earliestRenewalMs[segment] > nowMs) {
            return 0;
        }
        segmentsScanned++;
        dueScan.reset(nowMs, skip, out);
        boolean whole = forEachSegmentEntryReading(segment, dueScan);
        if (whole) {
            // every entry seen: a lower bound until a write lowers it (renewalWritten)
            earliestRenewalMs[segment] = dueScan.earliest;
        }
        return dueScan.count;
    }

    /**
     * Per segment of the MSISDN map, a renewal date no subscriber there is due before: the earliest positive
     * {@code nextRenewalMs} the last whole scan of the segment saw, lowered by every write since
     * ({@link #renewalWritten}). A segment whose bound is after now has nobody due, and {@link #findDueRenewals}
     * answers without reading it. Why: the sweep reads every subscriber once a minute, which at 10 million is
     * 170,000 cold entries a second on the charging thread (8 % of its time measured, bench/RESULTS.md,
     * 2026-12-06), while renewals come once a period. {@link #UNKNOWN} (every segment at start): scan it.
     * Only the charging thread reads and writes it, as the rest of this store.
     */
    private final long[] earliestRenewalMs;
    private static final long UNKNOWN = Long.MIN_VALUE;
    /** Segments {@link #findDueRenewals} read (not those it could answer from {@link #earliestRenewalMs}); for tests. */
    long segmentsScanned;

    /** After a write of {@code msisdn}'s subscriber: its segment's bound comes down to {@code nextRenewalMs}. */
    private void renewalWritten(long msisdn, long nextRenewalMs) {
        if (nextRenewalMs <= 0) {
            return;   // never due
        }
        int segment = segmentOf(msisdn);
        if (segment < 0) {
            java.util.Arrays.fill(earliestRenewalMs, UNKNOWN);
        } else if (nextRenewalMs < earliestRenewalMs[segment]) {
            earliestRenewalMs[segment] = nextRenewalMs;
        }
    }

    /**
     * The segment of the MSISDN map that holds {@code msisdn}, from Chronicle's generated query context (an
     * implementation class, as {@link #forEachSegmentEntryReading} uses; it hashes the key and takes no lock);
     * -1 when the map is of another kind (the caller then forgets every segment's bound).
     */
    int segmentOf(long msisdn) {
        try (ExternalMapQueryContext<LongKey, Subscriber, ?> c = byMsisdn.queryContext(key.set(msisdn))) {
            if (c instanceof CompiledMapQueryContext<?, ?, ?> q) {
                return q.segmentIndex();
            }
            return -1;
        }
    }

    /**
     * Visits segment {@code segment}'s entries while {@code visitor} returns true, holding only the segment's
     * read lock; the visitor must not change the map.
     *
     * <p>Why not Chronicle's {@code forEachSegmentEntryWhile}: it holds the segment's <em>update</em> lock for
     * the whole iteration (so that a visitor may remove or replace entries), and a kill -9 then leaves an
     * update-locked segment, which {@link Stores} cannot tell from a write half done and answers with the whole
     * map's recovery (about 18 s for 10 million subscribers). The renewal sweep iterates some segment at the
     * end of most batches, so a kill often landed there. Chronicle's public API has no read-locked iteration;
     * its generated iteration context ({@code CompiledMapIterationContext}, an implementation class, as
     * {@link Stores}' lock probe already uses) runs the same loop after any lock the caller took and releases
     * the read lock at its end, so the read lock is taken here first. A map of another kind falls back to the
     * public, update-locked iteration.
     */
    boolean forEachSegmentEntryReading(int segment, Predicate<? super MapEntry<LongKey, Subscriber>> visitor) {
        try (MapSegmentContext<LongKey, Subscriber, ?> c = byMsisdn.segmentContext(segment)) {
            if (c instanceof CompiledMapIterationContext<?, ?, ?> iteration) {
                iteration.readLock().lock();
                return iteration.innerForEachSegmentEntryWhile(visitor);
            }
            return c.forEachSegmentEntryWhile(visitor);
        }
    }

    private final DueScan dueScan = new DueScan();

    private static final class DueScan implements Predicate<MapEntry<LongKey, Subscriber>> {
        private final LongKey key = new LongKey();
        private long nowMs;
        private long[] out;
        private int count;
        private int skip;
        /** Earliest positive renewal date seen (MAX_VALUE: none). */
        private long earliest;

        void reset(long nowMs, int skip, long[] out) {
            this.nowMs = nowMs;
            this.skip = skip;
            this.out = out;
            this.count = 0;
            this.earliest = Long.MAX_VALUE;
        }

        @Override
        public boolean test(MapEntry<LongKey, Subscriber> e) {
            Data<Subscriber> v = e.value();
            long due = v.bytes().readLong(v.offset() + SubscriberMarshaller.NEXT_RENEWAL_OFFSET);
            if (due > 0 && due < earliest) {
                earliest = due;
            }
            if (due > 0 && due <= nowMs) {
                if (skip > 0) {
                    skip--;
                } else {
                    out[count++] = e.key().getUsing(key).value;
                }
            }
            return count < out.length;
        }
    }

    /** A snapshot of every MSISDN (8 bytes each), in map order. */
    public long[] allMsisdns() {
        long[] out = new long[(int) Math.min(Integer.MAX_VALUE - 8, byMsisdn.longSize() + 16)];
        int[] n = {0};
        LongKey k = new LongKey();
        long[][] holder = {out};
        byMsisdn.forEachEntry(e -> {
            if (n[0] == holder[0].length) {
                holder[0] = java.util.Arrays.copyOf(holder[0], holder[0].length * 2);
            }
            holder[0][n[0]++] = e.key().getUsing(k).value;
        });
        return java.util.Arrays.copyOf(holder[0], n[0]);
    }

    /**
     * Makes sure every subscriber's IMSI is indexed; run after an unclean stop, when a kill between
     * the subscriber write and the index write may have left one out.
     *
     * @return how many index entries were added or corrected
     */
    public int repairImsiIndex() {
        long[] msisdns = allMsisdns();
        int repaired = 0;
        Subscriber s = new Subscriber();
        for (long msisdn : msisdns) {
            if (!findByMsisdn(msisdn, s)) {
                continue;
            }
            if (msisdnByImsi.getUsing(key.set(s.imsi), indexValue) == null || indexValue.value != msisdn) {
                msisdnByImsi.put(key.set(s.imsi), indexValue.set(msisdn));
                repaired++;
            }
        }
        return repaired;
    }

    /** The MSISDN map itself, for tests of its segment locks. */
    ChronicleMap<LongKey, Subscriber> msisdnMap() {
        return byMsisdn;
    }

    void close() {
        byMsisdn.close();
        msisdnByImsi.close();
    }
}
