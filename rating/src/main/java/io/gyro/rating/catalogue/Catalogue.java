package io.gyro.rating.catalogue;

import io.gyro.rating.tariff.BucketSource;
import io.gyro.rating.tariff.NodeRole;
import io.gyro.rating.tariff.PackageDef;
import io.gyro.rating.tariff.PrefixTrie;
import io.gyro.rating.tariff.Promotion;
import io.gyro.rating.tariff.RatType;
import io.gyro.rating.tariff.ServiceKind;
import io.gyro.rating.tariff.Tariff;
import io.gyro.rating.tariff.ZoneClock;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.Map;

/**
 * A loaded, validated package catalogue: immutable and pre-indexed so that every lookup the rater
 * makes per request is O(1) or O(log n) and allocates nothing. Only {@link CatalogueLoader}
 * builds one, and only from a file that passed every check. Safe to share between threads once
 * published (all fields final); the engine swaps whole catalogues, never edits one.
 */
public final class Catalogue {

    private final String source;
    private final String currency;
    private final int currencyNumericCode;
    private final ZoneClock clock;

    private final String[] serviceNames;
    private final ServiceKind[] serviceKinds;
    private final long[] defaultQuota;
    private final int[] validityTimeSeconds;
    private final long[] quotaThreshold;

    private final String[] contexts;
    private final int[] contextTable;
    private final long[][] ctxRatingGroups;
    private final int[][] ctxRatingGroupService;
    private final long[][] ctxServiceIds;
    private final int[][] ctxServiceIdService;
    private final int[] ctxDefaultService;
    private final AccessMatch[][] ctxAccessMatches;
    private final int[] fallbackService;

    private final String[] destinationNames;
    private final boolean[] destinationBlocked;
    private final PrefixTrie destinationTrie;
    private final int defaultDestination;

    private final String[] roamingNames;
    private final boolean[] roamingAllowed;
    private final int[] networkCodes;
    private final int[] networkZones;
    private final int[] homeNetworks;
    private final int defaultRoamingZone;

    private final Tariff[] tariffs;
    private final PackageDef[] packages;
    private final Map<String, Integer> packageIndexById;
    private final BucketSource[] sources;
    private final Promotion[] promotions;

    Catalogue(Parts p) {
        this.source = p.source;
        this.currency = p.currency;
        this.currencyNumericCode = p.currencyNumericCode;
        this.clock = p.clock;
        this.serviceNames = p.serviceNames;
        this.serviceKinds = p.serviceKinds;
        this.defaultQuota = p.defaultQuota;
        this.validityTimeSeconds = p.validityTimeSeconds;
        this.quotaThreshold = p.quotaThreshold;
        this.contexts = p.contexts;
        this.ctxRatingGroups = p.ctxRatingGroups;
        this.ctxRatingGroupService = p.ctxRatingGroupService;
        this.ctxServiceIds = p.ctxServiceIds;
        this.ctxServiceIdService = p.ctxServiceIdService;
        this.ctxDefaultService = p.ctxDefaultService;
        this.ctxAccessMatches = p.ctxAccessMatches;
        this.fallbackService = p.fallbackService;
        this.destinationNames = p.destinationNames;
        this.destinationBlocked = p.destinationBlocked;
        this.destinationTrie = p.destinationTrie;
        this.defaultDestination = p.defaultDestination;
        this.roamingNames = p.roamingNames;
        this.roamingAllowed = p.roamingAllowed;
        this.networkCodes = p.networkCodes;
        this.networkZones = p.networkZones;
        this.homeNetworks = p.homeNetworks;
        this.defaultRoamingZone = p.defaultRoamingZone;
        this.tariffs = p.tariffs;
        this.packages = p.packages;
        this.packageIndexById = Map.copyOf(p.packageIndexById);
        this.sources = p.sources;
        this.promotions = p.promotions;
        int size = Integer.highestOneBit(Math.max(4, contexts.length * 4 - 1)) << 1;
        int[] table = new int[size];
        for (int i = 0; i < contexts.length; i++) {
            int slot = hash(contexts[i]) & (size - 1);
            while (table[slot] != 0) {
                slot = (slot + 1) & (size - 1);
            }
            table[slot] = i + 1;
        }
        this.contextTable = table;
    }

    /** File (or name) the catalogue was loaded from. */
    public String source() { return source; }
    /** ISO 4217 alphabetic code, e.g. "CNY". */
    public String currency() { return currency; }
    /** ISO 4217 numeric code, e.g. 156 (RFC 4006 §8.11 Currency-Code). */
    public int currencyNumericCode() { return currencyNumericCode; }
    public ZoneId zone() { return clock.zone(); }
    /** Allocation-free local-time helper in the catalogue zone. */
    public ZoneClock clock() { return clock; }

    // ---- services

    public int serviceCount() { return serviceNames.length; }
    public String serviceName(int service) { return serviceNames[service]; }
    public ServiceKind unitKind(int service) { return serviceKinds[service]; }
    /** Units granted when the request names none (RFC 4006 Requested-Service-Unit absent). */
    public long defaultQuota(int service) { return defaultQuota[service]; }
    public int validityTimeSeconds(int service) { return validityTimeSeconds[service]; }
    /** Volume/Time-Quota-Threshold (TS 32.299 §7.2), 0 if none. */
    public long quotaThreshold(int service) { return quotaThreshold[service]; }

    /** Service index by name, or -1. Not for the hot path. */
    public int serviceIndexByName(String name) {
        for (int i = 0; i < serviceNames.length; i++) {
            if (serviceNames[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Finds the service of a Multiple-Services-Credit-Control: Service-Context-Id plus
     * Rating-Group, else Service-Identifier, else the context's "no Rating-Group" service.
     * Allocation-free: the context is hashed and compared char by char. APN, RAT-Type and
     * Role-of-Node are unknown here: only match entries without {@code apns}, {@code ratTypes}
     * and {@code roles} apply.
     *
     * @param ratingGroup -1 when absent
     * @param serviceIdentifier -1 when absent
     * @return service index, or -1 when the catalogue does not know it
     */
    public int serviceIndex(CharSequence serviceContextId, long ratingGroup, long serviceIdentifier) {
        return serviceIndex(serviceContextId, ratingGroup, serviceIdentifier, "", RatType.ABSENT, NodeRole.ABSENT);
    }

    /**
     * As {@link #serviceIndex(CharSequence, long, long, CharSequence, int, int)} without a
     * Role-of-Node: only match entries without {@code roles} apply.
     */
    public int serviceIndex(CharSequence serviceContextId, long ratingGroup, long serviceIdentifier, CharSequence apn,
                            int ratType) {
        return serviceIndex(serviceContextId, ratingGroup, serviceIdentifier, apn, ratType, NodeRole.ABSENT);
    }

    /**
     * As {@link #serviceIndex(CharSequence, long, long)}, with the access: the APN the session
     * uses (Called-Station-Id, compared without regard to ASCII case), the radio access
     * technology (a {@link RatType} value, TS 29.212 RAT-Type) and the role of the IMS node that
     * asks (a {@link NodeRole} value, TS 32.299 Role-of-Node). For each key in turn (the
     * Rating-Group, else the Service-Identifier, else "neither"), the most specific match entry
     * wins: an entry naming the role before any that does not (the role decides who is charged
     * for what: an incoming call is another service than an outgoing one, whatever the access),
     * then APN before RAT-Type; in full: role+APN+RAT, role+APN, role+RAT, role, APN+RAT, APN,
     * RAT, then the entry without any. Allocation-free.
     *
     * @param apn empty when unknown: only entries without {@code apns} match
     * @param ratType {@link RatType#ABSENT} when unknown: only entries without {@code ratTypes} match
     * @param roleOfNode {@link NodeRole#ABSENT} when unknown: only entries without {@code roles} match
     */
    public int serviceIndex(CharSequence serviceContextId, long ratingGroup, long serviceIdentifier, CharSequence apn,
                            int ratType, int roleOfNode) {
        int ctx = contextIndex(serviceContextId);
        if (ctx < 0) {
            return -1;
        }
        if (ratingGroup >= 0) {
            int q = accessMatch(ctx, AccessMatch.RATING_GROUP, ratingGroup, apn, ratType, roleOfNode);
            if (q >= 0) {
                return q;
            }
            int i = Arrays.binarySearch(ctxRatingGroups[ctx], ratingGroup);
            if (i >= 0) {
                return ctxRatingGroupService[ctx][i];
            }
        }
        if (serviceIdentifier >= 0) {
            int q = accessMatch(ctx, AccessMatch.SERVICE_IDENTIFIER, serviceIdentifier, apn, ratType, roleOfNode);
            if (q >= 0) {
                return q;
            }
            int i = Arrays.binarySearch(ctxServiceIds[ctx], serviceIdentifier);
            if (i >= 0) {
                return ctxServiceIdService[ctx][i];
            }
        }
        if (ratingGroup < 0) {
            // No Rating-Group (and no Service-Identifier the context claims): the context's entry without
            // ratingGroups, as an SMSC that sends only Service-Identifier 1 or an SMF that sends neither needs.
            int q = accessMatch(ctx, AccessMatch.NEITHER, -1, apn, ratType, roleOfNode);
            return q >= 0 ? q : ctxDefaultService[ctx];
        }
        return -1;
    }

    /** The most specific APN/RAT-Type/role entry of context {@code ctx} for this key, or -1. */
    private int accessMatch(int ctx, int keyKind, long key, CharSequence apn, int ratType, int roleOfNode) {
        AccessMatch[] entries = ctxAccessMatches[ctx];
        for (int i = 0; i < entries.length; i++) {
            AccessMatch m = entries[i]; // most specific first
            if (m.keyKind == keyKind && m.key == key && (m.ratType == RatType.ABSENT || m.ratType == ratType)
                    && (m.role == NodeRole.ABSENT || m.role == roleOfNode)
                    && (m.apn == null || asciiEqualsIgnoreCase(m.apn, apn))) {
                return m.service;
            }
        }
        return -1;
    }

    /** {@code lower} (already lower case) equals {@code s} ignoring ASCII case; no allocation. */
    private static boolean asciiEqualsIgnoreCase(String lower, CharSequence s) {
        if (s == null || s.length() != lower.length()) {
            return false;
        }
        for (int i = 0, n = lower.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Service that rates {@code service} when none of a subscriber's packages prices it
     * ({@code fallback:} in the catalogue, e.g. directed traffic is ordinary data without its
     * pass), or -1.
     */
    public int fallbackService(int service) {
        return fallbackService[service];
    }

    /**
     * A match entry that names APNs, RAT-Types and/or roles, expanded to one APN, one RAT-Type and
     * one role each. Immutable.
     */
    static final class AccessMatch {
        static final int RATING_GROUP = 0;
        static final int SERVICE_IDENTIFIER = 1;
        static final int NEITHER = 2;

        final int keyKind;
        final long key;
        /** Lower case, or null for any APN. */
        final String apn;
        /** A RatType value, or {@link RatType#ABSENT} for any. */
        final int ratType;
        /** A Role-of-Node value, or {@link NodeRole#ABSENT} for any. */
        final int role;
        final int service;

        AccessMatch(int keyKind, long key, String apn, int ratType, int role, int service) {
            this.keyKind = keyKind;
            this.key = key;
            this.apn = apn;
            this.ratType = ratType;
            this.role = role;
            this.service = service;
        }

        /**
         * Role 4 + APN 2 + RAT-Type 1: the more specific entry is tried first, and any entry with a
         * role before every entry without one.
         */
        int specificity() {
            return (role != NodeRole.ABSENT ? 4 : 0) + (apn != null ? 2 : 0) + (ratType != RatType.ABSENT ? 1 : 0);
        }
    }


    /**
     * The context a Service-Context-Id names: exactly as the catalogue writes it, else, for the TS 32.299 §7.1.12
     * form {@code [[[[extensions.]MNC.]MCC.]Release.]service-context@domain} ("ext.01.001.8.32260@3gpp.org",
     * "8.32251@3gpp.org"), the plain {@code service-context@domain} after the last '.' before the '@'.
     */
    private int contextIndex(CharSequence ctx) {
        if (ctx == null) {
            return -1;
        }
        int exact = contextIndex(ctx, 0);
        if (exact >= 0) {
            return exact;
        }
        int from = 0;
        for (int i = 0, n = ctx.length(); i < n; i++) {
            char c = ctx.charAt(i);
            if (c == '@') {
                break;
            }
            if (c == '.') {
                from = i + 1;
            }
        }
        return from > 0 ? contextIndex(ctx, from) : -1;
    }

    /** The context equal to {@code ctx} from {@code from} on, or -1. */
    private int contextIndex(CharSequence ctx, int from) {
        int mask = contextTable.length - 1;
        int slot = hash(ctx, from) & mask;
        while (true) {
            int e = contextTable[slot];
            if (e == 0) {
                return -1;
            }
            if (equalsFrom(contexts[e - 1], ctx, from)) {
                return e - 1;
            }
            slot = (slot + 1) & mask;
        }
    }

    private static boolean equalsFrom(String context, CharSequence s, int from) {
        int n = s.length() - from;
        if (context.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (context.charAt(i) != s.charAt(from + i)) {
                return false;
            }
        }
        return true;
    }

    private static int hash(CharSequence s) {
        return hash(s, 0);
    }

    private static int hash(CharSequence s, int from) {
        int h = 0;
        for (int i = from, n = s.length(); i < n; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    // ---- destinations and roaming

    public int destinationCount() { return destinationNames.length; }
    public String destinationName(int zone) { return destinationNames[zone]; }
    public boolean destinationBlocked(int zone) { return destinationBlocked[zone]; }

    /**
     * Destination zone of a called number by longest prefix, else {@code defaultDestination}, else
     * -1. An empty number (an SMS or call whose recipient the request does not carry) is in
     * {@code defaultDestination} too. O(length).
     */
    public int destinationZone(CharSequence calledNumber) {
        if (calledNumber == null || calledNumber.length() == 0) {
            return defaultDestination;
        }
        return destinationTrie.lookup(calledNumber, defaultDestination);
    }

    public int roamingZoneCount() { return roamingNames.length; }
    public String roamingZoneName(int zone) { return roamingNames[zone]; }
    public boolean roamingAllowed(int zone) { return roamingAllowed[zone]; }

    /** Whether a visited MCC-MNC (e.g. 46000) is one of the home networks; -1 is home. */
    public boolean isHome(int visitedMccMnc) {
        return visitedMccMnc < 0 || Arrays.binarySearch(homeNetworks, visitedMccMnc) >= 0;
    }

    /**
     * Roaming zone of a visited MCC-MNC: -1 at home, the configured zone, else the default
     * roaming zone, else {@link Integer#MIN_VALUE} (unknown network: roaming not allowed).
     */
    public int roamingZone(int visitedMccMnc) {
        if (isHome(visitedMccMnc)) {
            return -1;
        }
        int i = Arrays.binarySearch(networkCodes, visitedMccMnc);
        if (i >= 0) {
            return networkZones[i];
        }
        return defaultRoamingZone >= 0 ? defaultRoamingZone : Integer.MIN_VALUE;
    }

    // ---- tariffs, packages, sources, promotions

    public int tariffCount() { return tariffs.length; }
    public Tariff tariff(int i) { return tariffs[i]; }

    public int packageCount() { return packages.length; }
    public PackageDef pkg(int index) { return packages[index]; }
    public String packageId(int index) { return packages[index].id(); }

    /** Package index by id, or -1. Uses a hash map: for provisioning, not per request. */
    public int packageIndex(String packageId) {
        Integer i = packageIndexById.get(packageId);
        return i == null ? -1 : i;
    }

    public int sourceCount() { return sources.length; }
    /** What created a bucket, by the wallet's {@code bucketSourceCode}. */
    public BucketSource bucketSource(int code) { return sources[code]; }

    /**
     * Bucket source code by its stable key (see {@link BucketSource#key()}), or -1: on a catalogue
     * reload, map each bucket's old code to {@code old.bucketSource(code).key()} and back to the
     * new code here. Linear; not for the hot path.
     */
    public int bucketSourceCode(String key) {
        for (int i = 0; i < sources.length; i++) {
            if (sources[i].key().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    public int promotionCount() { return promotions.length; }
    public Promotion promotion(int i) { return promotions[i]; }

    /** Promotion index by id, or -1. */
    public int promotionIndex(String id) {
        for (int i = 0; i < promotions.length; i++) {
            if (promotions[i].id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /** Mutable assembly area for the loader; copied into final fields. */
    static final class Parts {
        String source;
        String currency;
        int currencyNumericCode;
        ZoneClock clock;
        String[] serviceNames;
        ServiceKind[] serviceKinds;
        long[] defaultQuota;
        int[] validityTimeSeconds;
        long[] quotaThreshold;
        String[] contexts;
        long[][] ctxRatingGroups;
        int[][] ctxRatingGroupService;
        long[][] ctxServiceIds;
        int[][] ctxServiceIdService;
        int[] ctxDefaultService;
        AccessMatch[][] ctxAccessMatches;
        int[] fallbackService;
        String[] destinationNames;
        boolean[] destinationBlocked;
        PrefixTrie destinationTrie;
        int defaultDestination = -1;
        String[] roamingNames;
        boolean[] roamingAllowed;
        int[] networkCodes;
        int[] networkZones;
        int[] homeNetworks;
        int defaultRoamingZone = -1;
        Tariff[] tariffs;
        PackageDef[] packages;
        Map<String, Integer> packageIndexById;
        BucketSource[] sources;
        Promotion[] promotions;
    }
}
