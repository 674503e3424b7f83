package io.gyro.rating.tariff;

/**
 * A package (plan) as sold: recurring fee and period, allowances, which tariff prices each
 * service per destination and roaming zone, and what happens when money runs out or the fee
 * cannot be paid. Immutable; the rate table is a flat array indexed
 * {@code [service][destination + 1][roaming + 1]} so finding a tariff is O(1).
 */
public final class PackageDef {

    private final String id;
    private final int index;
    private final String name;
    private final boolean addon;
    private final long feeMicros;
    private final int periodMonths;
    private final int periodDays;
    private final SubscriberState onUnpaid;
    private final FinalUnitAction finalUnitAction;
    private final String redirectUrl;
    private final String filterId;
    private final FinalUnitAction[] serviceFinalUnitAction;
    private final String[] serviceRedirectUrl;
    private final String[] serviceFilterId;
    private final int[] allowanceCodes;
    private final int[] rateTable;
    private final int destStride;
    private final int serviceStride;

    public PackageDef(String id, int index, String name, boolean addon, long feeMicros, int periodMonths,
                      int periodDays, SubscriberState onUnpaid, FinalUnitAction finalUnitAction, String redirectUrl,
                      String filterId, int[] allowanceCodes, int[] rateTable, int destinations, int roamingZones) {
        this(id, index, name, addon, feeMicros, periodMonths, periodDays, onUnpaid, finalUnitAction, redirectUrl, filterId,
                null, null, null, allowanceCodes, rateTable, destinations, roamingZones);
    }

    /**
     * @param serviceFinalUnitAction per service index: that service's Final-Unit-Action, or null
     *        for the package's; {@code serviceRedirectUrl} and {@code serviceFilterId} go with it.
     *        Any of the three arrays may be null (no service has its own).
     */
    public PackageDef(String id, int index, String name, boolean addon, long feeMicros, int periodMonths,
                      int periodDays, SubscriberState onUnpaid, FinalUnitAction finalUnitAction, String redirectUrl,
                      String filterId, FinalUnitAction[] serviceFinalUnitAction, String[] serviceRedirectUrl,
                      String[] serviceFilterId, int[] allowanceCodes, int[] rateTable, int destinations,
                      int roamingZones) {
        this.serviceFinalUnitAction = serviceFinalUnitAction;
        this.serviceRedirectUrl = serviceRedirectUrl;
        this.serviceFilterId = serviceFilterId;
        this.serviceStride = (destinations + 1) * (roamingZones + 1);
        this.id = id;
        this.index = index;
        this.name = name;
        this.addon = addon;
        this.feeMicros = feeMicros;
        this.periodMonths = periodMonths;
        this.periodDays = periodDays;
        this.onUnpaid = onUnpaid;
        this.finalUnitAction = finalUnitAction;
        this.redirectUrl = redirectUrl;
        this.filterId = filterId;
        this.allowanceCodes = allowanceCodes;
        this.rateTable = rateTable;
        this.destStride = roamingZones + 1;
    }

    public String id() { return id; }
    public int index() { return index; }
    public String name() { return name; }
    /** An add-on stacks on a base package; its rates take precedence for what it covers. */
    public boolean addon() { return addon; }
    public long feeMicros() { return feeMicros; }
    /** 1 for a calendar month on the anniversary day, else 0. */
    public int periodMonths() { return periodMonths; }
    /** Period length in days when not monthly. */
    public int periodDays() { return periodDays; }
    public SubscriberState onUnpaid() { return onUnpaid; }
    /** The package's own Final-Unit-Action: for every service without one of its own. */
    public FinalUnitAction finalUnitAction() { return finalUnitAction; }
    /** Top-up URL for REDIRECT, else null. */
    public String redirectUrl() { return redirectUrl; }
    /** Filter-Id for RESTRICT_ACCESS, else null. */
    public String filterId() { return filterId; }

    /** Whether service {@code service} has a Final-Unit-Action of its own in this package. */
    private boolean ownFinalUnit(int service) {
        return serviceFinalUnitAction != null && service >= 0 && service < serviceFinalUnitAction.length
                && serviceFinalUnitAction[service] != null;
    }

    /**
     * What the network does when service {@code service} runs out (RFC 4006 §8.35): the
     * service's own action from {@code finalUnit.services}, else the package's.
     */
    public FinalUnitAction finalUnitAction(int service) {
        return ownFinalUnit(service) ? serviceFinalUnitAction[service] : finalUnitAction;
    }

    /** Redirect-Server-Address for {@code service} when its action is REDIRECT, else null. */
    public String redirectUrl(int service) {
        return ownFinalUnit(service) ? serviceRedirectUrl[service] : redirectUrl;
    }

    /** Filter-Id for {@code service} when its action is RESTRICT_ACCESS, else null. */
    public String filterId(int service) {
        return ownFinalUnit(service) ? serviceFilterId[service] : filterId;
    }
    public int allowanceCount() { return allowanceCodes.length; }
    /** Bucket source code of allowance {@code i}. */
    public int allowanceCode(int i) { return allowanceCodes[i]; }

    /**
     * Tariff index for a service at a destination zone (-1 = none/any) and roaming zone
     * (-1 = home), or -1 when this package does not price it.
     */
    public int tariffFor(int service, int destination, int roaming) {
        return rateTable[service * serviceStride + (destination + 1) * destStride + roaming + 1];
    }
}
