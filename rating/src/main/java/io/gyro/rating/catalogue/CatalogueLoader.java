package io.gyro.rating.catalogue;

import io.gyro.rating.tariff.BucketSource;
import io.gyro.rating.tariff.FinalUnitAction;
import io.gyro.rating.tariff.PackageDef;
import io.gyro.rating.tariff.PrefixTrie;
import io.gyro.rating.tariff.Promotion;
import io.gyro.rating.tariff.NodeRole;
import io.gyro.rating.tariff.RatType;
import io.gyro.rating.tariff.ServiceKind;
import io.gyro.rating.tariff.SubscriberState;
import io.gyro.rating.tariff.Tariff;
import io.gyro.rating.tariff.ZoneClock;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads and validates a catalogue file (format: {@code config/CATALOGUE.md}). Every problem is
 * collected with file, line and column and a message a product manager can act on; only a
 * file with no problem at all produces a {@link Catalogue}. Runs at start-up or on reload,
 * off the hot path; allocation is fine here. Each call is independent; any thread.
 */
public final class CatalogueLoader {

    private CatalogueLoader() {
    }

    /**
     * How strictly to load.
     *
     * @param strict every warning is an error: a rate sold below its wholesale cost without a
     *               {@code belowCost} reason refuses the file (CATALOGUE.md, "Rates below cost")
     */
    public record Options(boolean strict) {
        /** Warnings are warnings: the file loads. */
        public static final Options DEFAULT = new Options(false);
        /** Warnings are errors. */
        public static final Options STRICT = new Options(true);
    }

    /** Loads a catalogue file (UTF-8) with {@link Options#DEFAULT}. */
    public static CatalogueLoadResult load(Path file) {
        return load(file, Options.DEFAULT);
    }

    /** Loads a catalogue file (UTF-8). */
    public static CatalogueLoadResult load(Path file, Options options) {
        String name = file.toString();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(name, r, options);
        } catch (IOException e) {
            return new CatalogueLoadResult(null,
                    List.of(new CatalogueProblem(name, 1, 1, "cannot read the catalogue file: " + e)));
        }
    }

    /** Loads a catalogue from a reader with {@link Options#DEFAULT}; {@code name} is used in problem locations. */
    public static CatalogueLoadResult load(String name, Reader reader) {
        return load(name, reader, Options.DEFAULT);
    }

    /** Loads a catalogue from a reader; {@code name} is used in problem locations. */
    public static CatalogueLoadResult load(String name, Reader reader, Options options) {
        return new Run(name, options).run(reader);
    }

    private static final Set<String> TOP = Set.of("name", "currency", "currencyNumericCode", "zone",
            "homeNetworks", "services", "timeBands", "destinations", "defaultDestination", "roamingZones",
            "defaultRoamingZone", "tariffs", "packages", "promotions");

    /** One load: problems and intermediate indexes. */
    private static final class Run extends CatalogueReading {
        private final Options options;
        private final Catalogue.Parts parts = new Catalogue.Parts();

        private final Map<String, Integer> serviceIds = new LinkedHashMap<>();
        private final List<ServiceKind> serviceKinds = new ArrayList<>();
        private final Map<String, long[][]> bands = new LinkedHashMap<>();
        private final Map<String, Integer> destinationIds = new LinkedHashMap<>();
        private final Map<String, Integer> roamingIds = new LinkedHashMap<>();
        private final List<Boolean> roamingAllowed = new ArrayList<>();
        private final Map<String, Integer> tariffIds = new LinkedHashMap<>();
        private final List<Tariff> tariffs = new ArrayList<>();
        private final Map<String, Integer> packageIds = new LinkedHashMap<>();
        private final List<BucketSource> sources = new ArrayList<>();
        private ZoneId zone = ZoneId.of("UTC");
        /** Every tariff rate as written, and every package rate naming a tariff: for the cost check. */
        private final List<CostCheck.Site> rateSites = new ArrayList<>();
        private final Map<Integer, List<CostFinding.Use>> tariffUsers = new HashMap<>();

        Run(String file, Options options) {
            super(file);
            this.options = options;
        }

        CatalogueLoadResult run(Reader reader) {
            YamlNode root = YamlNode.parse(file, reader, problems);
            if (root == null) {
                return new CatalogueLoadResult(null, problems);
            }
            Map<String, YamlNode> top = fields(root, "the catalogue", TOP);
            parts.source = file;
            currencyAndZone(root, top);
            services(top.get("services"), root);
            timeBands(top.get("timeBands"));
            destinations(top.get("destinations"), top.get("defaultDestination"));
            roaming(top.get("homeNetworks"), top.get("roamingZones"), top.get("defaultRoamingZone"));
            tariffs(top.get("tariffs"), root);
            packages(top.get("packages"), root);
            promotions(top.get("promotions"));
            CostCheck cost = new CostCheck(file, tariffs, tariffUsers, options.strict());
            cost.check(rateSites);
            problems.addAll(cost.errors);
            List<CatalogueProblem> warnings = cost.warnings;
            warnings.sort(BY_LINE);
            if (!problems.isEmpty()) {
                problems.sort(BY_LINE);
                return new CatalogueLoadResult(null, problems, warnings, cost.findings);
            }
            parts.tariffs = tariffs.toArray(new Tariff[0]);
            parts.sources = sources.toArray(new BucketSource[0]);
            return new CatalogueLoadResult(new Catalogue(parts), problems, warnings, cost.findings);
        }

        private static final java.util.Comparator<CatalogueProblem> BY_LINE = (a, b) -> a.line() != b.line()
                ? Integer.compare(a.line(), b.line()) : Integer.compare(a.column(), b.column());

        // ------------------------------------------------------------------ sections

        private void currencyAndZone(YamlNode root, Map<String, YamlNode> top) {
            YamlNode cur = required(top, root, "currency", "the catalogue");
            String code = text(cur, "currency");
            parts.currency = code == null ? "XXX" : code;
            int numeric = -1;
            if (code != null) {
                try {
                    numeric = Currency.getInstance(code).getNumericCode();
                } catch (IllegalArgumentException e) {
                    err(cur, "currency: '" + code + "' is not an ISO 4217 code such as CNY");
                }
            }
            YamlNode num = top.get("currencyNumericCode");
            if (num != null) {
                long n = integer(num, "currencyNumericCode", 0, 999, numeric);
                if (numeric >= 0 && n != numeric) {
                    err(num, "currencyNumericCode: " + n + " does not match currency " + code + " (" + numeric + ")");
                }
                numeric = (int) n;
            }
            parts.currencyNumericCode = numeric;
            YamlNode z = required(top, root, "zone", "the catalogue");
            String zs = text(z, "zone");
            if (zs != null) {
                try {
                    zone = ZoneId.of(zs);
                } catch (DateTimeException e) {
                    err(z, "zone: '" + zs + "' is not a time zone id such as Asia/Shanghai");
                }
            }
            parts.clock = new ZoneClock(zone);
        }

        private static final class ContextBuild {
            final TreeMap<Long, Integer> ratingGroups = new TreeMap<>();
            final TreeMap<Long, Integer> serviceIds = new TreeMap<>();
            int defaultService = -1;
            /** Entries with APNs/RAT-Types/roles, one per (key, APN, RAT-Type, role); claims by that tuple. */
            final List<Catalogue.AccessMatch> accessMatches = new ArrayList<>();
            final Map<String, Integer> accessClaims = new HashMap<>();
        }


        private void services(YamlNode node, YamlNode root) {
            Map<String, YamlNode> defs = section(node, "services");
            if (defs.isEmpty()) {
                err(node == null ? root : node, "the catalogue defines no services; define at least data, voice or sms");
            }
            int n = defs.size();
            parts.serviceNames = new String[n];
            parts.serviceKinds = new ServiceKind[n];
            parts.defaultQuota = new long[n];
            parts.validityTimeSeconds = new int[n];
            parts.quotaThreshold = new long[n];
            Map<String, ContextBuild> contexts = new LinkedHashMap<>();
            Map<Integer, YamlNode> fallbacks = new LinkedHashMap<>();
            int s = 0;
            for (Map.Entry<String, YamlNode> e : defs.entrySet()) {
                String id = e.getKey();
                String what = "service '" + id + "'";
                YamlNode def = e.getValue();
                Map<String, YamlNode> f = fields(def, what, Set.of("unit", "match", "defaultQuota", "validityTime",
                        "quotaThreshold", "fallback", "description"));
                if (f.get("fallback") != null && !f.get("fallback").isNull()) {
                    fallbacks.put(s, f.get("fallback"));
                }
                String unit = choice(required(f, def, "unit", what), what + " unit", null,
                        "bytes", "seconds", "events", "units");
                ServiceKind kind = kindOf(unit);
                serviceIds.put(id, s);
                serviceKinds.add(kind);
                parts.serviceNames[s] = id;
                parts.serviceKinds[s] = kind == null ? ServiceKind.UNITS : kind;
                long quota = quantity(required(f, def, "defaultQuota", what), kind, what + " defaultQuota", 1);
                if (quota <= 0) {
                    err(f.get("defaultQuota"), what + " defaultQuota must be above zero");
                }
                parts.defaultQuota[s] = quota;
                parts.validityTimeSeconds[s] = (int) integer(f.get("validityTime"), what + " validityTime (seconds)",
                        0, 86_400 * 30, 3600);
                long threshold = quantity(f.get("quotaThreshold"), kind, what + " quotaThreshold", 0);
                if (threshold >= quota && threshold > 0) {
                    err(f.get("quotaThreshold"), what + " quotaThreshold must be below defaultQuota, or the network"
                            + " would re-authorise at once");
                }
                parts.quotaThreshold[s] = threshold;
                List<YamlNode> matches = list(required(f, def, "match", what), what + " match");
                for (YamlNode m : matches) {
                    Map<String, YamlNode> mf = fields(m, what + " match", Set.of("context", "ratingGroups",
                            "ratingGroup", "serviceIdentifiers", "serviceIdentifier", "apns", "ratTypes", "roles"));
                    String ctx = text(required(mf, m, "context", what + " match"), what + " match context");
                    if (ctx == null) {
                        continue;
                    }
                    ContextBuild cb = contexts.computeIfAbsent(ctx, k -> new ContextBuild());
                    List<YamlNode> rgs = new ArrayList<>(list(mf.get("ratingGroups"), what + " ratingGroups"));
                    rgs.addAll(list(mf.get("ratingGroup"), what + " ratingGroup"));
                    List<YamlNode> sis = new ArrayList<>(list(mf.get("serviceIdentifiers"),
                            what + " serviceIdentifiers"));
                    sis.addAll(list(mf.get("serviceIdentifier"), what + " serviceIdentifier"));
                    List<String> apns = apns(mf.get("apns"), what);
                    List<Integer> rats = ratTypes(mf.get("ratTypes"), what);
                    List<Integer> roles = roles(mf.get("roles"), what);
                    if (!apns.isEmpty() || !rats.isEmpty() || !roles.isEmpty()) {
                        // Directed traffic, incoming calls: the same keys, only for these APNs / radio access
                        // types / roles of the IMS node.
                        int claimed = 0;
                        for (YamlNode rg : rgs) {
                            long v = integer(rg, what + " Rating-Group", 0, 0xFFFF_FFFFL, -1);
                            if (v >= 0) {
                                claimAccess(cb, ctx, Catalogue.AccessMatch.RATING_GROUP, v, apns, rats, roles, s, rg,
                                        what);
                                claimed++;
                            }
                        }
                        for (YamlNode si : sis) {
                            long v = integer(si, what + " Service-Identifier", 0, 0xFFFF_FFFFL, -1);
                            if (v >= 0) {
                                claimAccess(cb, ctx, Catalogue.AccessMatch.SERVICE_IDENTIFIER, v, apns, rats, roles, s, si,
                                        what);
                                claimed++;
                            }
                        }
                        if (rgs.isEmpty() && sis.isEmpty() && claimed == 0) {
                            claimAccess(cb, ctx, Catalogue.AccessMatch.NEITHER, -1, apns, rats, roles, s, m, what);
                        }
                        continue;
                    }
                    for (YamlNode rg : rgs) {
                        long v = integer(rg, what + " Rating-Group", 0, 0xFFFF_FFFFL, -1);
                        if (v >= 0) {
                            Integer prev = cb.ratingGroups.putIfAbsent(v, s);
                            if (prev != null && prev != s) {
                                err(rg, what + ": Rating-Group " + v + " under " + ctx + " already belongs to service '"
                                        + parts.serviceNames[prev] + "'");
                            }
                        }
                    }
                    for (YamlNode si : sis) {
                        long v = integer(si, what + " Service-Identifier", 0, 0xFFFF_FFFFL, -1);
                        if (v >= 0) {
                            Integer prev = cb.serviceIds.putIfAbsent(v, s);
                            if (prev != null && prev != s) {
                                err(si, what + ": Service-Identifier " + v + " under " + ctx
                                        + " already belongs to service '" + parts.serviceNames[prev] + "'");
                            }
                        }
                    }
                    if (rgs.isEmpty() && sis.isEmpty()) {
                        if (cb.defaultService >= 0 && cb.defaultService != s) {
                            err(m, what + ": requests under " + ctx + " without Rating-Group already go to service '"
                                    + parts.serviceNames[cb.defaultService] + "'");
                        }
                        cb.defaultService = s;
                    }
                }
                s++;
            }
            parts.fallbackService = new int[n];
            Arrays.fill(parts.fallbackService, -1);
            for (Map.Entry<Integer, YamlNode> fb : fallbacks.entrySet()) {
                int from = fb.getKey();
                String what = "service '" + parts.serviceNames[from] + "'";
                int to = ref(fb.getValue(), serviceIds, "service", what + " fallback");
                if (to < 0) {
                    continue;
                }
                if (to == from) {
                    err(fb.getValue(), what + " fallback: a service cannot fall back to itself");
                } else if (serviceKinds.get(from) != null && serviceKinds.get(to) != null
                        && serviceKinds.get(from) != serviceKinds.get(to)) {
                    err(fb.getValue(), what + " fallback: unit mismatch: '" + parts.serviceNames[from] + "' is counted in "
                            + serviceKinds.get(from).yamlName() + " but '" + parts.serviceNames[to] + "' in "
                            + serviceKinds.get(to).yamlName());
                } else if (fallbacks.containsKey(to)) {
                    err(fb.getValue(), what + " fallback: '" + parts.serviceNames[to]
                            + "' has a fallback of its own; name the service that finally rates it");
                } else {
                    parts.fallbackService[from] = to;
                }
            }
            int c = contexts.size();
            parts.contexts = contexts.keySet().toArray(new String[0]);
            parts.ctxRatingGroups = new long[c][];
            parts.ctxRatingGroupService = new int[c][];
            parts.ctxServiceIds = new long[c][];
            parts.ctxServiceIdService = new int[c][];
            parts.ctxDefaultService = new int[c];
            parts.ctxAccessMatches = new Catalogue.AccessMatch[c][];
            int i = 0;
            for (ContextBuild cb : contexts.values()) {
                // most specific first; a stable sort keeps the file's order among equals
                cb.accessMatches.sort((a, b) -> Integer.compare(b.specificity(), a.specificity()));
                parts.ctxAccessMatches[i] = cb.accessMatches.toArray(new Catalogue.AccessMatch[0]);
                parts.ctxRatingGroups[i] = cb.ratingGroups.keySet().stream().mapToLong(Long::longValue).toArray();
                parts.ctxRatingGroupService[i] = cb.ratingGroups.values().stream().mapToInt(Integer::intValue).toArray();
                parts.ctxServiceIds[i] = cb.serviceIds.keySet().stream().mapToLong(Long::longValue).toArray();
                parts.ctxServiceIdService[i] = cb.serviceIds.values().stream().mapToInt(Integer::intValue).toArray();
                parts.ctxDefaultService[i] = cb.defaultService;
                i++;
            }
        }

        /**
         * Claims (context, key, APN, RAT-Type, role) for service {@code s}, one claim per APN x RAT-Type x role.
         */
        private void claimAccess(ContextBuild cb, String ctx, int keyKind, long key, List<String> apns, List<Integer> rats,
                                 List<Integer> roles, int s, YamlNode at, String what) {
            List<String> apnList = apns.isEmpty() ? java.util.Collections.singletonList(null) : apns;
            List<Integer> ratList = rats.isEmpty() ? List.of(RatType.ABSENT) : rats;
            List<Integer> roleList = roles.isEmpty() ? List.of(NodeRole.ABSENT) : roles;
            for (String apn : apnList) {
                for (int rat : ratList) {
                    for (int role : roleList) {
                        String claim = keyKind + "/" + key + "/" + apn + "/" + rat + "/" + role;
                        Integer prev = cb.accessClaims.putIfAbsent(claim, s);
                        if (prev != null) {
                            if (prev != s) {
                                String keyText = keyKind == Catalogue.AccessMatch.RATING_GROUP
                                        ? "Rating-Group " + key
                                        : keyKind == Catalogue.AccessMatch.SERVICE_IDENTIFIER
                                        ? "Service-Identifier " + key : "requests without Rating-Group";
                                err(at, what + ": " + keyText + (apn != null ? " on APN " + apn : "")
                                        + (rat != RatType.ABSENT ? " with RAT-Type " + rat : "")
                                        + (role != NodeRole.ABSENT ? " in the " + NodeRole.name(role) + " role" : "")
                                        + " under " + ctx + " already belongs to service '" + parts.serviceNames[prev]
                                        + "'");
                            }
                            continue;
                        }
                        cb.accessMatches.add(new Catalogue.AccessMatch(keyKind, key, apn, rat, role, s));
                    }
                }
            }
        }

        private static final String[] DAY_NAMES = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};

        private void timeBands(YamlNode node) {
            for (Map.Entry<String, YamlNode> e : section(node, "timeBands").entrySet()) {
                String what = "time band '" + e.getKey() + "'";
                YamlNode def = e.getValue();
                Map<String, YamlNode> f = fields(def, what, Set.of("days", "from", "to", "description"));
                boolean[] days = new boolean[7];
                YamlNode daysNode = f.get("days");
                if (daysNode == null || daysNode.isNull()) {
                    Arrays.fill(days, true);
                } else {
                    for (YamlNode d : list(daysNode, what + " days")) {
                        String s = text(d, what + " days");
                        if (s == null) {
                            continue;
                        }
                        String u = s.trim().toUpperCase(Locale.ROOT);
                        switch (u) {
                            case "ALL": case "DAILY": case "EVERYDAY":
                                Arrays.fill(days, true);
                                break;
                            case "WEEKDAYS":
                                Arrays.fill(days, 0, 5, true);
                                break;
                            case "WEEKEND":
                                days[5] = true;
                                days[6] = true;
                                break;
                            default:
                                int idx = u.length() >= 3 ? Arrays.asList(DAY_NAMES).indexOf(u.substring(0, 3)) : -1;
                                if (idx < 0) {
                                    err(d, what + " days: '" + s + "' is not a day; use MON..SUN, weekdays, weekend or all");
                                } else {
                                    days[idx] = true;
                                }
                        }
                    }
                }
                long from = clockTime(required(f, def, "from", what), what + " from");
                long to = clockTime(required(f, def, "to", what), what + " to");
                if (from < 0 || to < 0) {
                    bands.put(e.getKey(), new long[0][]);
                    continue;
                }
                if (from == to) {
                    err(f.get("to"), what + ": from and to are equal; the band would be empty");
                }
                List<long[]> intervals = new ArrayList<>();
                for (int d = 0; d < 7; d++) {
                    if (!days[d]) {
                        continue;
                    }
                    long start = d * ZoneClock.DAY_MS + from;
                    long end = d * ZoneClock.DAY_MS + (to > from ? to : to + ZoneClock.DAY_MS);
                    if (end > ZoneClock.WEEK_MS) {
                        intervals.add(new long[] {start, ZoneClock.WEEK_MS});
                        intervals.add(new long[] {0, end - ZoneClock.WEEK_MS});
                    } else {
                        intervals.add(new long[] {start, end});
                    }
                }
                bands.put(e.getKey(), intervals.toArray(new long[0][]));
            }
        }

        private long clockTime(YamlNode n, String what) {
            String s = text(n, what);
            if (s == null) {
                return -1;
            }
            String t = s.trim();
            int colon = t.indexOf(':');
            try {
                if (colon < 1) {
                    throw new NumberFormatException();
                }
                int h = Integer.parseInt(t.substring(0, colon));
                int m = Integer.parseInt(t.substring(colon + 1));
                if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0)) {
                    throw new NumberFormatException();
                }
                return (h * 60L + m) * 60_000L;
            } catch (NumberFormatException e) {
                err(n, what + ": '" + s + "' is not a time of day HH:MM (00:00 to 24:00), write it in quotes");
                return -1;
            }
        }

        private void destinations(YamlNode node, YamlNode defaultNode) {
            Map<String, YamlNode> defs = section(node, "destinations");
            PrefixTrie trie = new PrefixTrie();
            Map<String, String> prefixOwner = new HashMap<>();
            int n = defs.size();
            parts.destinationNames = new String[n];
            parts.destinationBlocked = new boolean[n];
            int z = 0;
            for (Map.Entry<String, YamlNode> e : defs.entrySet()) {
                String what = "destination zone '" + e.getKey() + "'";
                if (z == 64) {
                    err(e.getValue(), what + ": at most 64 destination zones are supported");
                }
                destinationIds.put(e.getKey(), z);
                parts.destinationNames[z] = e.getKey();
                Map<String, YamlNode> f = fields(e.getValue(), what, Set.of("prefixes", "blocked", "description"));
                parts.destinationBlocked[z] = bool(f.get("blocked"), what + " blocked", false);
                for (YamlNode p : list(required(f, e.getValue(), "prefixes", what), what + " prefixes")) {
                    String s = text(p, what + " prefix");
                    if (s == null) {
                        continue;
                    }
                    String t = s.trim();
                    if (!t.matches("\\+?[0-9]+")) {
                        err(p, what + ": prefix '" + s + "' must be digits, optionally starting with +");
                        continue;
                    }
                    String norm = t.startsWith("+") ? "00" + t.substring(1) : t;
                    String prev = prefixOwner.putIfAbsent(norm, e.getKey());
                    if (prev != null) {
                        err(p, what + ": prefix '" + s + "' is already in zone '" + prev + "'");
                        continue;
                    }
                    trie.put(norm, z);
                }
                z++;
            }
            parts.destinationTrie = trie.build();
            if (defaultNode != null && !defaultNode.isNull()) {
                parts.defaultDestination = ref(defaultNode, destinationIds, "destination zone", "defaultDestination");
            }
        }

        private int mccMnc(YamlNode n, String what) {
            String s = text(n, what);
            if (s == null) {
                return -1;
            }
            String t = s.trim().replace("-", "");
            if (!t.matches("[0-9]{5,6}")) {
                err(n, what + ": '" + s + "' is not an MCC-MNC such as 46000 or 310260");
                return -1;
            }
            return Integer.parseInt(t);
        }

        private void roaming(YamlNode homeNode, YamlNode node, YamlNode defaultNode) {
            TreeSet<Integer> home = new TreeSet<>();
            for (YamlNode h : list(homeNode, "homeNetworks")) {
                int v = mccMnc(h, "homeNetworks");
                if (v >= 0) {
                    home.add(v);
                }
            }
            parts.homeNetworks = home.stream().mapToInt(Integer::intValue).toArray();
            Map<String, YamlNode> defs = section(node, "roamingZones");
            TreeMap<Integer, Integer> networks = new TreeMap<>();
            int z = 0;
            parts.roamingNames = new String[defs.size()];
            parts.roamingAllowed = new boolean[defs.size()];
            for (Map.Entry<String, YamlNode> e : defs.entrySet()) {
                String what = "roaming zone '" + e.getKey() + "'";
                roamingIds.put(e.getKey(), z);
                parts.roamingNames[z] = e.getKey();
                Map<String, YamlNode> f = fields(e.getValue(), what, Set.of("networks", "allowed", "description"));
                boolean allowed = bool(f.get("allowed"), what + " allowed", true);
                parts.roamingAllowed[z] = allowed;
                roamingAllowed.add(allowed);
                for (YamlNode nw : list(f.get("networks"), what + " networks")) {
                    int v = mccMnc(nw, what + " network");
                    if (v < 0) {
                        continue;
                    }
                    if (home.contains(v)) {
                        err(nw, what + ": network " + v + " is a home network; it cannot also be a roaming zone");
                        continue;
                    }
                    Integer prev = networks.putIfAbsent(v, z);
                    if (prev != null) {
                        err(nw, what + ": network " + v + " is already in roaming zone '" + parts.roamingNames[prev] + "'");
                    }
                }
                z++;
            }
            parts.networkCodes = networks.keySet().stream().mapToInt(Integer::intValue).toArray();
            parts.networkZones = networks.values().stream().mapToInt(Integer::intValue).toArray();
            if (defaultNode != null && !defaultNode.isNull()) {
                parts.defaultRoamingZone = ref(defaultNode, roamingIds, "roaming zone", "defaultRoamingZone");
            }
        }

        private void tariffs(YamlNode node, YamlNode root) {
            int index = 0;
            for (Map.Entry<String, YamlNode> e : section(node, "tariffs").entrySet()) {
                String what = "tariff '" + e.getKey() + "'";
                YamlNode def = e.getValue();
                tariffIds.put(e.getKey(), index);
                Map<String, YamlNode> f = fields(def, what, Set.of("unit", "increment", "firstIncrement",
                        "connectionFee", "minimumCharge", "roundPriceTo", "rates", "description"));
                String unit = choice(required(f, def, "unit", what), what + " unit", null,
                        "bytes", "seconds", "events", "units");
                ServiceKind kind = kindOf(unit);
                long inc = quantity(f.get("increment"), kind, what + " increment", 1);
                if (inc <= 0) {
                    err(f.get("increment"), what + " increment must be above zero");
                    inc = 1;
                }
                long first = quantity(f.get("firstIncrement"), kind, what + " firstIncrement", 0);
                if (f.get("firstIncrement") != null && first <= 0) {
                    err(f.get("firstIncrement"), what + " firstIncrement must be above zero (or left out)");
                }
                long fee = money(f.get("connectionFee"), what + " connectionFee", 0);
                long min = money(f.get("minimumCharge"), what + " minimumCharge", 0);
                long roundTo = money(f.get("roundPriceTo"), what + " roundPriceTo", 0);
                List<YamlNode> rateNodes = list(required(f, def, "rates", what), what + " rates");
                List<Tariff.Rate> rates = new ArrayList<>();
                List<long[][]> rateIntervals = new ArrayList<>();
                List<String> rateBands = new ArrayList<>();
                List<YamlNode> rateBandNodes = new ArrayList<>();
                int defaults = 0;
                int r = 0;
                for (YamlNode rn : rateNodes) {
                    r++;
                    String rw = what + " rate " + r;
                    Map<String, YamlNode> rf = fields(rn, rw, Set.of("band", "price", "cost", "per", "tiers",
                            "belowCost"));
                    String reason = null;
                    YamlNode reasonNode = rf.get("belowCost");
                    if (reasonNode != null) {
                        reason = belowCostReason(reasonNode, rw);
                    }
                    String band = null;
                    long[][] intervals = null;
                    YamlNode bandNode = rf.get("band");
                    if (bandNode != null && !bandNode.isNull()) {
                        band = text(bandNode, rw + " band");
                        if (band != null) {
                            intervals = bands.get(band);
                            if (intervals == null) {
                                err(bandNode, rw + ": unknown time band '" + band + "'"
                                        + (bands.isEmpty() ? " (none defined)" : "; defined: "
                                        + String.join(", ", bands.keySet())));
                            } else if (rateBands.contains(band)) {
                                err(bandNode, rw + ": time band '" + band + "' already has a rate in this tariff");
                                intervals = null;
                            }
                        }
                    } else {
                        defaults++;
                        if (defaults == 2) {
                            err(rn, rw + ": a second rate without a band; only one rate may apply at all other times");
                        }
                    }
                    if (intervals != null) {
                        for (int o = 0; o < rateIntervals.size(); o++) {
                            long overlap = overlap(intervals, rateIntervals.get(o));
                            if (overlap >= 0) {
                                err(bandNode, rw + ": time band '" + band + "' overlaps band '" + rateBands.get(o)
                                        + "' at " + weekTime(overlap) + "; a moment must have exactly one price");
                            }
                        }
                        rateIntervals.add(intervals);
                        rateBands.add(band);
                        rateBandNodes.add(bandNode);
                    }
                    List<YamlNode> tierNodes;
                    if (rf.containsKey("tiers")) {
                        if (rf.containsKey("price") || rf.containsKey("cost")) {
                            err(rn, rw + ": give either price/cost/per or tiers, not both");
                        }
                        tierNodes = list(rf.get("tiers"), rw + " tiers");
                        if (tierNodes.isEmpty()) {
                            err(rf.get("tiers"), rw + ": tiers is empty");
                        }
                    } else {
                        tierNodes = List.of(rn);
                    }
                    int t = tierNodes.size();
                    long[] upTo = new long[t];
                    long[] price = new long[t];
                    long[] cost = new long[t];
                    long[] per = new long[t];
                    boolean[] tierValid = new boolean[t];
                    for (int k = 0; k < t; k++) {
                        int problemsBefore = problems.size();
                        YamlNode tn = tierNodes.get(k);
                        String tw = t > 1 || rf.containsKey("tiers") ? rw + " tier " + (k + 1) : rw;
                        Map<String, YamlNode> tf = tn == rn ? rf : fields(tn, tw, Set.of("upTo", "price", "cost", "per"));
                        price[k] = money(required(tf, tn, "price", tw), tw + " price", 0);
                        cost[k] = money(required(tf, tn, "cost", tw), tw + " cost (wholesale)", 0);
                        per[k] = quantity(tf.get("per"), kind, tw + " per", 1);
                        if (per[k] <= 0) {
                            err(tf.get("per"), tw + " per must be above zero");
                            per[k] = 1;
                        }
                        YamlNode up = tf.get("upTo");
                        if (up == null || up.isNull()) {
                            upTo[k] = Long.MAX_VALUE;
                            if (k < t - 1) {
                                err(tierNodes.get(k + 1), rw + " tier " + (k + 2) + " is unreachable: tier " + (k + 1)
                                        + " has no upTo, so it already covers all remaining units");
                            }
                        } else {
                            upTo[k] = quantity(up, kind, tw + " upTo", Long.MAX_VALUE);
                            if (k > 0 && upTo[k] <= upTo[k - 1] && upTo[k - 1] != Long.MAX_VALUE) {
                                err(up, tw + " is unreachable: its upTo is not above the previous tier's upTo");
                            }
                            if (k == t - 1) {
                                upTo[k] = Long.MAX_VALUE;
                            }
                        }
                        // a price or cost that did not parse reads as 0: no cost finding for it
                        tierValid[k] = kind != null && problems.size() == problemsBefore;
                    }
                    rateSites.add(new CostCheck.Site(index, rates.size(), rn, tierNodes, rf.containsKey("tiers"), tierValid,
                            reason, reasonNode));
                    rates.add(new Tariff.Rate(band, upTo, price, cost, per));
                }
                if (defaults == 0 && !rateNodes.isEmpty()) {
                    err(f.get("rates"), what + ": no rate without a band; add one for all times the bands do not cover");
                }
                // Week schedule: every boundary of every band, each segment takes its band's rate.
                TreeSet<Long> cuts = new TreeSet<>();
                cuts.add(0L);
                for (long[][] iv : rateIntervals) {
                    for (long[] x : iv) {
                        cuts.add(x[0]);
                        if (x[1] < ZoneClock.WEEK_MS) {
                            cuts.add(x[1]);
                        }
                    }
                }
                int defaultRate = -1;
                for (int k = 0; k < rates.size(); k++) {
                    if (rates.get(k).band() == null) {
                        defaultRate = k;
                        break;
                    }
                }
                List<Long> segStart = new ArrayList<>();
                List<Integer> segRate = new ArrayList<>();
                for (long cut : cuts) {
                    int rate = Math.max(defaultRate, 0);
                    for (int k = 0; k < rates.size(); k++) {
                        long[][] iv = rates.get(k).band() == null ? null : bands.get(rates.get(k).band());
                        if (iv != null && contains(iv, cut)) {
                            rate = k;
                        }
                    }
                    if (segRate.isEmpty() || segRate.get(segRate.size() - 1) != rate) {
                        segStart.add(cut);
                        segRate.add(rate);
                    }
                }
                if (rates.isEmpty()) {
                    rates.add(new Tariff.Rate(null, new long[] {Long.MAX_VALUE}, new long[1], new long[1], new long[] {1}));
                }
                tariffs.add(new Tariff(e.getKey(), index, kind == null ? ServiceKind.UNITS : kind, inc, first, fee, min,
                        roundTo, rates.toArray(new Tariff.Rate[0]),
                        segStart.stream().mapToLong(Long::longValue).toArray(),
                        segRate.stream().mapToInt(Integer::intValue).toArray()));
                index++;
            }
        }

        /**
         * The reason of a {@code belowCost} annotation: words, not a bare yes/no, because the next
         * person to read the price needs to know why it is below the wholesale cost.
         */
        private String belowCostReason(YamlNode n, String what) {
            String s = n.kind == YamlNode.Kind.SCALAR && n.text != null ? n.text.trim() : null;
            if (s == null || s.isEmpty() || s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")
                    || s.equalsIgnoreCase("yes") || s.equalsIgnoreCase("no")) {
                err(n, what + " belowCost: give the reason this rate is sold at or below its wholesale cost, in words,"
                        + " e.g. belowCost: \"night data is a promotion\"");
                return null;
            }
            return s;
        }

        private static boolean contains(long[][] intervals, long t) {
            for (long[] x : intervals) {
                if (t >= x[0] && t < x[1]) {
                    return true;
                }
            }
            return false;
        }

        /** First instant both interval sets cover, or -1. */
        private static long overlap(long[][] a, long[][] b) {
            long best = -1;
            for (long[] x : a) {
                for (long[] y : b) {
                    long s = Math.max(x[0], y[0]);
                    long en = Math.min(x[1], y[1]);
                    if (s < en && (best < 0 || s < best)) {
                        best = s;
                    }
                }
            }
            return best;
        }

        private static String weekTime(long weekMs) {
            long day = weekMs / ZoneClock.DAY_MS;
            long min = (weekMs % ZoneClock.DAY_MS) / 60_000;
            return String.format(Locale.ROOT, "%s %02d:%02d", DAY_NAMES[(int) day], min / 60, min % 60);
        }

        private static final class RateEntry {
            int service;
            int tariff;
            int destination = -1;
            int roaming = -1;
        }

        private void packages(YamlNode node, YamlNode root) {
            Map<String, YamlNode> defs = section(node, "packages");
            if (defs.isEmpty()) {
                err(node == null ? root : node, "the catalogue defines no packages");
            }
            int services = serviceKinds.size();
            int dests = destinationIds.size();
            int roams = roamingIds.size();
            List<PackageDef> pkgs = new ArrayList<>();
            int index = 0;
            for (String id : defs.keySet()) {
                packageIds.put(id, index++);
            }
            index = 0;
            for (Map.Entry<String, YamlNode> e : defs.entrySet()) {
                String id = e.getKey();
                String what = "package '" + id + "'";
                YamlNode def = e.getValue();
                Map<String, YamlNode> f = fields(def, what, Set.of("name", "type", "fee", "period", "onUnpaid",
                        "finalUnit", "allowances", "rates", "description"));
                String name = f.containsKey("name") ? text(f.get("name"), what + " name") : id;
                boolean addon = "addon".equals(choice(f.get("type"), what + " type", "base", "base", "addon"));
                long fee = money(f.get("fee"), what + " fee", 0);
                int months = 1;
                int days = 0;
                YamlNode period = f.get("period");
                if (period != null && !period.isNull()) {
                    String ps = text(period, what + " period");
                    if (ps != null) {
                        String p = ps.trim().toLowerCase(Locale.ROOT).replace(" ", "");
                        if (p.equals("month") || p.equals("monthly") || p.equals("1month")) {
                            months = 1;
                        } else if (p.matches("[0-9]+(d|day|days)?")) {
                            months = 0;
                            days = Integer.parseInt(p.replaceAll("[^0-9]", ""));
                            if (days <= 0 || days > 366) {
                                err(period, what + " period: " + days + " days is out of range 1..366");
                                days = 1;
                            }
                        } else {
                            err(period, what + " period: '" + ps + "' is not 'month' or a number of days such as 7d");
                        }
                    }
                }
                String unpaid = choice(f.get("onUnpaid"), what + " onUnpaid", "suspend", "suspend", "bar");
                SubscriberState onUnpaid = "bar".equals(unpaid) ? SubscriberState.BARRED : SubscriberState.SUSPENDED;
                FinalUnitAction action = FinalUnitAction.TERMINATE;
                String url = null;
                String filter = null;
                FinalUnitAction[] serviceAction = null;
                String[] serviceUrl = null;
                String[] serviceFilter = null;
                YamlNode fu = f.get("finalUnit");
                if (fu != null) {
                    Map<String, YamlNode> ff = fields(fu, what + " finalUnit", Set.of("action", "redirectUrl", "filterId",
                            "services"));
                    FinalUnit own = finalUnit(fu, ff, what + " finalUnit");
                    action = own.action;
                    url = own.redirectUrl;
                    filter = own.filterId;
                    YamlNode sv = ff.get("services");
                    if (sv != null && !sv.isNull()) {
                        serviceAction = new FinalUnitAction[services];
                        serviceUrl = new String[services];
                        serviceFilter = new String[services];
                        String sw = what + " finalUnit services";
                        for (Map.Entry<String, YamlNode> e2 : section(sv, sw).entrySet()) {
                            Integer svc = serviceIds.get(e2.getKey());
                            YamlNode entry = e2.getValue();
                            String ew = sw + " " + e2.getKey();
                            Map<String, YamlNode> ef = fields(entry, ew, Set.of("action", "redirectUrl", "filterId"));
                            FinalUnit one = finalUnit(entry, ef, ew);
                            if (svc == null) {
                                err(sv.keys.get(e2.getKey()), sw + ": unknown service '" + e2.getKey() + "'"
                                        + (serviceIds.isEmpty() ? "" : "; defined: " + String.join(", ", serviceIds.keySet())));
                                continue;
                            }
                            serviceAction[svc] = one.action;
                            serviceUrl[svc] = one.redirectUrl;
                            serviceFilter[svc] = one.filterId;
                        }
                    }
                }
                // rates
                List<RateEntry> entries = new ArrayList<>();
                Map<String, YamlNode> seen = new HashMap<>();
                boolean[] serviceRated = new boolean[services];
                int r = 0;
                for (YamlNode rn : list(f.get("rates"), what + " rates")) {
                    r++;
                    String rw = what + " rate " + r;
                    Map<String, YamlNode> rf = fields(rn, rw, Set.of("service", "tariff", "destination", "roaming"));
                    RateEntry re = new RateEntry();
                    re.service = ref(required(rf, rn, "service", rw), serviceIds, "service", rw);
                    re.tariff = ref(required(rf, rn, "tariff", rw), tariffIds, "tariff", rw);
                    if (rf.containsKey("destination")) {
                        re.destination = ref(rf.get("destination"), destinationIds, "destination zone", rw);
                        if (re.destination >= 0 && parts.destinationBlocked[re.destination]) {
                            err(rf.get("destination"), rw + ": destination '" + text(rf.get("destination"), rw)
                                    + "' is blocked, so this rate can never be used");
                        }
                    }
                    if (rf.containsKey("roaming")) {
                        re.roaming = ref(rf.get("roaming"), roamingIds, "roaming zone", rw);
                        if (re.roaming >= 0 && !roamingAllowed.get(re.roaming)) {
                            err(rf.get("roaming"), rw + ": roaming zone '" + text(rf.get("roaming"), rw)
                                    + "' is not allowed, so this rate can never be used");
                        }
                    }
                    if (re.service < 0 || re.tariff < 0) {
                        continue;
                    }
                    ServiceKind sk = serviceKinds.get(re.service);
                    ServiceKind tk = tariffs.get(re.tariff).kind();
                    if (sk != null && sk != tk) {
                        err(rf.get("tariff"), rw + ": unit mismatch: service '" + parts.serviceNames[re.service]
                                + "' is counted in " + sk.yamlName() + " but tariff '" + tariffs.get(re.tariff).id()
                                + "' prices " + tk.yamlName());
                        continue;
                    }
                    String key = re.service + "/" + re.destination + "/" + re.roaming;
                    YamlNode prev = seen.putIfAbsent(key, rn);
                    if (prev != null) {
                        err(rn, rw + ": the same service, destination and roaming zone are already priced at line "
                                + prev.line);
                        continue;
                    }
                    serviceRated[re.service] = true;
                    entries.add(re);
                    tariffUsers.computeIfAbsent(re.tariff, k -> new ArrayList<>()).add(new CostFinding.Use(id,
                            parts.serviceNames[re.service], re.destination >= 0 ? parts.destinationNames[re.destination]
                            : null, re.roaming >= 0 ? parts.roamingNames[re.roaming] : null));
                }
                int[] table = new int[Math.max(1, services * (dests + 1) * (roams + 1))];
                Arrays.fill(table, -1);
                for (int s = 0; s < services; s++) {
                    for (int d = -1; d < dests; d++) {
                        for (int z = -1; z < roams; z++) {
                            int best = -1;
                            for (RateEntry re : entries) {
                                if (re.service != s || re.roaming != z) {
                                    continue;
                                }
                                if (re.destination == d && d >= 0) {
                                    best = re.tariff;
                                    break;
                                }
                                if (re.destination == -1) {
                                    best = re.tariff;
                                }
                            }
                            table[s * (dests + 1) * (roams + 1) + (d + 1) * (roams + 1) + z + 1] = best;
                        }
                    }
                }
                // allowances
                List<Integer> codes = new ArrayList<>();
                int a = 0;
                for (YamlNode an : list(f.get("allowances"), what + " allowances")) {
                    a++;
                    String aw = what + " allowance " + a;
                    Map<String, YamlNode> af = fields(an, aw, Set.of("service", "amount", "priority", "rollover",
                            "scope", "destinations"));
                    int s = ref(required(af, an, "service", aw), serviceIds, "service", aw);
                    ServiceKind sk = s >= 0 ? serviceKinds.get(s) : null;
                    long units = quantity(required(af, an, "amount", aw), sk, aw + " amount", 0);
                    if (sk != null && af.get("amount") != null && units <= 0) {
                        err(af.get("amount"), aw + " amount must be above zero");
                    }
                    int priority = (int) integer(af.get("priority"), aw + " priority", 0, 1000, addon ? 20 : 30);
                    boolean rollover = bool(af.get("rollover"), aw + " rollover", false);
                    if (rollover && months == 0 && days == 0) {
                        err(af.get("rollover"), aw + ": rollover needs a recurring period");
                    }
                    BucketSource.Scope scope = BucketSource.Scope.valueOf(choice(af.get("scope"), aw + " scope", "home",
                            "home", "roaming", "any").toUpperCase(Locale.ROOT));
                    long mask = -1L;
                    if (af.containsKey("destinations")) {
                        mask = 0;
                        for (YamlNode dn : list(af.get("destinations"), aw + " destinations")) {
                            int d = ref(dn, destinationIds, "destination zone", aw);
                            if (d >= 0) {
                                mask |= 1L << d;
                            }
                        }
                    }
                    if (s >= 0 && !serviceRated[s] && !addon) {
                        err(an, aw + ": package gives '" + parts.serviceNames[s] + "' but has no rate for it; add a"
                                + " rate so usage beyond the allowance and the wholesale cost can be priced");
                    }
                    if (s < 0) {
                        continue;
                    }
                    String label = id + ": " + parts.serviceNames[s] + " allowance";
                    int code = sources.size();
                    int rolloverCode = rollover ? code + 1 : -1;
                    String key = id + "/allowance/" + a;
                    sources.add(new BucketSource(code, key, BucketSource.Kind.ALLOWANCE, label, index, -1, s, units,
                            priority, rollover, rolloverCode, scope, mask, 0));
                    if (rollover) {
                        sources.add(new BucketSource(code + 1, key + "/rollover", BucketSource.Kind.ROLLOVER,
                                label + " (rolled over)",
                                index, -1, s, 0, Math.max(0, priority - 1), false, -1, scope, mask, 0));
                    }
                    codes.add(code);
                }
                pkgs.add(new PackageDef(id, index, name, addon, fee, months, days, onUnpaid, action, url, filter,
                        serviceAction, serviceUrl, serviceFilter, codes.stream().mapToInt(Integer::intValue).toArray(),
                        table, dests, roams));
                index++;
            }
            parts.packages = pkgs.toArray(new PackageDef[0]);
            parts.packageIndexById = new HashMap<>(packageIds);
        }

        /** A Final-Unit-Action with what it needs (RFC 4006 §8.35-§8.37). */
        private record FinalUnit(FinalUnitAction action, String redirectUrl, String filterId) {
        }

        /** Reads {@code action} (required), {@code redirectUrl} and {@code filterId} of a finalUnit entry. */
        private FinalUnit finalUnit(YamlNode at, Map<String, YamlNode> ff, String what) {
            String a = choice(required(ff, at, "action", what), what + " action",
                    "terminate", "terminate", "redirect", "restrict");
            String url = ff.containsKey("redirectUrl") ? text(ff.get("redirectUrl"), what + " redirectUrl") : null;
            String filter = ff.containsKey("filterId") ? text(ff.get("filterId"), what + " filterId") : null;
            FinalUnitAction action = FinalUnitAction.TERMINATE;
            if ("redirect".equals(a)) {
                action = FinalUnitAction.REDIRECT;
                if (url == null) {
                    err(at, what + ": redirect needs a redirectUrl (the top-up page)");
                } else if (!url.startsWith("http://") && !url.startsWith("https://")) {
                    err(ff.get("redirectUrl"), what + " redirectUrl: '" + url + "' must start with http:// or https://");
                }
            } else if ("restrict".equals(a)) {
                action = FinalUnitAction.RESTRICT_ACCESS;
                if (filter == null) {
                    err(at, what + ": restrict needs a filterId known to the PGW");
                }
            }
            return new FinalUnit(action, action == FinalUnitAction.REDIRECT ? url : null,
                    action == FinalUnitAction.RESTRICT_ACCESS ? filter : null);
        }

        private void promotions(YamlNode node) {
            List<Promotion> promos = new ArrayList<>();
            int index = 0;
            for (Map.Entry<String, YamlNode> e : section(node, "promotions").entrySet()) {
                String what = "promotion '" + e.getKey() + "'";
                YamlNode def = e.getValue();
                if (index == 64) {
                    err(def, what + ": at most 64 promotions are supported");
                }
                Map<String, YamlNode> f = fields(def, what, Set.of("type", "packages", "percentOff", "minTopUp",
                        "bonus", "validFrom", "validUntil", "description"));
                String type = choice(required(f, def, "type", what), what + " type", "topUpBonus",
                        "firstPeriodDiscount", "topUpBonus");
                boolean[] pk = new boolean[packageIds.size()];
                if (f.containsKey("packages")) {
                    for (YamlNode pn : list(f.get("packages"), what + " packages")) {
                        int p = ref(pn, packageIds, "package", what);
                        if (p >= 0) {
                            pk[p] = true;
                        }
                    }
                } else {
                    Arrays.fill(pk, true);
                }
                long from = date(f.get("validFrom"), what + " validFrom", Long.MIN_VALUE, false);
                long until = date(f.get("validUntil"), what + " validUntil", Long.MAX_VALUE, true);
                if (from != Long.MIN_VALUE && until != Long.MAX_VALUE && until <= from) {
                    err(f.get("validUntil"), what + ": validUntil is before validFrom; the promotion would never run");
                }
                if ("firstPeriodDiscount".equals(type)) {
                    int pct = (int) integer(required(f, def, "percentOff", what), what + " percentOff", 1, 100, 0);
                    if (!f.containsKey("packages")) {
                        err(def, what + ": list the packages whose first period is discounted");
                    }
                    promos.add(new Promotion(e.getKey(), index, Promotion.Type.FIRST_PERIOD_DISCOUNT, pk, pct, 0, -1,
                            from, until));
                } else {
                    long min = money(required(f, def, "minTopUp", what), what + " minTopUp", 0);
                    YamlNode b = required(f, def, "bonus", what);
                    int code = -1;
                    if (b != null) {
                        String bw = what + " bonus";
                        Map<String, YamlNode> bf = fields(b, bw, Set.of("service", "amount", "validDays", "priority", "scope"));
                        int s = ref(required(bf, b, "service", bw), serviceIds, "service", bw);
                        ServiceKind sk = s >= 0 ? serviceKinds.get(s) : null;
                        long units = quantity(required(bf, b, "amount", bw), sk, bw + " amount", 0);
                        if (sk != null && bf.get("amount") != null && units <= 0) {
                            err(bf.get("amount"), bw + " amount must be above zero");
                        }
                        int days = (int) integer(required(bf, b, "validDays", bw), bw + " validDays", 1, 3660, 30);
                        int priority = (int) integer(bf.get("priority"), bw + " priority", 0, 1000, 10);
                        BucketSource.Scope scope = BucketSource.Scope.valueOf(choice(bf.get("scope"), bw + " scope",
                                "home", "home", "roaming", "any").toUpperCase(Locale.ROOT));
                        if (s >= 0) {
                            code = sources.size();
                            sources.add(new BucketSource(code, "promotion/" + e.getKey(), BucketSource.Kind.PROMOTION,
                                    "promotion " + e.getKey()
                                    + ": " + parts.serviceNames[s] + " bonus", -1, index, s, units, priority, false, -1,
                                    scope, -1L, days));
                        }
                    }
                    promos.add(new Promotion(e.getKey(), index, Promotion.Type.TOP_UP_BONUS, pk, 0, min, code, from, until));
                }
                index++;
            }
            parts.promotions = promos.toArray(new Promotion[0]);
        }

        private long date(YamlNode n, String what, long dflt, boolean endOfDay) {
            if (n == null || n.isNull()) {
                return dflt;
            }
            String s = text(n, what);
            if (s == null) {
                return dflt;
            }
            try {
                LocalDate d = LocalDate.parse(s.trim());
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(zone).toInstant().toEpochMilli();
            } catch (DateTimeException e) {
                err(n, what + ": '" + s + "' is not a date YYYY-MM-DD");
                return dflt;
            }
        }
    }
}
