package io.gyro.engine.settle;

import io.gyro.engine.cdr.CdrKind;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One partition of a settlement: reads back its host lines and Gyro's records from the spill files, sums Gyro's
 * records per session (a session reports its usage in several interim records; a refund cancels an event), matches
 * host lines and sessions of one subscriber and service (by stop time, or per day), and gives every line, session
 * and pair its {@link SettleReport.Verdict} in a {@link SettleReport.Tally}. Holds no state between partitions, so one
 * instance serves every settling thread.
 */
final class PartitionSettlement {
    private static final CdrKind[] KINDS = CdrKind.values();

    private final Settlement.Options o;
    private final HostFile.Granularity granularity;
    private final long periodStartMs;
    private final long periodEndMs;

    PartitionSettlement(Settlement.Options options, HostFile.Granularity granularity, long periodStartMs, long periodEndMs) {
        this.o = options;
        this.granularity = granularity;
        this.periodStartMs = periodStartMs;
        this.periodEndMs = periodEndMs;
    }

    private record SessionKey(long subscriber, int service, long hash) {
    }

    /** Subscriber, service, stop time, then host line or first seq: the order of matching and of the differences. */
    private static final Comparator<Item> ORDER = (a, b) -> {
        int c = Long.compare(a.subscriber, b.subscriber);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.service, b.service);
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.stopMs, b.stopMs);
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.line, b.line);
        return c != 0 ? c : Long.compare(a.firstSeq, b.firstSeq);
    };

    /** Settles partition {@code p} into {@code tally}. */
    void settle(Partitions hostSide, List<Partitions> gyroSides, int p, SettleReport.Tally tally) throws IOException {
        List<Item> hostItems = readHostItems(hostSide, p, tally);
        List<Item> gyroItems = readGyroItems(gyroSides, p, tally);
        Comparator<Item> order = ORDER;
        hostItems.sort(order);
        gyroItems.sort(order);
        if (granularity == HostFile.Granularity.PER_RECORD) {
            matchByTime(hostItems, gyroItems);
        } else {
            matchByDay(hostItems, gyroItems);
        }
        // verdicts in subscriber, service and time order: host lines and their partners first as they come, then
        // the Gyro sessions nobody billed, merged in by the same order
        List<Item> unbilled = new ArrayList<>();
        for (Item g : gyroItems) {
            if (g.partner == null && inPeriod(g.stopMs)) {
                unbilled.add(g);
            }
        }
        int u = 0;
        for (Item h : hostItems) {
            while (u < unbilled.size() && order.compare(unbilled.get(u), h) < 0) {
                tally.add(SettleReport.Verdict.UNBILLED, null, unbilled.get(u++));
            }
            Item g = h.partner;
            if (g == null) {
                if (inPeriod(h.stopMs)) {
                    tally.add(SettleReport.Verdict.LEAKAGE, h, null);
                }
            } else if (inPeriod(h.stopMs) || inPeriod(g.stopMs)) {
                tally.add(verdict(h, g), h, g);
            }
        }
        while (u < unbilled.size()) {
            tally.add(SettleReport.Verdict.UNBILLED, null, unbilled.get(u++));
        }
    }

    private boolean inPeriod(long ms) {
        return ms >= periodStartMs && ms < periodEndMs;
    }

    private List<Item> readHostItems(Partitions side, int p, SettleReport.Tally tally) throws IOException {
        List<Item> items = new ArrayList<>();
        try (Partitions.Reader in = new Partitions.Reader(side.file(p))) {
            while (in.next()) {
                ByteBuffer b = in.buffer();
                Item i = new Item();
                i.subscriber = b.getLong();
                i.service = b.get();
                i.startMs = b.getLong();
                i.stopMs = b.getLong();
                i.quantity = b.getLong();
                i.amountMicros = b.getLong();
                i.line = b.getLong();
                i.records = b.getInt();
                i.textFile = in.file();
                i.textPosition = in.position();
                in.skipText();
                in.skipText();
                in.skipText();
                if (i.quantity == 0 && i.amountMicros == 0) {
                    tally.zeroItems++;
                    continue;
                }
                items.add(i);
            }
        }
        return items;
    }

    /** Gyro's records of the partition summed per session (events are sessions of one record), refunds applied. */
    private List<Item> readGyroItems(List<Partitions> sides, int p, SettleReport.Tally tally) throws IOException {
        SessionIndex sessions = new SessionIndex(1 << 16);
        List<Item> refunds = new ArrayList<>();
        for (Partitions side : sides) {
          try (Partitions.Reader in = new Partitions.Reader(side.file(p))) {
            while (in.next()) {
                ByteBuffer b = in.buffer();
                long subscriber = b.getLong();
                int svc = b.get();
                CdrKind kind = KINDS[b.get()];
                long hash = b.getLong();
                long seq = b.getLong();
                long tsMs = b.getLong();
                long start = b.getLong();
                long stop = b.getLong();
                long units = b.getLong();
                long wholesale = b.getLong();
                long texts = in.position();
                in.skipText();
                in.skipText();
                Item i;
                if (kind == CdrKind.REFUND) {
                    i = new Item();
                    refunds.add(i);
                } else {
                    i = sessions.get(subscriber, svc, hash);
                }
                i.subscriber = subscriber;
                i.service = svc;
                i.sessionHash = hash;
                i.event |= kind == CdrKind.EVENT;
                if (seq < i.firstSeq) {
                    // the texts of the session's first record, whichever reader spilled it
                    i.textFile = in.file();
                    i.textPosition = texts;
                }
                i.addRecord(seq, tsMs, start, stop, units, wholesale);
            }
          }
        }
        List<Item> items = sessions.items();
        if (!refunds.isEmpty()) {
            applyRefunds(items, refunds, tally);
        }
        List<Item> kept = new ArrayList<>(items.size());
        long lo = periodStartMs - o.toleranceMs();
        long hi = periodEndMs + o.toleranceMs();
        for (Item i : items) {
            if (i.cancelled || i.stopMs < lo || i.stopMs >= hi) {
                continue;
            }
            if (i.quantity == 0 && i.amountMicros == 0) {
                tally.zeroItems++;
                continue;
            }
            kept.add(i);
        }
        return granularity == HostFile.Granularity.PER_DAY ? perDay(kept) : kept;
    }

    /**
     * A refund gives back an event that did not happen (an SMS not delivered): it cancels the latest event of the
     * same subscriber and service, at or before it, with the same units; the host bills neither.
     */
    private void applyRefunds(List<Item> items, List<Item> refunds, SettleReport.Tally tally) {
        Map<Long, List<Item>> events = new HashMap<>();
        for (Item i : items) {
            if (i.event) {
                events.computeIfAbsent(i.subscriber * 4 + i.service, k -> new ArrayList<>()).add(i);
            }
        }
        for (List<Item> l : events.values()) {
            l.sort(Comparator.comparingLong(i -> i.stopMs));
        }
        refunds.sort(Comparator.comparingLong(i -> i.firstSeq));
        for (Item r : refunds) {
            List<Item> l = events.get(r.subscriber * 4 + r.service);
            boolean done = false;
            if (l != null) {
                for (int k = l.size() - 1; k >= 0 && !done; k--) {
                    Item e = l.get(k);
                    if (!e.cancelled && e.firstSeq < r.firstSeq && e.quantity == r.quantity) {
                        e.cancelled = true;
                        done = true;
                    }
                }
            }
            if (done) {
                tally.refundsApplied++;
            } else {
                tally.refundsUnmatched++;
            }
        }
    }

    /** Sessions summed per subscriber, service and local day of their stop. */
    private List<Item> perDay(List<Item> sessions) {
        Times times = new Times(o.zone());
        Map<SessionKey, Item> days = new HashMap<>();
        for (Item s : sessions) {
            long day = times.dayStartMs(s.stopMs);
            Item d = days.computeIfAbsent(new SessionKey(s.subscriber, s.service, day), k -> new Item());
            d.subscriber = s.subscriber;
            d.service = s.service;
            d.startMs = day;
            d.stopMs = day;
            d.quantity += s.quantity;
            d.amountMicros = Math.addExact(d.amountMicros, s.amountMicros);
            d.records += s.records;
            d.sessions++;
            d.firstSeq = Math.min(d.firstSeq, s.firstSeq);
            d.lastSeq = Math.max(d.lastSeq, s.lastSeq);
        }
        List<Item> out = new ArrayList<>(days.values());
        out.removeIf(d -> !inPeriod(d.stopMs));
        return out;
    }

    // ---- matching -------------------------------------------------------------------------------------------

    /**
     * Per subscriber and service, in stop order: each host line takes the unmatched Gyro session whose stop time is
     * nearest within the tolerance, preferring one whose quantity and amount agree (so that of two SMS a minute
     * apart, the roaming one pairs with the roaming one).
     */
    private void matchByTime(List<Item> hostItems, List<Item> gyroItems) {
        long tol = o.toleranceMs();
        int g0 = 0;
        int h = 0;
        while (h < hostItems.size()) {
            Item first = hostItems.get(h);
            int hEnd = h;
            while (hEnd < hostItems.size() && sameGroup(hostItems.get(hEnd), first)) {
                hEnd++;
            }
            while (g0 < gyroItems.size() && groupBefore(gyroItems.get(g0), first)) {
                g0++;
            }
            int gEnd = g0;
            while (gEnd < gyroItems.size() && sameGroup(gyroItems.get(gEnd), first)) {
                gEnd++;
            }
            int lo = g0;
            for (int k = h; k < hEnd; k++) {
                Item hi = hostItems.get(k);
                while (lo < gEnd && gyroItems.get(lo).stopMs < hi.stopMs - tol) {
                    lo++;
                }
                Item best = null;
                long bestScore = Long.MAX_VALUE;
                for (int j = lo; j < gEnd; j++) {
                    Item g = gyroItems.get(j);
                    if (g.stopMs > hi.stopMs + tol) {
                        break;
                    }
                    if (g.partner != null) {
                        continue;
                    }
                    long score = Math.abs(g.stopMs - hi.stopMs);
                    SettleReport.Verdict v = verdict(hi, g);
                    if (v == SettleReport.Verdict.QUANTITY) {
                        score += 4 * tol + 4;
                    } else if (v == SettleReport.Verdict.AMOUNT) {
                        score += 2 * tol + 2;
                    }
                    if (score < bestScore) {
                        bestScore = score;
                        best = g;
                    }
                }
                if (best != null) {
                    best.partner = hi;
                    hi.partner = best;
                }
            }
            h = hEnd;
            g0 = gEnd;
        }
    }

    /** Per-day files: the host's line and Gyro's sum for the same subscriber, service and day. */
    private void matchByDay(List<Item> hostItems, List<Item> gyroItems) {
        int g = 0;
        for (Item h : hostItems) {
            while (g < gyroItems.size() && before(gyroItems.get(g), h)) {
                g++;
            }
            if (g < gyroItems.size()) {
                Item c = gyroItems.get(g);
                if (sameGroup(c, h) && c.stopMs == h.stopMs && c.partner == null) {
                    c.partner = h;
                    h.partner = c;
                }
            }
        }
    }

    private static boolean sameGroup(Item a, Item b) {
        return a.subscriber == b.subscriber && a.service == b.service;
    }

    private static boolean groupBefore(Item a, Item b) {
        return a.subscriber < b.subscriber || (a.subscriber == b.subscriber && a.service < b.service);
    }

    private static boolean before(Item a, Item b) {
        return groupBefore(a, b) || (sameGroup(a, b) && a.stopMs < b.stopMs);
    }

    /**
     * The verdict on a pair. Quantities may differ by one host grid step per host record (the host rounds each
     * record up, Gyro records what the network reported) plus one Gyro step per Gyro record; amounts by what that
     * difference costs at the pair's own rate (Gyro's amount over Gyro's quantity), plus the amount tolerance.
     */
    SettleReport.Verdict verdict(Item h, Item g) {
        long qtyDiff = Math.abs(h.quantity - g.quantity);
        long amountDiff = Math.abs(h.amountMicros - g.amountMicros);
        if (qtyDiff == 0 && amountDiff <= o.amountToleranceMicros()) {
            return amountDiff == 0 ? SettleReport.Verdict.EXACT : SettleReport.Verdict.GRID;
        }
        long hostStep = h.service == HostFile.DATA ? o.hostGridBytes() : h.service == HostFile.VOICE ? o.hostGridSeconds() : 0;
        long gyroStep = g.service == HostFile.DATA ? o.gyroGridBytes() : g.service == HostFile.VOICE ? o.gyroGridSeconds() : 0;
        long hostRecords = h.records > 0 ? h.records : Math.max(1, g.sessions);
        long allowance = hostStep * hostRecords + gyroStep * g.records;
        if (qtyDiff > allowance) {
            return SettleReport.Verdict.QUANTITY;
        }
        long explained = g.quantity > 0 ? mulDivCeil(qtyDiff, Math.abs(g.amountMicros), g.quantity) : 0;
        if (amountDiff > explained + o.amountToleranceMicros()) {
            return SettleReport.Verdict.AMOUNT;
        }
        return SettleReport.Verdict.GRID;
    }

    /** {@code ceil(a * b / c)} for non-negative a, b and positive c, exact. */
    static long mulDivCeil(long a, long b, long c) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            return low / c + (low % c == 0 ? 0 : 1);
        }
        BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(c));
        return qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
    }
}
