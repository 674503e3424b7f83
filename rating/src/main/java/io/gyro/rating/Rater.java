package io.gyro.rating;

import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.BucketSource;
import io.gyro.rating.tariff.PackageDef;
import io.gyro.rating.tariff.ServiceKind;
import io.gyro.rating.tariff.Tariff;

/**
 * The rating functions: quota (how much may be used and what backs it), charge (what used units
 * cost and who pays), reservation bookkeeping, refund, price enquiry and balance check.
 *
 * <p>Pure apart from the wallet and result objects it is handed: no clock, no I/O, no allocation
 * in steady state (scratch arrays are sized at construction). One instance per thread; the
 * engine's charging processor owns one. Outcomes are values: only a bug throws
 * ({@link ArithmeticException} on overflow).
 *
 * <p>Bucket order: eligible buckets (same service, unexpired, allowed in this roaming situation
 * and for this destination) pay first by ascending priority (promotional 10, add-on 20, base 30
 * by default), then earliest expiry, then lowest id; money pays the rest.
 */
public final class Rater {

    private final Catalogue catalogue;
    private final int[] order = new int[Wallet.MAX_BUCKETS];
    private final Wallet listPriceWallet = new Wallet();

    // resolution scratch, valid after resolve()
    private int ratedPackage;
    private int tariffIndex;
    private int destinationZone;
    private int roamingZone;
    private DenialReason denial;

    public Rater(Catalogue catalogue) {
        this.catalogue = catalogue;
        this.listPriceWallet.moneyMicros = Long.MAX_VALUE / 4;
    }

    public Catalogue catalogue() {
        return catalogue;
    }

    /**
     * Finds the tariff: add-ons first (in order), then the base package.
     *
     * @return null on success, else the outcome to report
     */
    private Outcome resolve(int pkg, int[] addons, int addonCount, int service, int visited, CharSequence called) {
        ratedPackage = -1;
        tariffIndex = -1;
        destinationZone = -1;
        roamingZone = -1;
        denial = DenialReason.NONE;
        Catalogue c = catalogue;
        if (pkg < 0 || pkg >= c.packageCount()) {
            return Outcome.INVALID_REQUEST;
        }
        if (service < 0 || service >= c.serviceCount()) {
            return Outcome.NO_TARIFF;
        }
        int roam = c.roamingZone(visited);
        if (roam == Integer.MIN_VALUE || (roam >= 0 && !c.roamingAllowed(roam))) {
            roamingZone = roam == Integer.MIN_VALUE ? -1 : roam;
            denial = DenialReason.ROAMING_NOT_ALLOWED;
            return Outcome.DENIED;
        }
        roamingZone = roam;
        int dest = c.unitKind(service) == ServiceKind.BYTES ? -1 : c.destinationZone(called);
        destinationZone = dest;
        if (dest >= 0 && c.destinationBlocked(dest)) {
            denial = DenialReason.DESTINATION_BLOCKED;
            return Outcome.DENIED;
        }
        for (int i = 0; i < addonCount; i++) {
            int a = addons[i];
            if (a < 0 || a >= c.packageCount()) {
                return Outcome.INVALID_REQUEST;
            }
            int t = c.pkg(a).tariffFor(service, dest, roam);
            if (t >= 0) {
                ratedPackage = a;
                tariffIndex = t;
                return null;
            }
        }
        int t = c.pkg(pkg).tariffFor(service, dest, roam);
        if (t >= 0) {
            ratedPackage = pkg;
            tariffIndex = t;
            return null;
        }
        if (roam >= 0) {
            denial = DenialReason.ROAMING_NOT_ALLOWED;
            return Outcome.DENIED;
        }
        return Outcome.NO_TARIFF;
    }

    /** Fills {@link #order} with eligible bucket indices in spending order; returns the count. */
    private int eligibleBuckets(Wallet w, int service, long atMs) {
        Catalogue c = catalogue;
        boolean roaming = roamingZone >= 0;
        int n = 0;
        for (int i = 0; i < w.bucketCount; i++) {
            if (w.bucketService[i] != service || w.bucketExpiryMs[i] <= atMs || w.available(i) <= 0) {
                continue;
            }
            int code = w.bucketSourceCode[i];
            if (code >= 0 && code < c.sourceCount() && !c.bucketSource(code).usable(roaming, destinationZone)) {
                continue;
            }
            int j = n++;
            while (j > 0 && before(w, i, order[j - 1])) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        return n;
    }

    private static boolean before(Wallet w, int a, int b) {
        if (w.bucketPriority[a] != w.bucketPriority[b]) {
            return w.bucketPriority[a] < w.bucketPriority[b];
        }
        if (w.bucketExpiryMs[a] != w.bucketExpiryMs[b]) {
            return w.bucketExpiryMs[a] < w.bucketExpiryMs[b];
        }
        return w.bucketId[a] < w.bucketId[b];
    }

    private void setFinalUnitAction(int pkg, QuotaResult out) {
        if (pkg >= 0 && pkg < catalogue.packageCount()) {
            PackageDef p = catalogue.pkg(pkg);
            out.finalUnitAction = p.finalUnitAction();
            out.redirectUrl = p.redirectUrl();
            out.filterId = p.filterId();
        }
    }

    /** Price from money of {@code units} starting at session position {@code offset}. */
    private static long moneyPrice(Tariff t, int rate, long offset, long units, boolean first) {
        if (units <= 0) {
            return 0;
        }
        return t.moneyPrice(rate, offset, offset + t.roundUsage(offset, units), first);
    }

    /**
     * Decides a grant without touching the wallet. Use {@link #reserve} to hold it.
     * A grant never exceeds available bucket units plus what available money can pay.
     */
    public void quota(QuotaRequest req, Wallet w, QuotaResult out) {
        out.clear();
        Outcome failed = resolve(req.packageIndex, req.addonIndices, req.addonCount, req.service,
                req.visitedMccMnc, req.calledNumber);
        out.destinationZone = destinationZone;
        out.roamingZone = roamingZone;
        setFinalUnitAction(req.packageIndex, out);
        if (failed != null) {
            out.outcome = failed;
            out.denialReason = denial;
            return;
        }
        Catalogue c = catalogue;
        Tariff t = c.tariff(tariffIndex);
        out.ratedPackage = ratedPackage;
        out.tariffIndex = tariffIndex;
        int service = req.service;
        long now = req.nowMs;
        long week = c.clock().weekMs(now);
        long toChange = t.msToNextChange(week);
        if (toChange < 1000) {
            // Within a second of a change: rate in the coming band, capped at the one after.
            now += toChange;
            week = c.clock().weekMs(now);
            toChange = t.msToNextChange(week);
            if (toChange != Long.MAX_VALUE) {
                toChange += now - req.nowMs;
            }
        }
        int rate = t.rateIndexAt(week);
        out.rateIndex = rate;
        long requested = req.requestedUnits > 0 ? req.requestedUnits : c.defaultQuota(service);
        boolean capped = toChange != Long.MAX_VALUE;
        if (capped && c.unitKind(service) == ServiceKind.SECONDS) {
            requested = Math.min(requested, Math.max(1, toChange / 1000));
        }
        // Buckets first (raw units), then money for the rest on the increment grid that starts
        // where the buckets end: exactly what charge() will debit for the granted units.
        // A free band (night data) spends no allowance.
        int n = t.rate(rate).free() ? 0 : eligibleBuckets(w, service, req.nowMs);
        long bucketAvail = 0;
        for (int k = 0; k < n; k++) {
            bucketAvail += w.available(order[k]);
        }
        long bucketUnits = Math.min(bucketAvail, requested);
        long left = requested - bucketUnits;
        long availMoney = w.availableMoney();
        boolean first = req.sessionUnitsBefore == 0;
        long offset = Math.addExact(req.sessionUnitsBefore, bucketUnits);
        long money = 0;
        long price = 0;
        if (left > 0) {
            long full = moneyPrice(t, rate, offset, left, first);
            if (full <= availMoney) {
                money = left;
                price = full;
            } else {
                // The price only steps at increment-grid points, so the largest affordable amount is
                // a grid point: binary search over the number of increments, not over units.
                long inc = t.incrementUnits();
                long firstLeft = t.firstIncrementUnits() > 0 && offset < t.firstIncrementUnits()
                        ? t.firstIncrementUnits() - offset : 0;
                long lo = 0;
                long hi = firstLeft > 0 ? (left <= firstLeft ? 0 : 1 + (left - firstLeft - 1) / inc) : (left - 1) / inc;
                while (lo < hi) {
                    long mid = lo + (hi - lo + 1) / 2;
                    if (moneyPrice(t, rate, offset, gridUnits(mid, firstLeft, inc), first) <= availMoney) {
                        lo = mid;
                    } else {
                        hi = mid - 1;
                    }
                }
                money = gridUnits(lo, firstLeft, inc);
                price = moneyPrice(t, rate, offset, money, first);
            }
        }
        // Hold what charge() will take from buckets: the grant rounded up, as far as buckets reach.
        long toHold = Math.min(bucketAvail, t.roundUsage(req.sessionUnitsBefore, bucketUnits + money));
        long minExpiry = Long.MAX_VALUE;
        for (int k = 0; k < n && toHold > 0; k++) {
            int i = order[k];
            long take = Math.min(w.available(i), toHold);
            out.reservedBucketId[out.reservationCount] = w.bucketId[i];
            out.reservedBucketUnits[out.reservationCount] = take;
            out.reservationCount++;
            toHold -= take;
            minExpiry = Math.min(minExpiry, w.bucketExpiryMs[i]);
        }
        long bucketLeftAfter = bucketAvail - out.bucketUnits();
        long granted = bucketUnits + money;
        out.moneyUnits = money;
        out.reservedMicros = price;
        out.priceMicros = price;
        out.grantedUnits = granted;
        if (granted == 0) {
            out.outcome = Outcome.OUT_OF_CREDIT;
            out.finalUnits = true;
            return;
        }
        out.outcome = Outcome.GRANTED;
        long rounded = t.roundUsage(req.sessionUnitsBefore, granted);
        out.costMicros = t.rate(rate).cost(req.sessionUnitsBefore, req.sessionUnitsBefore + rounded);
        // Final units: no bucket units left and not even one more increment affordable.
        if (bucketLeftAfter == 0) {
            long next = moneyPrice(t, rate, offset, money + t.incrementUnits(), first);
            out.finalUnits = next > availMoney;
        }
        long threshold = c.quotaThreshold(service);
        out.quotaThresholdUnits = threshold > 0 && threshold < granted ? threshold : 0;
        long validityMs = c.validityTimeSeconds(service) * 1000L;
        if (capped && (validityMs == 0 || toChange <= validityMs)) {
            out.tariffChangeMs = req.nowMs + toChange;
            validityMs = toChange;
        }
        if (minExpiry != Long.MAX_VALUE && (validityMs == 0 || minExpiry - req.nowMs < validityMs)) {
            validityMs = minExpiry - req.nowMs;
        }
        out.validityTimeSeconds = validityMs == 0 ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, validityMs / 1000));
    }

    /** Units covered by {@code k} increments when the first {@code firstLeft} units are one block. */
    private static long gridUnits(long k, long firstLeft, long inc) {
        if (k == 0) {
            return 0;
        }
        return firstLeft > 0 ? firstLeft + (k - 1) * inc : k * inc;
    }

    /** Holds a grant on the wallet: bucket units and money become reserved. */
    public void reserve(QuotaResult grant, Wallet w) {
        if (grant.outcome != Outcome.GRANTED) {
            return;
        }
        for (int k = 0; k < grant.reservationCount; k++) {
            int i = w.indexOfBucket(grant.reservedBucketId[k]);
            if (i >= 0) {
                w.bucketReserved[i] = Math.addExact(w.bucketReserved[i], grant.reservedBucketUnits[k]);
            }
        }
        w.reservedMicros = Math.addExact(w.reservedMicros, grant.reservedMicros);
    }

    /** Gives a held grant back (before charging what was used, or on session timeout). */
    public void release(QuotaResult grant, Wallet w) {
        if (grant.outcome != Outcome.GRANTED) {
            return;
        }
        for (int k = 0; k < grant.reservationCount; k++) {
            int i = w.indexOfBucket(grant.reservedBucketId[k]);
            if (i >= 0) {
                w.bucketReserved[i] = Math.max(0, w.bucketReserved[i] - grant.reservedBucketUnits[k]);
            }
        }
        w.reservedMicros = Math.max(0, w.reservedMicros - grant.reservedMicros);
    }

    /**
     * Prices used units and applies the debit: buckets first (their available units), then the
     * money no reservation holds, down to zero; what that money cannot cover is reported as
     * {@code uncollectedMicros}. Usage beyond any grant is charged all the same, but never from money
     * another session holds: what was granted stays payable (no over-grant). Release the session's
     * own reservation before calling this.
     */
    public void charge(ChargeRequest req, Wallet w, ChargeResult out) {
        price(req, w, out, true);
    }

    /** Price enquiry: what {@link #charge} would do with this wallet, without changing it. */
    public void enquire(ChargeRequest req, Wallet w, ChargeResult out) {
        price(req, w, out, false);
    }

    /** List price: the usage priced entirely from money, ignoring any balance. */
    public void listPrice(ChargeRequest req, ChargeResult out) {
        listPriceWallet.bucketCount = 0;
        listPriceWallet.reservedMicros = 0;
        listPriceWallet.moneyMicros = Long.MAX_VALUE / 4;
        price(req, listPriceWallet, out, false);
    }

    /** Balance check: can the wallet pay this usage in full from buckets and available money? */
    public boolean canPay(ChargeRequest req, Wallet w, ChargeResult scratch) {
        price(req, w, scratch, false);
        return scratch.outcome == Outcome.CHARGED && scratch.priceMicros <= w.availableMoney();
    }

    private void price(ChargeRequest req, Wallet w, ChargeResult out, boolean apply) {
        out.clear();
        out.catalogue = catalogue;
        out.service = req.service;
        out.usedUnits = req.usedUnits;
        Outcome failed = resolve(req.packageIndex, req.addonIndices, req.addonCount, req.service,
                req.visitedMccMnc, req.calledNumber);
        out.destinationZone = destinationZone;
        out.roamingZone = roamingZone;
        if (failed == null && req.usedUnits < 0) {
            failed = Outcome.INVALID_REQUEST;
        }
        if (failed != null) {
            out.outcome = failed;
            out.denialReason = denial;
            return;
        }
        Catalogue c = catalogue;
        Tariff t = c.tariff(tariffIndex);
        out.ratedPackage = ratedPackage;
        out.tariffIndex = tariffIndex;
        long before = req.sessionUnitsBefore;
        boolean first = before == 0;
        long rated = t.roundUsage(before, req.usedUnits);
        out.ratedUnits = rated;
        int rateA = t.rateIndexAt(c.clock().weekMs(req.startMs));
        int rateB = rateA;
        long split = Long.MAX_VALUE; // session position where the tariff changes, if it does
        if (req.unitsAfterTariffChange > 0 && req.tariffChangeMs > req.startMs) {
            rateB = t.rateIndexAt(c.clock().weekMs(req.tariffChangeMs));
            split = before + Math.max(0, req.usedUnits - req.unitsAfterTariffChange);
            out.rateIndexAfterChange = rateB;
        }
        out.rateIndex = rateA;
        // Buckets pay the rounded usage while they last (a bucket that runs out inside an
        // increment absorbs the rest of it); money pays the remaining raw usage, rounded on the
        // increment grid that starts where the buckets ended.
        boolean free = t.rate(rateA).free() && t.rate(rateB).free();
        int n = free ? 0 : eligibleBuckets(w, req.service, req.startMs);
        long left = rated;
        for (int k = 0; k < n && left > 0; k++) {
            int i = order[k];
            long take = Math.min(w.available(i), left);
            out.debitBucketId[out.debitCount] = w.bucketId[i];
            out.debitUnits[out.debitCount] = take;
            out.debitSourceCode[out.debitCount] = w.bucketSourceCode[i];
            out.debitCount++;
            left -= take;
            if (apply) {
                w.bucketRemaining[i] -= take;
            }
        }
        long bucketUnits = rated - left;
        long moneyRaw = Math.max(0, req.usedUnits - bucketUnits);
        long money = moneyRaw == 0 ? 0 : t.roundUsage(before + bucketUnits, moneyRaw);
        rated = bucketUnits + money;
        out.ratedUnits = rated;
        out.moneyUnits = money;
        long from = before + bucketUnits;
        long to = before + rated;
        long price = 0;
        if (money > 0) {
            long raw = Math.addExact(t.rate(rateA).retail(from, Math.max(from, Math.min(to, split))),
                    t.rate(rateB).retail(Math.max(from, split), to));
            out.rawRetailMicros = raw;
            out.minimumApplied = first && raw < t.minimumChargeMicros();
            out.connectionFeeApplied = first && t.connectionFeeMicros() > 0;
            price = t.finish(raw, first);
        }
        out.priceMicros = price;
        out.costMicros = Math.addExact(t.rate(rateA).cost(before, Math.min(to, split)),
                t.rate(rateB).cost(Math.min(to, split), to));
        long collected = Math.min(price, w.availableMoney());
        out.moneyDebitedMicros = collected;
        out.uncollectedMicros = price - collected;
        if (apply) {
            w.moneyMicros -= collected;
        }
        out.applied = apply;
        out.outcome = Outcome.CHARGED;
    }

    /**
     * Reverses an applied charge: money back to the balance, units back to the buckets that still
     * exist. @return units that could not be returned because their bucket is gone
     */
    public long refund(ChargeResult charged, Wallet w) {
        if (charged.outcome != Outcome.CHARGED || !charged.applied) {
            return 0;
        }
        long lost = 0;
        for (int k = 0; k < charged.debitCount; k++) {
            int i = w.indexOfBucket(charged.debitBucketId[k]);
            if (i >= 0) {
                w.bucketRemaining[i] = Math.addExact(w.bucketRemaining[i], charged.debitUnits[k]);
            } else {
                lost += charged.debitUnits[k];
            }
        }
        w.moneyMicros = Math.addExact(w.moneyMicros, charged.moneyDebitedMicros);
        charged.applied = false;
        return lost;
    }

    /** Tells whether bucket source {@code code} may pay at this roaming zone and destination. */
    public boolean sourceUsable(int code, int roamingZone, int destinationZone) {
        if (code < 0 || code >= catalogue.sourceCount()) {
            return true;
        }
        BucketSource s = catalogue.bucketSource(code);
        return s.usable(roamingZone >= 0, destinationZone);
    }
}
