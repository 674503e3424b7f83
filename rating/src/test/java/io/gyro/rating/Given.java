package io.gyro.rating;

import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.money.Money;
import io.gyro.rating.tariff.BucketSource;

/** Test DSL: a subscriber situation (package, wallet, request) on the sample catalogue. */
public final class Given {

    public final Catalogue c;
    public final Wallet wallet = new Wallet();
    public final QuotaRequest quota = new QuotaRequest().clear();
    public final ChargeRequest charge = new ChargeRequest().clear();

    /** On the sample catalogue, config/catalogue.yaml. */
    public Given() {
        this(Fixtures.sample());
    }

    public Given(Catalogue c) {
        this.c = c;
        at("2026-11-25T10:00");
    }

    public Given pkg(String id) {
        quota.packageIndex = index(id);
        charge.packageIndex = quota.packageIndex;
        return this;
    }

    public Given addon(String id) {
        quota.addon(index(id));
        charge.addon(index(id));
        return this;
    }

    private int index(String id) {
        int i = c.packageIndex(id);
        if (i < 0) {
            throw new IllegalArgumentException(id);
        }
        return i;
    }

    public Given service(String name) {
        quota.service = c.serviceIndexByName(name);
        charge.service = quota.service;
        return this;
    }

    public Given at(String localTime) {
        quota.nowMs = Fixtures.at(localTime);
        charge.startMs = quota.nowMs;
        return this;
    }

    public Given requested(long units) {
        quota.requestedUnits = units;
        return this;
    }

    public Given used(long units) {
        charge.usedUnits = units;
        return this;
    }

    /**
     * The session's position before this request, as the previous report's ChargeResult left it:
     * raw units used, grid position rated, raw retail of the money part, money taken.
     */
    public Given session(long usedUnits, long ratedUnits, String moneyRaw, String money) {
        quota.sessionUnitsBefore = usedUnits;
        charge.sessionUnitsBefore = usedUnits;
        quota.sessionRatedBefore = ratedUnits;
        charge.sessionRatedBefore = ratedUnits;
        quota.sessionMoneyRawMicrosBefore = Money.parseMicros(moneyRaw);
        charge.sessionMoneyRawMicrosBefore = quota.sessionMoneyRawMicrosBefore;
        quota.sessionMoneyMicrosBefore = Money.parseMicros(money);
        charge.sessionMoneyMicrosBefore = quota.sessionMoneyMicrosBefore;
        return this;
    }

    /** Carries a charge's session position into the next quota and charge requests. */
    public Given after(ChargeResult r) {
        quota.sessionUnitsBefore = r.sessionUnitsAfter;
        charge.sessionUnitsBefore = r.sessionUnitsAfter;
        quota.sessionRatedBefore = r.sessionRatedAfter;
        charge.sessionRatedBefore = r.sessionRatedAfter;
        quota.sessionMoneyRawMicrosBefore = r.sessionMoneyRawMicrosAfter;
        charge.sessionMoneyRawMicrosBefore = r.sessionMoneyRawMicrosAfter;
        quota.sessionMoneyMicrosBefore = r.sessionMoneyMicrosAfter;
        charge.sessionMoneyMicrosBefore = r.sessionMoneyMicrosAfter;
        return this;
    }

    public Given visited(int mccMnc) {
        quota.visitedMccMnc = mccMnc;
        charge.visitedMccMnc = mccMnc;
        return this;
    }

    public Given called(CharSequence number) {
        quota.calledNumber = number;
        charge.calledNumber = number;
        return this;
    }

    public Given money(String cny) {
        wallet.moneyMicros = Money.parseMicros(cny);
        return this;
    }

    /** Used units reported split at a Tariff-Time-Change: {@code unitsAfter} of them after it. */
    public Given tariffChange(String localTime, long unitsAfter) {
        charge.tariffChangeMs = Fixtures.at(localTime);
        charge.unitsAfterTariffChange = unitsAfter;
        return this;
    }

    /** A bucket from package {@code pkg}'s allowance for the service, expiring in 10 days. */
    public Given allowance(String pkg, String service, long units) {
        return allowance(pkg, service, units, quota.nowMs + 10 * 86_400_000L);
    }

    public Given allowance(String pkg, String service, long units, long expiryMs) {
        int code = allowanceCode(c, pkg, service);
        BucketSource s = c.bucketSource(code);
        wallet.addBucket(s.service(), units, expiryMs, s.priority(), code);
        return this;
    }

    /** The bonus bucket of the first top-up promotion. */
    public Given promoBonus(String service, long units) {
        for (int code = 0; code < c.sourceCount(); code++) {
            BucketSource s = c.bucketSource(code);
            if (s.kind() == BucketSource.Kind.PROMOTION && c.serviceName(s.service()).equals(service)) {
                wallet.addBucket(s.service(), units, quota.nowMs + 10 * 86_400_000L, s.priority(), code);
                return this;
            }
        }
        throw new IllegalArgumentException(service);
    }

    public static int allowanceCode(Catalogue c, String pkg, String service) {
        int p = c.packageIndex(pkg);
        for (int a = 0; a < c.pkg(p).allowanceCount(); a++) {
            int code = c.pkg(p).allowanceCode(a);
            if (c.serviceName(c.bucketSource(code).service()).equals(service)) {
                return code;
            }
        }
        throw new IllegalArgumentException(pkg + "/" + service);
    }
}
