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
 *
 * <p>A session (one call, one data session, per rating group) is rated as one piece however it is
 * reported. Its position, which the engine keeps and passes back with each request, is: raw units
 * used, the position on the increment grid already rated (at least the units used), the raw
 * retail of its money-paid units and what money charges took. A report of U units first uses the
 * rated slack above the used units (paid by an earlier report's rounding, no charge), then
 * buckets (raw units), then money, rounded up on the grid continuing from the rated position. The
 * minimum charge, {@code roundPriceTo} and the connection fee apply to the session's cumulative
 * money part; each report takes the difference from what was already taken. Wholesale cost is
 * counted on the grid of all units used: grid(used after) minus grid(used before).
 */
public final class Rater {

    /**
     * A grant's Validity-Time ends at least this long before the next tariff change, so that a
     * network element that re-authorises exactly when the Validity-Time runs out (RFC 4006 §8.33)
     * does so before the boundary, not a fraction of a second after it. Tariff-Time-Change still
     * reports the boundary itself.
     */
    public static final long TARIFF_CHANGE_GUARD_MS = 1000;

    /**
     * A request (or a usage report whose grant was made) this close before a tariff change is
     * rated in the coming band: the guard plus the shortest Validity-Time there is (1 s) would not
     * fit before the boundary.
     */
    public static final long RATE_IN_COMING_BAND_MS = TARIFF_CHANGE_GUARD_MS + 1000;

    private final Catalogue catalogue;
    private final int[] order = new int[Wallet.MAX_BUCKETS];
    /** Units taken from each wallet bucket (by wallet index) during one charge. */
    private final long[] taken = new long[Wallet.MAX_BUCKETS];
    private final Wallet listPriceWallet = new Wallet();

    // resolution scratch, valid after resolve()
    private int ratedPackage;
    private int ratedService;
    private int tariffIndex;
    private int destinationZone;
    private int roamingZone;
    private DenialReason denial;

    // session position while one charge is rated
    private long posUsed;
    private long posRated;

    public Rater(Catalogue catalogue) {
        this.catalogue = catalogue;
        this.listPriceWallet.moneyMicros = Long.MAX_VALUE / 4;
    }

    public Catalogue catalogue() {
        return catalogue;
    }

    /**
     * Finds the tariff: add-ons first (in order), then the base package; when none prices the
     * service, the same for its {@code fallback} service.
     *
     * @return null on success, else the outcome to report
     */
    private Outcome resolve(int pkg, int[] addons, int addonCount, int service, int visited, CharSequence called) {
        ratedPackage = -1;
        ratedService = -1;
        tariffIndex = -1;
        destinationZone = -1;
        roamingZone = -1;
        denial = DenialReason.NONE;
        Catalogue c = catalogue;
        if (pkg < 0 || pkg >= c.packageCount()) {
            return Outcome.INVALID_REQUEST;
        }
        for (int i = 0; i < addonCount; i++) {
            if (addons[i] < 0 || addons[i] >= c.packageCount()) {
                return Outcome.INVALID_REQUEST;
            }
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
        for (int s = service; s >= 0; s = s == service ? c.fallbackService(service) : -1) {
            for (int i = 0; i < addonCount; i++) {
                int t = c.pkg(addons[i]).tariffFor(s, dest, roam);
                if (t >= 0) {
                    return resolved(addons[i], s, t);
                }
            }
            int t = c.pkg(pkg).tariffFor(s, dest, roam);
            if (t >= 0) {
                return resolved(pkg, s, t);
            }
        }
        if (roam >= 0) {
            denial = DenialReason.ROAMING_NOT_ALLOWED;
            return Outcome.DENIED;
        }
        return Outcome.NO_TARIFF;
    }

    private Outcome resolved(int pkg, int service, int tariff) {
        ratedPackage = pkg;
        ratedService = service;
        tariffIndex = tariff;
        return null;
    }

    /**
     * Rate in force at {@code ms}; within {@link #RATE_IN_COMING_BAND_MS} before a change, the
     * coming one (quota and charge agree, so a grant is charged at the band that reserved it).
     */
    private int rateAt(Tariff t, long ms) {
        long week = catalogue.clock().weekMs(ms);
        long toChange = t.msToNextChange(week);
        if (toChange < RATE_IN_COMING_BAND_MS) {
            week = catalogue.clock().weekMs(ms + toChange);
        }
        return t.rateIndexAt(week);
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

    private void setFinalUnitAction(int pkg, int service, QuotaResult out) {
        if (pkg >= 0 && pkg < catalogue.packageCount()) {
            PackageDef p = catalogue.pkg(pkg);
            out.finalUnitAction = p.finalUnitAction(service);
            out.redirectUrl = p.redirectUrl(service);
            out.filterId = p.filterId(service);
        }
    }

    /**
     * What money pays for {@code units} more units starting at grid position {@code from}: the
     * units rounded up on the grid from there, priced, and the session's money part finished
     * again; minus what the session's money charges already took.
     */
    private static long moneyDelta(Tariff t, int rate, long from, long units, long moneyRawBefore,
                                   long moneyBefore) {
        if (units <= 0) {
            return 0;
        }
        long raw = t.rate(rate).retail(from, Math.addExact(from, t.roundUsage(from, units)));
        return Math.max(0, t.sessionMoneyPrice(Math.addExact(moneyRawBefore, raw)) - moneyBefore);
    }

    /**
     * Decides a grant without touching the wallet. Use {@link #reserve} to hold it.
     * A grant never exceeds the session's paid slack plus available bucket units plus what
     * available money can pay; the money it reserves is exactly what {@link #charge} takes when
     * all granted units are reported against it (with {@code startMs} = this request's
     * {@code nowMs} and the same session position).
     */
    public void quota(QuotaRequest req, Wallet w, QuotaResult out) {
        out.clear();
        Outcome failed = resolve(req.packageIndex, req.addonIndices, req.addonCount, req.service,
                req.visitedMccMnc, req.calledNumber);
        out.destinationZone = destinationZone;
        out.roamingZone = roamingZone;
        setFinalUnitAction(req.packageIndex, req.service, out);
        if (failed != null) {
            out.outcome = failed;
            out.denialReason = denial;
            return;
        }
        Catalogue c = catalogue;
        Tariff t = c.tariff(tariffIndex);
        out.ratedPackage = ratedPackage;
        out.ratedService = ratedService;
        out.tariffIndex = tariffIndex;
        int service = req.service;
        long toChange = t.msToNextChange(c.clock().weekMs(req.nowMs));
        if (toChange < RATE_IN_COMING_BAND_MS) {
            // Too close to a change for a Validity-Time to end a guard before it: rate in the
            // coming band, capped at the change after.
            long at = req.nowMs + toChange;
            long next = t.msToNextChange(c.clock().weekMs(at));
            toChange = next == Long.MAX_VALUE ? next : next + toChange;
        }
        int rate = rateAt(t, req.nowMs);
        out.rateIndex = rate;
        long requested = req.requestedUnits > 0 ? req.requestedUnits : c.defaultQuota(service);
        boolean capped = toChange != Long.MAX_VALUE;
        if (capped && c.unitKind(service) == ServiceKind.SECONDS) {
            // call time beyond the change would be priced at this band: stop the grant there
            requested = Math.min(requested, Math.max(1, toChange / 1000));
        }
        // The session's paid slack first, then buckets (raw units), then money on the increment
        // grid from where the buckets end: exactly what charge() does with the granted units.
        // A free band (night data) spends no allowance.
        long usedBefore = Math.max(0, req.sessionUnitsBefore);
        long ratedBefore = Math.max(usedBefore, req.sessionRatedBefore);
        long moneyRawBefore = Math.max(0, req.sessionMoneyRawMicrosBefore);
        long moneyBefore = Math.max(0, req.sessionMoneyMicrosBefore);
        long slack = Math.min(requested, ratedBefore - usedBefore);
        long rest = requested - slack;
        int n = t.rate(rate).free() ? 0 : eligibleBuckets(w, ratedService, req.nowMs);
        long bucketAvail = 0;
        for (int k = 0; k < n; k++) {
            bucketAvail += w.available(order[k]);
        }
        long bucketUnits = Math.min(bucketAvail, rest);
        long left = rest - bucketUnits;
        long from = ratedBefore + bucketUnits;
        long availMoney = w.availableMoney();
        long money = 0;
        long price = 0;
        if (left > 0) {
            long full = moneyDelta(t, rate, from, left, moneyRawBefore, moneyBefore);
            if (full <= availMoney) {
                money = left;
                price = full;
            } else {
                // The price only steps at increment-grid points, so the largest affordable amount is
                // a grid point: binary search over the number of increments, not over units.
                long inc = t.incrementUnits();
                long firstLeft = t.firstIncrementUnits() > 0 && from < t.firstIncrementUnits()
                        ? t.firstIncrementUnits() - from : 0;
                long lo = 0;
                long hi = firstLeft > 0 ? (left <= firstLeft ? 0 : 1 + (left - firstLeft - 1) / inc) : (left - 1) / inc;
                while (lo < hi) {
                    long mid = lo + (hi - lo + 1) / 2;
                    if (moneyDelta(t, rate, from, gridUnits(mid, firstLeft, inc), moneyRawBefore, moneyBefore)
                            <= availMoney) {
                        lo = mid;
                    } else {
                        hi = mid - 1;
                    }
                }
                money = gridUnits(lo, firstLeft, inc);
                price = moneyDelta(t, rate, from, money, moneyRawBefore, moneyBefore);
            }
        }
        // Hold the raw bucket units the grant uses: an allowance is spent to the unit.
        long toHold = bucketUnits;
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
        long granted = slack + bucketUnits + money;
        out.slackUnits = slack;
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
        out.costMicros = t.rate(rate).cost(t.gridUnits(usedBefore), t.gridUnits(Math.addExact(usedBefore, granted)));
        // Final units: no bucket units left and not even one more increment affordable.
        if (bucketAvail == bucketUnits) {
            long next = moneyDelta(t, rate, from, money + t.incrementUnits(), moneyRawBefore, moneyBefore);
            out.finalUnits = next > availMoney;
        }
        long threshold = c.quotaThreshold(service);
        out.quotaThresholdUnits = threshold > 0 && threshold < granted ? threshold : 0;
        long validityMs = c.validityTimeSeconds(service) * 1000L;
        if (capped && (validityMs == 0 || toChange - TARIFF_CHANGE_GUARD_MS <= validityMs)) {
            out.tariffChangeMs = req.nowMs + toChange;
            validityMs = toChange - TARIFF_CHANGE_GUARD_MS; // at least 1 s, see RATE_IN_COMING_BAND_MS
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
        long usedBefore = Math.max(0, req.sessionUnitsBefore);
        long ratedBefore = Math.max(usedBefore, req.sessionRatedBefore);
        long moneyRawBefore = Math.max(0, req.sessionMoneyRawMicrosBefore);
        long moneyBefore = Math.max(0, req.sessionMoneyMicrosBefore);
        out.sessionUnitsAfter = usedBefore;
        out.sessionRatedAfter = ratedBefore;
        out.sessionMoneyRawMicrosAfter = moneyRawBefore;
        out.sessionMoneyMicrosAfter = moneyBefore;
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
        out.ratedService = ratedService;
        out.tariffIndex = tariffIndex;
        // A report split at a Tariff-Time-Change (RFC 4006 §8.20) is rated as two reports in a row:
        // the units before the change at the band of startMs, the rest at the band of the change,
        // on the same grid and session totals.
        int rateA = rateAt(t, req.startMs);
        int rateB = rateA;
        long unitsB = 0;
        if (req.unitsAfterTariffChange > 0 && req.tariffChangeMs > req.startMs) {
            rateB = rateAt(t, req.tariffChangeMs);
            unitsB = Math.min(req.usedUnits, req.unitsAfterTariffChange);
            out.rateIndexAfterChange = rateB;
        }
        long unitsA = req.usedUnits - unitsB;
        out.rateIndex = rateA;
        int n = eligibleBuckets(w, ratedService, req.startMs);
        for (int k = 0; k < n; k++) {
            taken[order[k]] = 0;
        }
        posUsed = usedBefore;
        posRated = ratedBefore;
        rateUnits(t, rateA, unitsA, w, n, out);
        rateUnits(t, rateB, unitsB, w, n, out);
        out.ratedUnits = posRated - ratedBefore;
        out.sessionUnitsAfter = posUsed;
        out.sessionRatedAfter = posRated;
        long price = 0;
        if (out.moneyUnits > 0) {
            long raw = Math.addExact(moneyRawBefore, out.rawRetailMicros);
            long finished = Math.max(moneyBefore, t.sessionMoneyPrice(raw));
            price = finished - moneyBefore;
            out.minimumApplied = raw < t.minimumChargeMicros();
            out.connectionFeeApplied = moneyBefore == 0 && moneyRawBefore == 0 && t.connectionFeeMicros() > 0;
            out.sessionMoneyRawMicrosAfter = raw;
            out.sessionMoneyMicrosAfter = finished;
        }
        out.priceMicros = price;
        // Wholesale: the grid of all units used, from the session's start, whoever pays.
        long gridA = t.gridUnits(usedBefore);
        long gridSplit = t.gridUnits(usedBefore + unitsA);
        long gridB = t.gridUnits(posUsed);
        out.costMicros = Math.addExact(t.rate(rateA).cost(gridA, gridSplit), t.rate(rateB).cost(gridSplit, gridB));
        long collected = Math.min(price, w.availableMoney());
        out.moneyDebitedMicros = collected;
        out.uncollectedMicros = price - collected;
        if (apply) {
            for (int k = 0; k < out.debitCount; k++) {
                int i = w.indexOfBucket(out.debitBucketId[k]);
                w.bucketRemaining[i] -= out.debitUnits[k];
            }
            w.moneyMicros -= collected;
        }
        out.applied = apply;
        out.outcome = Outcome.CHARGED;
    }

    /**
     * Rates {@code units} more used units at rate {@code rate} from the session position
     * ({@link #posUsed}, {@link #posRated}): the rated slack first (already paid), then the
     * eligible buckets ({@link #order}, {@code n} of them; not in a free band), raw, then money
     * rounded up on the grid from where the buckets ended. Adds to {@code out}'s debits, money
     * units and raw retail; applies nothing.
     */
    private void rateUnits(Tariff t, int rate, long units, Wallet w, int n, ChargeResult out) {
        if (units <= 0) {
            return;
        }
        long slack = Math.min(units, posRated - posUsed);
        out.slackUnits += slack;
        posUsed = Math.addExact(posUsed, units);
        long rest = units - slack;
        Tariff.Rate r = t.rate(rate);
        for (int k = 0; k < n && rest > 0 && !r.free(); k++) {
            int i = order[k];
            long take = Math.min(w.available(i) - taken[i], rest);
            if (take > 0) {
                taken[i] += take;
                debit(out, w, i, take);
                rest -= take;
                posRated += take;
            }
        }
        if (rest > 0) {
            long money = t.roundUsage(posRated, rest);
            out.moneyUnits += money;
            out.rawRetailMicros = Math.addExact(out.rawRetailMicros, r.retail(posRated, posRated + money));
            posRated += money;
        }
    }

    /** Records {@code units} from wallet bucket {@code i}, merged with an earlier debit of the same bucket. */
    private static void debit(ChargeResult out, Wallet w, int i, long units) {
        for (int k = 0; k < out.debitCount; k++) {
            if (out.debitBucketId[k] == w.bucketId[i]) {
                out.debitUnits[k] += units;
                return;
            }
        }
        out.debitBucketId[out.debitCount] = w.bucketId[i];
        out.debitUnits[out.debitCount] = units;
        out.debitSourceCode[out.debitCount] = w.bucketSourceCode[i];
        out.debitCount++;
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
