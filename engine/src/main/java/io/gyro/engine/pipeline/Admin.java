package io.gyro.engine.pipeline;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.JournalEntry;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.Subscriber;
import io.gyro.engine.store.SubscriberState;
import io.gyro.engine.store.SubscriberStore;
import io.gyro.rating.Renewal;
import io.gyro.rating.RenewalResult;
import io.gyro.rating.TopUpResult;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.money.Money;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The account operations behind the HTTP API and the demo provisioning. Every method runs on
 * the charging processor thread (inside an {@link AdminTask}), so it may write balances.
 * Inputs are validated before anything changes; refusals are {@link ApiException}s.
 */
public final class Admin {
    /**
     * How the explanation of an account's first-period record begins (FEE when charged, ADJUSTMENT when included):
     * {@code gyro audit} tells an API-created account's opening records by it.
     */
    public static final String FIRST_PERIOD = "first period";

    private Admin() {
    }

    /**
     * Creates a subscriber and its account. The opening balance is credited (a TOP_UP record),
     * then the package's first period starts: its fee is charged (a FEE record) unless
     * {@code firstPeriodIncluded}, and its allowances are created.
     */
    public static Map<String, Object> createSubscriber(ChargingState s, long msisdn, long imsi, String packageId,
                                                       long openingMicros, boolean firstPeriodIncluded, long nowMs) {
        Catalogue c = s.catalogue();
        int pkg = c.packageIndex(packageId);
        if (pkg < 0) {
            throw ApiException.badRequest("package=" + packageId + ": no such package in the catalogue");
        }
        if (c.pkg(pkg).addon()) {
            throw ApiException.badRequest("package=" + packageId + ": is an add-on, not a base package");
        }
        if (openingMicros < 0) {
            throw ApiException.badRequest("balance must not be negative");
        }
        SubscriberStore subscribers = s.stores.subscribers();
        if (subscribers.findByMsisdn(msisdn, s.subscriber)) {
            throw ApiException.conflict("msisdn=" + msisdn + ": subscriber exists");
        }
        if (subscribers.findByImsi(imsi, s.subscriber)) {
            throw ApiException.conflict("imsi=" + imsi + ": already used by msisdn " + s.subscriber.msisdn());
        }
        // checked before anything is journaled, so a refusal leaves no record
        if (s.stores.accounts().exists(msisdn)) {
            throw ApiException.conflict("account " + msisdn + " exists");
        }
        Subscriber sub = s.subscriber;
        Account account = s.account;
        openingState(c, pkg, msisdn, imsi, openingMicros, firstPeriodIncluded, nowMs, sub, account, s.wallet.clear(),
                s.records);
        if (!s.stores.accounts().create(account)) {
            throw ApiException.conflict("account " + msisdn + " exists");
        }
        SubscriberStore.Result result = subscribers.create(sub);
        if (result != SubscriberStore.Result.OK) {
            throw ApiException.conflict("msisdn=" + msisdn + ": " + result);
        }
        return subscriberView(s, sub);
    }

    /**
     * Builds a new subscriber and its account in {@code sub} and {@code account} (nothing is stored): state
     * ACTIVE, real-name verified, subscription and period starting {@code nowMs}, the opening balance, and the
     * package's first period (its allowances granted; its fee charged unless {@code firstPeriodIncluded}).
     * Every creation path uses it (the API, the demo population and {@code io.gyro.engine.bulk.BulkLoader}),
     * so a subscriber looks the same whichever way it was made.
     *
     * <p>With {@code records}, the opening balance (TOP_UP) and the first period (FEE, or ADJUSTMENT when
     * included) are journaled and the account carries the last record's seq. Without (the bulk loader's
     * default), nothing is journaled and {@code lastJournalSeq} is 0: the opening balance is then documented
     * by the loader's manifest instead of two charging records per subscriber.
     *
     * @param pkg index of a base package in {@code c}; the caller has checked it, and that
     *            {@code openingMicros >= 0}
     * @return the last journal seq written, 0 without {@code records}
     * @throws ApiException when the balance cannot pay the first fee
     */
    public static long openingState(Catalogue c, int pkg, long msisdn, long imsi, long openingMicros,
                                    boolean firstPeriodIncluded, long nowMs, Subscriber sub, Account account, Wallet w,
                                    Records records) {
        String packageId = c.packageId(pkg);
        sub.clear()
                .msisdn(msisdn).imsi(imsi).accountId(msisdn)
                .state(SubscriberState.ACTIVE).realNameVerified(true)
                .subscriptionStartMs(nowMs).periodStartMs(nowMs).createdMs(nowMs)
                .packageId(packageId);
        RenewalResult renewal = new RenewalResult();
        Renewal renewals = new Renewal(c);
        if (!firstPeriodIncluded) {
            // Refuse before anything is journaled: a refused subscriber leaves no record behind.
            Wallet dryRun = new Wallet();
            dryRun.moneyMicros = openingMicros;
            renewals.renew(pkg, nowMs, nowMs, 0, 0, dryRun, renewal);
            if (!renewal.paid) {
                throw ApiException.badRequest("balance " + Money.format(openingMicros) + " cannot pay the first fee "
                        + Money.format(renewal.feeMicros) + " of package " + packageId);
            }
        }
        w.clear();
        account.clear(msisdn);
        long seq = 0;
        if (openingMicros > 0) {
            w.moneyMicros = openingMicros;
            if (records != null) {
                seq = records.topUp(sub, openingMicros, "", w, nowMs, "opening balance");
            }
        }
        if (firstPeriodIncluded) {
            long money = w.moneyMicros;
            w.moneyMicros = Long.MAX_VALUE / 4;
            renewals.renew(pkg, nowMs, nowMs, 0, 0, w, renewal);
            w.moneyMicros = money;
            if (records != null) {
                seq = records.fee(CdrKind.ADJUSTMENT, sub, 0, w, nowMs,
                        FIRST_PERIOD + " of " + packageId + " included with the SIM; allowances granted");
            }
        } else {
            renewals.renew(pkg, nowMs, nowMs, 0, 0, w, renewal);
            if (!renewal.paid) {
                throw ApiException.badRequest("balance " + Money.format(openingMicros) + " cannot pay the first fee "
                        + Money.format(renewal.feeMicros) + " of package " + packageId);
            }
            if (records != null) {
                seq = records.fee(CdrKind.FEE, sub, renewal.feeMicros, w, nowMs, FIRST_PERIOD + " fee of " + packageId);
            }
        }
        sub.nextRenewalMs(renewal.periodEndMs).promotionsUsedMask(renewal.promotionsUsedMask);
        ChargingState.fromWallet(w, account);
        account.lastJournalSeq(seq);
        return seq;
    }

    /** Credits money once per idempotency key, with any top-up promotion bonus. */
    public static Map<String, Object> topUp(ChargingState s, long msisdn, long amountMicros, String idempotencyKey,
                                            long nowMs) {
        if (amountMicros <= 0) {
            throw ApiException.badRequest("amount must be positive");
        }
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 128) {
            throw ApiException.badRequest("idempotencyKey is required (1 to 128 characters)");
        }
        if (!wellFormedKey(idempotencyKey)) {
            // it must read back the same from the keys file and the journal (UTF-8) after a restart
            throw ApiException.badRequest("idempotencyKey must be text without control characters or unpaired "
                    + "surrogates");
        }
        TopUpKeys.TopUp earlier = s.topUpKeys.find(msisdn, idempotencyKey);
        if (earlier != null) {
            if (earlier.amountMicros() != amountMicros) {
                throw ApiException.conflict("idempotencyKey=" + idempotencyKey + ": already used with another amount");
            }
            return earlier.replayView();
        }
        Subscriber sub = findSubscriber(s, msisdn);
        if (!s.stores.accounts().read(sub.accountId(), s.account)) {
            throw ApiException.notFound("msisdn=" + msisdn + ": account missing");
        }
        Wallet w = s.wallet;
        ChargingState.toWallet(s.account, w);
        int pkg = s.packageIndex(sub);
        TopUpResult result = new TopUpResult();
        if (pkg >= 0) {
            // Each top-up promotion applies once per subscriber: the used ones are remembered.
            new Renewal(s.catalogue()).onTopUp(amountMicros, pkg, nowMs, sub.promotionsUsedMask(), w, result);
        } else {
            w.moneyMicros = Math.addExact(w.moneyMicros, amountMicros);
        }
        long seq = s.records.topUp(sub, amountMicros, idempotencyKey, w, nowMs,
                result.bonusCount > 0 ? "top-up with promotion bonus buckets" : "top-up");
        try {
            // Right after the record (the commit point), before the map writes: if one of them fails, a retry
            // is answered from the key instead of crediting again, and the held checkpoint makes the next start
            // roll the record forward. See TopUpKeys.
            s.topUpKeys.remember(msisdn, idempotencyKey, amountMicros, seq);
        } catch (RuntimeException e) {
            // Remembered in memory only: keep this record after the checkpoint for the rest of the run, so the
            // next start reads it from the journal's tail and remembers the key again.
            s.records.holdCheckpoint(seq - 1);
            throw e;
        }
        ChargingState.fromWallet(w, s.account);
        s.account.lastJournalSeq(seq);
        s.stores.accounts().write(s.account);
        if (result.promotionsUsedMask != sub.promotionsUsedMask() && pkg >= 0) {
            sub.promotionsUsedMask(result.promotionsUsedMask);
            s.stores.subscribers().update(sub);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("msisdn", msisdn);
        out.put("amount", Money.format(amountMicros));
        out.put("amountMicros", amountMicros);
        out.put("bonusBuckets", result.bonusCount);
        out.put("balance", Money.format(w.moneyMicros));
        out.put("recordSeq", seq);
        return out;
    }

    public static Subscriber findSubscriber(ChargingState s, long msisdn) {
        if (!s.stores.subscribers().findByMsisdn(msisdn, s.subscriber)) {
            throw ApiException.notFound("msisdn=" + msisdn + ": no such subscriber");
        }
        return s.subscriber;
    }

    public static Map<String, Object> subscriberView(ChargingState s, Subscriber sub) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("msisdn", sub.msisdn());
        out.put("imsi", sub.imsi());
        out.put("accountId", sub.accountId());
        out.put("package", sub.packageId());
        List<String> addOns = new ArrayList<>();
        for (int i = 0; i < sub.addOnCount(); i++) {
            addOns.add(sub.addOn(i));
        }
        out.put("addOns", addOns);
        out.put("state", sub.state().name());
        out.put("realNameVerified", sub.realNameVerified());
        out.put("periodStart", Instant.ofEpochMilli(sub.periodStartMs()).toString());
        out.put("nextRenewal", Instant.ofEpochMilli(sub.nextRenewalMs()).toString());
        return out;
    }

    /** Money, each bucket with expiry, open reservations. */
    public static Map<String, Object> balance(ChargingState s, long msisdn, long nowMs) {
        Subscriber sub = findSubscriber(s, msisdn);
        if (!s.stores.accounts().read(sub.accountId(), s.account)) {
            throw ApiException.notFound("msisdn=" + msisdn + ": account missing");
        }
        Account a = s.account;
        Catalogue c = s.catalogue();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("msisdn", msisdn);
        out.put("currency", c.currency());
        out.put("money", Money.format(a.moneyMicros()));
        out.put("moneyMicros", a.moneyMicros());
        out.put("reserved", Money.format(a.reservedMicros()));
        out.put("reservedMicros", a.reservedMicros());
        out.put("available", Money.format(Math.max(0, a.moneyMicros() - a.reservedMicros())));
        List<Map<String, Object>> buckets = new ArrayList<>();
        for (int i = 0; i < a.bucketCount(); i++) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("id", a.bucketId(i));
            int service = a.service(i);
            b.put("service", service >= 0 && service < c.serviceCount() ? c.serviceName(service) : String.valueOf(service));
            b.put("unit", service >= 0 && service < c.serviceCount() ? c.unitKind(service).name() : "?");
            b.put("remaining", a.remainingUnits(i));
            b.put("reserved", a.reservedUnits(i));
            b.put("expires", Instant.ofEpochMilli(a.expiryMs(i)).toString());
            b.put("expired", a.expiryMs(i) <= nowMs);
            int code = a.sourceCode(i);
            if (code >= 0 && code < c.sourceCount()) {
                b.put("source", c.bucketSource(code).label());
            }
            buckets.add(b);
        }
        out.put("buckets", buckets);
        out.put("lastRecordSeq", a.lastJournalSeq());
        return out;
    }

    /** Changes state (suspend, bar, reactivate) or real-name verification. */
    public static Map<String, Object> setState(ChargingState s, long msisdn, SubscriberState state, Boolean verified) {
        Subscriber sub = findSubscriber(s, msisdn);
        if (state != null) {
            sub.state(state);
        }
        if (verified != null) {
            sub.realNameVerified(verified);
            if (verified && sub.state() == SubscriberState.AWAITING_REAL_NAME) {
                sub.state(SubscriberState.ACTIVE);
            }
        }
        s.stores.subscribers().update(sub);
        return subscriberView(s, sub);
    }

    /** Moves the subscriber to another base package from the next period on (allowances then). */
    public static Map<String, Object> changePackage(ChargingState s, long msisdn, String packageId) {
        Catalogue c = s.catalogue();
        int pkg = c.packageIndex(packageId);
        if (pkg < 0 || c.pkg(pkg).addon()) {
            throw ApiException.badRequest("package=" + packageId + ": no such base package in the catalogue");
        }
        Subscriber sub = findSubscriber(s, msisdn);
        sub.packageId(packageId);
        s.stores.subscribers().update(sub);
        return subscriberView(s, sub);
    }

    /**
     * Buys an add-on pack (e.g. the roaming add-on) on top of the base package: its fee is paid
     * from available money now and its allowances are created until the pack's period ends.
     */
    public static Map<String, Object> buyAddOn(ChargingState s, long msisdn, String packageId, long nowMs) {
        Catalogue c = s.catalogue();
        int pkg = c.packageIndex(packageId);
        if (pkg < 0 || !c.pkg(pkg).addon()) {
            throw ApiException.badRequest("package=" + packageId + ": no such add-on in the catalogue");
        }
        Subscriber sub = findSubscriber(s, msisdn);
        if (sub.state() != SubscriberState.ACTIVE) {
            throw ApiException.conflict("msisdn=" + msisdn + ": subscriber is " + sub.state());
        }
        for (int i = 0; i < sub.addOnCount(); i++) {
            if (sub.addOnEquals(i, packageId)) {
                throw ApiException.conflict("msisdn=" + msisdn + ": already has add-on " + packageId);
            }
        }
        if (sub.addOnCount() >= Subscriber.MAX_ADD_ONS) {
            throw ApiException.conflict("msisdn=" + msisdn + ": at most " + Subscriber.MAX_ADD_ONS + " add-ons");
        }
        if (!s.stores.accounts().read(sub.accountId(), s.account)) {
            throw ApiException.notFound("msisdn=" + msisdn + ": account missing");
        }
        Wallet w = s.wallet;
        ChargingState.toWallet(s.account, w);
        RenewalResult result = new RenewalResult();
        new Renewal(c).renew(pkg, nowMs, nowMs, 0, -1L, w, result);
        if (!result.paid) {
            throw ApiException.conflict("balance " + Money.format(w.availableMoney()) + " cannot pay the add-on fee "
                    + Money.format(result.feeMicros));
        }
        if (result.bucketsNotCreated > 0) {
            throw ApiException.conflict("msisdn=" + msisdn + ": the account has no room for the add-on's buckets");
        }
        long seq = s.records.fee(CdrKind.FEE, sub, result.feeMicros, w, nowMs, "add-on " + packageId + " bought");
        ChargingState.fromWallet(w, s.account);
        s.account.lastJournalSeq(seq);
        s.stores.accounts().write(s.account);
        sub.addAddOn(packageId);
        s.stores.subscribers().update(sub);
        Map<String, Object> out = subscriberView(s, sub);
        out.put("addOnFee", Money.format(result.feeMicros));
        out.put("addOnExpires", Instant.ofEpochMilli(result.periodEndMs).toString());
        return out;
    }

    /**
     * What a records or usage query takes from the charging thread before it reads the files elsewhere: the subscriber
     * checked (404 when unknown), the seq of the last record written so far (every answered request's is at or below
     * it: the query waits for the export to reach it, so it sees them all) and the catalogue naming the services.
     */
    public record QueryStart(long lastSeq, Catalogue catalogue) {
    }

    /** On the charging thread: a few field reads, no file. */
    public static QueryStart queryStart(ChargingState s, long msisdn) {
        findSubscriber(s, msisdn);
        return new QueryStart(s.records.lastSeq(), s.catalogue());
    }

    /** Units and money per service and record kind in [from, to), from the charging records. */
    public static Map<String, Object> usage(ChargingState s, long msisdn, long fromMs, long toMs) {
        return usage(records(s, msisdn, fromMs, toMs, 1_000_000), s.catalogue(), msisdn, fromMs, toMs);
    }

    /** As {@link #usage(ChargingState, long, long, long)}, from records read beforehand (any thread). */
    public static Map<String, Object> usage(List<JournalEntry> entries, Catalogue c, long msisdn, long fromMs, long toMs) {
        Map<String, Map<String, Object>> byService = new LinkedHashMap<>();
        long money = 0;
        long wholesale = 0;
        for (JournalEntry e : entries) {
            if (e.kind == CdrKind.SESSION_INTERIM || e.kind == CdrKind.SESSION_END || e.kind == CdrKind.EVENT) {
                String name = e.service >= 0 && e.service < c.serviceCount() ? c.serviceName(e.service) : "service " + e.service;
                Map<String, Object> row = byService.computeIfAbsent(name, k -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("units", 0L);
                    m.put("chargedMicros", 0L);
                    m.put("records", 0L);
                    return m;
                });
                row.put("units", (Long) row.get("units") + e.units);
                row.put("chargedMicros", (Long) row.get("chargedMicros") + e.retailMicros);
                row.put("records", (Long) row.get("records") + 1);
                money += e.retailMicros;
                wholesale += e.wholesaleMicros;
            }
        }
        for (Map<String, Object> row : byService.values()) {
            row.put("charged", Money.format((Long) row.get("chargedMicros")));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("msisdn", msisdn);
        out.put("from", Instant.ofEpochMilli(fromMs).toString());
        out.put("to", toMs == Long.MAX_VALUE ? null : Instant.ofEpochMilli(toMs).toString());
        out.put("services", byService);
        out.put("usageCharged", Money.format(money));
        out.put("wholesaleCost", Money.format(wholesale));
        return out;
    }

    /** How long a records or usage query waits for the CDR export to catch up with the write-ahead log. */
    public static final long EXPORT_WAIT_MS = 5_000;

    /**
     * Charging records of a subscriber in [from, to). Reads the journal files (not the hot path), after waiting
     * (at most {@value #EXPORT_WAIT_MS} ms) for the export of every record the write-ahead log holds.
     */
    public static List<JournalEntry> records(ChargingState s, long msisdn, long fromMs, long toMs, int limit) {
        findSubscriber(s, msisdn);
        if (!s.records.awaitExport(EXPORT_WAIT_MS)) {
            throw ApiException.unavailable("the CDR export is behind the write-ahead log (last seq "
                    + s.records.lastSeq() + ") by more than " + EXPORT_WAIT_MS + " ms; try again");
        }
        try {
            return s.records.journal().read(msisdn, fromMs, toMs, limit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the catalogue after validating it, on the processor thread between two requests.
     * Buckets remember which allowance or promotion made them by a code that is a position in the
     * catalogue, so every account's codes are remapped by the source's key; a new catalogue that
     * drops a source some account still holds is refused, and the current one stays.
     */
    public static Map<String, Object> reloadCatalogue(ChargingState s, java.nio.file.Path file, long nowMs) {
        return reloadCatalogue(s, file, io.gyro.rating.catalogue.CatalogueLoader.load(file), nowMs);
    }

    /** Swaps in a catalogue read and checked beforehand (off this thread) from {@code file}. */
    public static Map<String, Object> reloadCatalogue(ChargingState s, java.nio.file.Path file,
                                                      io.gyro.rating.catalogue.CatalogueLoadResult result, long nowMs) {
        if (!result.ok()) {
            throw new CatalogueRejected(result.problems().stream().map(Object::toString).toList());
        }
        List<String> warnings = result.warnings().stream().map(Object::toString).toList();
        if (s.catalogueStrict() && !warnings.isEmpty()) {
            // Rates below their wholesale cost without a belowCost: reason (config/CATALOGUE.md): refused here.
            throw new CatalogueRejected(warnings.stream().map(w -> w + " (an error with catalogueStrict=true)")
                    .toList());
        }
        Catalogue old = s.catalogue();
        Catalogue next = result.catalogue();
        List<String> moved = ServiceOrder.problems(ServiceOrder.of(old), next);
        if (!moved.isEmpty()) {
            throw new CatalogueRejected(moved.stream().map(problem -> file + ": " + problem).toList());
        }
        int[] remap = new int[old.sourceCount()];
        for (int code = 0; code < remap.length; code++) {
            remap[code] = next.bucketSourceCode(old.bucketSource(code).key());
        }
        Map<Long, Boolean> changed = new LinkedHashMap<>();
        Map<String, Integer> missing = new LinkedHashMap<>();
        s.stores.accounts().forEach(a -> {
            for (int i = 0; i < a.bucketCount(); i++) {
                int code = a.sourceCode(i);
                if (code < 0 || code >= remap.length) {
                    continue;
                }
                if (remap[code] < 0) {
                    missing.merge(old.bucketSource(code).key(), 1, Integer::sum);
                } else if (remap[code] != code) {
                    changed.put(a.accountId(), Boolean.TRUE);
                }
            }
        });
        if (!missing.isEmpty()) {
            List<String> problems = new ArrayList<>();
            missing.forEach((key, count) -> problems.add(file + ": bucket source " + key + " is held by " + count
                    + " bucket(s) but the new catalogue no longer defines it"));
            throw new CatalogueRejected(problems);
        }
        // Each renumbered account is journaled (an ADJUSTMENT of nothing, with the new codes in its after-state): the
        // accounts live in memory, and a start rebuilds them from a snapshot and the journal's after-states.
        Account account = new Account();
        Subscriber holder = new Subscriber();
        for (long id : changed.keySet()) {
            if (s.stores.accounts().read(id, account)) {
                for (int i = 0; i < account.bucketCount(); i++) {
                    int code = account.sourceCode(i);
                    if (code >= 0 && code < remap.length) {
                        account.sourceCode(i, remap[code]);
                    }
                }
                if (s.stores.subscribers().findByMsisdn(id, holder)) {
                    ChargingState.toWallet(account, s.wallet);
                    account.lastJournalSeq(s.records.fee(CdrKind.ADJUSTMENT, holder, 0, s.wallet, nowMs,
                            "bucket sources renumbered by a catalogue reload"));
                }
                s.stores.accounts().write(account);
            }
        }
        int subscribersRemapped = remapPromotions(s, old, next);
        try {
            ServiceOrder.record(s.stores.dataDir(), next);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s.replaceCatalogue(next);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reloaded", file.toString());
        out.put("subscribersPromotionsRemapped", subscribersRemapped);
        out.put("packages", next.packageCount());
        out.put("accountsRemapped", changed.size());
        out.put("warnings", warnings);
        return out;
    }

    /**
     * Promotions used are bits by catalogue position: move each to the same promotion's position
     * in the new catalogue (a promotion the new catalogue drops is forgotten; it cannot apply).
     */
    private static int remapPromotions(ChargingState s, Catalogue old, Catalogue next) {
        int[] remap = new int[Math.min(old.promotionCount(), 64)];
        boolean identity = true;
        for (int i = 0; i < remap.length; i++) {
            remap[i] = next.promotionIndex(old.promotion(i).id());
            identity &= remap[i] == i;
        }
        if (identity) {
            return 0;
        }
        int changed = 0;
        Subscriber sub = new Subscriber();
        for (long msisdn : s.stores.subscribers().allMsisdns()) {
            if (!s.stores.subscribers().findByMsisdn(msisdn, sub) || sub.promotionsUsedMask() == 0) {
                continue;
            }
            long mask = 0;
            for (int i = 0; i < remap.length; i++) {
                if ((sub.promotionsUsedMask() & (1L << i)) != 0 && remap[i] >= 0 && remap[i] < 64) {
                    mask |= 1L << remap[i];
                }
            }
            if (mask != sub.promotionsUsedMask()) {
                s.stores.subscribers().update(sub.promotionsUsedMask(mask));
                changed++;
            }
        }
        return changed;
    }

    /** A catalogue refused by validation or by the accounts that depend on it: 400 with every problem. */
    public static final class CatalogueRejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final transient List<String> problems;

        CatalogueRejected(List<String> problems) {
            super("catalogue rejected", null, false, false);
            this.problems = problems;
        }
    }

    /** Demo population for a fresh data directory: count subscribers on one package, each with an opening balance. */
    public static int provisionDemo(ChargingState s, long firstMsisdn, long firstImsi, int count, String packageId,
                                    long balanceMicros, long nowMs) {
        int created = 0;
        for (int i = 0; i < count; i++) {
            if (s.stores.subscribers().findByMsisdn(firstMsisdn + i, s.subscriber)) {
                continue;
            }
            createSubscriber(s, firstMsisdn + i, firstImsi + i, packageId, balanceMicros, true, nowMs);
            created++;
        }
        return created;
    }

    /** No control character and no unpaired UTF-16 surrogate (which UTF-8 cannot carry unchanged). */
    static boolean wellFormedKey(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
