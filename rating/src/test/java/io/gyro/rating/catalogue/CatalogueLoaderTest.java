package io.gyro.rating.catalogue;

import io.gyro.rating.Fixtures;
import io.gyro.rating.tariff.FinalUnitAction;
import io.gyro.rating.tariff.NodeRole;
import io.gyro.rating.tariff.PackageDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogueLoaderTest {

    /** A small valid catalogue; cases replace one line (the one ending in the marker). */
    static final String BASE = String.join("\n",
            "currency: CNY",
            "zone: Asia/Shanghai",
            "services:",
            "  data:",
            "    unit: bytes",
            "    match:",
            "      - { context: 32251@3gpp.org, ratingGroups: [100] }",
            "    defaultQuota: 10MB",
            "  voice:",
            "    unit: seconds",
            "    match:",
            "      - { context: 32260@3gpp.org, ratingGroups: [300] }",
            "    defaultQuota: 300s",
            "timeBands:",
            "  night: { from: \"00:00\", to: \"07:00\" }",
            "  early: { from: \"06:00\", to: \"09:00\" }",
            "destinations:",
            "  national: { prefixes: [\"1\"] }",
            "  premium: { prefixes: [\"125\"], blocked: true }",
            "tariffs:",
            "  t-data:",
            "    unit: bytes",
            "    increment: 1KB",
            "    rates:",
            "      - { price: \"0.03\", cost: \"0.005\", per: 1MB }",
            "  t-voice:",
            "    unit: seconds",
            "    increment: 60s",
            "    rates:",
            "      - { band: night, price: \"0.05\", cost: \"0.05\", per: 60s }",
            "      - { price: \"0.15\", cost: \"0.05\", per: 60s }",
            "packages:",
            "  p:",
            "    fee: \"19.00\"",
            "    allowances:",
            "      - { service: data, amount: 3GB }",
            "    rates:",
            "      - { service: data, tariff: t-data }",
            "      - { service: voice, tariff: t-voice }",
            "");

    /** From data's match line to voice's: cases that change both. */
    static final String DATA_TO_VOICE_MATCH = String.join("\n",
            "      - { context: 32251@3gpp.org, ratingGroups: [100] }",
            "    defaultQuota: 10MB",
            "  voice:",
            "    unit: seconds",
            "    match:",
            "      - { context: 32260@3gpp.org, ratingGroups: [300] }");

    static String replace(String base, String oldLine, String newLine) {
        if (!base.contains(oldLine)) {
            throw new IllegalArgumentException("no line " + oldLine);
        }
        return base.replace(oldLine, newLine);
    }

    static int lineOf(String doc, String fragment) {
        String[] lines = doc.split("\n", -1);
        if (fragment.startsWith("LAST:")) {
            for (int i = lines.length - 1; i >= 0; i--) {
                if (lines[i].contains(fragment.substring(5))) {
                    return i + 1;
                }
            }
        }
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(fragment)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(fragment);
    }

    static CatalogueLoadResult load(String doc) {
        return CatalogueLoader.load("test.yaml", new StringReader(doc));
    }

    @Test
    void baseCatalogueIsValid() {
        CatalogueLoadResult r = load(BASE);
        assertTrue(r.ok(), r.report());
        assertEquals(156, r.catalogue().currencyNumericCode());
        assertEquals(0, r.catalogue().serviceIndex("32251@3gpp.org", 100, -1));
    }

    static Stream<Arguments> invalidCatalogues() {
        return Stream.of(
                Arguments.of("unknownTariffReference",
                        "      - { service: voice, tariff: t-voice }", "      - { service: voice, tariff: t-vioce }",
                        "t-vioce", "unknown tariff 't-vioce'"),
                Arguments.of("unknownServiceReference",
                        "      - { service: data, amount: 3GB }", "      - { service: dat, amount: 3GB }",
                        "service: dat,", "unknown service 'dat'"),
                Arguments.of("negativePrice",
                        "      - { price: \"0.15\", cost: \"0.05\", per: 60s }",
                        "      - { price: \"-0.15\", cost: \"0.05\", per: 60s }", "-0.15", "negative"),
                Arguments.of("tooManyDecimals",
                        "      - { price: \"0.03\", cost: \"0.005\", per: 1MB }",
                        "      - { price: \"0.0300001\", cost: \"0.005\", per: 1MB }", "0.0300001", "more than 6 decimals"),
                Arguments.of("badDecimal",
                        "    fee: \"19.00\"", "    fee: \"19,00.5x\"", "fee:", "not a decimal"),
                Arguments.of("unitMismatchTariff",
                        "      - { service: voice, tariff: t-voice }", "      - { service: voice, tariff: t-data }",
                        "service: voice, tariff: t-data", "unit mismatch"),
                Arguments.of("unitMismatchQuantity",
                        "      - { service: data, amount: 3GB }", "      - { service: data, amount: 100min }",
                        "100min", "unit mismatch"),
                Arguments.of("overlappingTimeBands",
                        "      - { price: \"0.15\", cost: \"0.05\", per: 60s }",
                        "      - { band: early, price: \"0.10\", cost: \"0.05\", per: 60s }\n"
                                + "      - { price: \"0.15\", cost: \"0.05\", per: 60s }",
                        "band: early", "overlaps band 'night'"),
                Arguments.of("unreachableTier",
                        "      - { price: \"0.03\", cost: \"0.005\", per: 1MB }",
                        "      - tiers:\n          - { price: \"0.03\", cost: \"0.005\", per: 1MB }\n"
                                + "          - { price: \"0.01\", cost: \"0.005\", per: 1MB }",
                        "price: \"0.01\"", "unreachable"),
                Arguments.of("tierNotAscending",
                        "      - { price: \"0.03\", cost: \"0.005\", per: 1MB }",
                        "      - tiers:\n          - { upTo: 1GB, price: \"0.03\", cost: \"0.005\", per: 1MB }\n"
                                + "          - { upTo: 500MB, price: \"0.02\", cost: \"0.005\", per: 1MB }\n"
                                + "          - { price: \"0.01\", cost: \"0.005\", per: 1MB }",
                        "upTo: 500MB", "unreachable"),
                Arguments.of("duplicatePackageId",
                        "packages:\n  p:", "packages:\n  p:\n    fee: \"1.00\"\n  p:",
                        "LAST:  p:", "duplicate key 'p'"),
                Arguments.of("unknownField",
                        "    fee: \"19.00\"", "    fees: \"19.00\"", "fees:", "unknown field 'fees'"),
                Arguments.of("unknownTimeZone",
                        "zone: Asia/Shanghai", "zone: Asia/Beijing", "zone:", "not a time zone"),
                Arguments.of("unknownCurrency",
                        "currency: CNY", "currency: RMB", "currency:", "ISO 4217"),
                Arguments.of("redirectWithoutUrl",
                        "    fee: \"19.00\"", "    fee: \"19.00\"\n    finalUnit: { action: redirect }",
                        "finalUnit", "needs a redirectUrl"),
                Arguments.of("finalUnitForUnknownService",
                        "    fee: \"19.00\"", "    fee: \"19.00\"\n    finalUnit:\n      action: terminate\n      services:\n        dat: { action: terminate }",
                        "dat: { action", "unknown service 'dat'"),
                Arguments.of("finalUnitServiceRedirectWithoutUrl",
                        "    fee: \"19.00\"", "    fee: \"19.00\"\n    finalUnit:\n      action: terminate\n      services:\n        data: { action: redirect }",
                        "data: { action: redirect }", "needs a redirectUrl"),
                Arguments.of("finalUnitServiceRestrictWithoutFilter",
                        "    fee: \"19.00\"", "    fee: \"19.00\"\n    finalUnit:\n      action: terminate\n      services:\n        voice: { action: restrict }",
                        "voice: { action: restrict }", "needs a filterId"),
                Arguments.of("finalUnitServiceUnknownField",
                        "    fee: \"19.00\"", "    fee: \"19.00\"\n    finalUnit:\n      action: terminate\n      services:\n        data:\n          action: redirect\n          redirectUrl: \"http://a.cn/\"\n          url: \"http://a.cn/\"",
                        "url: \"http", "unknown field 'url'"),
                Arguments.of("sameApnAndRatingGroupClaimedTwice",
                        DATA_TO_VOICE_MATCH,
                        DATA_TO_VOICE_MATCH.replace("ratingGroups: [100] }",
                                        "ratingGroups: [100] }\n      - { context: 32251@3gpp.org, ratingGroups: [100], apns: [app.example] }")
                                .replace("32260@3gpp.org, ratingGroups: [300] }",
                                        "32251@3gpp.org, ratingGroups: [100], apns: [APP.Example] }"),
                        "apns: [APP.Example]", "already belongs to service 'data'"),
                Arguments.of("sameRatTypeAndRatingGroupClaimedTwice",
                        DATA_TO_VOICE_MATCH,
                        DATA_TO_VOICE_MATCH.replace("ratingGroups: [100] }",
                                        "ratingGroups: [100] }\n      - { context: 32251@3gpp.org, ratingGroups: [100], ratTypes: [NR] }")
                                .replace("32260@3gpp.org, ratingGroups: [300] }",
                                        "32251@3gpp.org, ratingGroups: [100], ratTypes: [1006] }"),
                        "ratTypes: [1006]", "already belongs to service 'data'"),
                Arguments.of("sameRoleAndRatingGroupClaimedTwice",
                        DATA_TO_VOICE_MATCH,
                        DATA_TO_VOICE_MATCH.replace("32260@3gpp.org, ratingGroups: [300] }",
                                "32260@3gpp.org, ratingGroups: [300], roles: [terminating] }\n"
                                        + "      - { context: 32260@3gpp.org, ratingGroups: [300], roles: [Terminating] }")
                                .replace("ratingGroups: [100] }",
                                        "ratingGroups: [100] }\n      - { context: 32260@3gpp.org, ratingGroups: [300],"
                                                + " roles: [originating, terminating] }"),
                        "roles: [terminating] }", "Rating-Group 300 in the terminating role under"
                                + " 32260@3gpp.org already belongs to service 'data'"),
                Arguments.of("sameRoleWithoutRatingGroupClaimedTwice",
                        DATA_TO_VOICE_MATCH,
                        DATA_TO_VOICE_MATCH.replace("32260@3gpp.org, ratingGroups: [300] }",
                                "32260@3gpp.org, roles: [terminating] }")
                                .replace("ratingGroups: [100] }",
                                        "ratingGroups: [100] }\n      - { context: 32260@3gpp.org, roles: [terminating] }"),
                        "LAST:roles: [terminating] }", "requests without Rating-Group in the terminating role"),
                Arguments.of("unknownRole",
                        "      - { context: 32260@3gpp.org, ratingGroups: [300] }",
                        "      - { context: 32260@3gpp.org, ratingGroups: [300], roles: [incoming] }",
                        "roles: [incoming]", "'incoming' is not a role of node"),
                Arguments.of("unknownRatType",
                        "      - { context: 32251@3gpp.org, ratingGroups: [100] }",
                        "      - { context: 32251@3gpp.org, ratingGroups: [100], ratTypes: [LTE] }",
                        "ratTypes: [LTE]", "not a RAT-Type"),
                Arguments.of("badApn",
                        "      - { context: 32251@3gpp.org, ratingGroups: [100] }",
                        "      - { context: 32251@3gpp.org, ratingGroups: [100], apns: [\"app example\"] }",
                        "app example", "not an APN"),
                Arguments.of("fallbackInAnotherUnit",
                        "    defaultQuota: 300s", "    defaultQuota: 300s\n    fallback: data",
                        "fallback: data", "unit"),
                Arguments.of("fallbackToUnknownService",
                        "    defaultQuota: 300s", "    defaultQuota: 300s\n    fallback: vioce",
                        "fallback: vioce", "unknown service 'vioce'"),
                Arguments.of("allowanceWithoutRate",
                        "      - { service: data, tariff: t-data }", "", "service: data, amount", "no rate for it"),
                Arguments.of("duplicatePrefix",
                        "  premium: { prefixes: [\"125\"], blocked: true }",
                        "  premium: { prefixes: [\"1\"], blocked: true }", "premium:", "already in zone 'national'"),
                Arguments.of("rateForBlockedDestination",
                        "      - { service: voice, tariff: t-voice }",
                        "      - { service: voice, tariff: t-voice, destination: premium }",
                        "destination: premium", "blocked"),
                Arguments.of("badTimeOfDay",
                        "  early: { from: \"06:00\", to: \"09:00\" }", "  early: { from: \"06:00\", to: \"25:00\" }",
                        "early:", "HH:MM"),
                Arguments.of("duplicateRatingGroup",
                        "      - { context: 32260@3gpp.org, ratingGroups: [300] }",
                        "      - { context: 32251@3gpp.org, ratingGroups: [100] }",
                        "LAST:ratingGroups: [100] }", "already belongs to service 'data'"),
                Arguments.of("yamlSyntaxError",
                        "  data:", "  data: [unclosed", "data: [unclosed", "YAML syntax error")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCatalogues")
    void eachProblemIsReportedWithItsLine(String name, String oldLine, String newLine, String lineMarker,
                                          String messageFragment) {
        String doc = replace(BASE, oldLine, newLine);
        CatalogueLoadResult r = load(doc);
        assertFalse(r.ok());
        assertNull(r.catalogue(), "a failing catalogue never yields a Catalogue");
        int expectedLine = lineOf(doc, lineMarker);
        boolean found = r.problems().stream().anyMatch(p -> p.message().contains(messageFragment)
                && Math.abs(p.line() - expectedLine) <= (name.equals("yamlSyntaxError") ? 2 : 0));
        assertTrue(found, "expected '" + messageFragment + "' at test.yaml:" + expectedLine + " but got:\n" + r.report());
        assertTrue(r.problems().stream().allMatch(p -> p.file().equals("test.yaml") && p.column() >= 1));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String doc = replace(replace(replace(BASE,
                        "      - { price: \"0.03\", cost: \"0.005\", per: 1MB }",
                        "      - { price: \"-0.03\", cost: \"0.005\", per: 1MB }"),
                "      - { service: voice, tariff: t-voice }", "      - { service: voice, tariff: nope }"),
                "zone: Asia/Shanghai", "zone: Mars/Olympus");
        CatalogueLoadResult r = load(doc);
        assertFalse(r.ok());
        List<Integer> lines = r.problems().stream().map(CatalogueProblem::line).collect(Collectors.toList());
        assertTrue(lines.contains(lineOf(doc, "Mars/Olympus")), r.report());
        assertTrue(lines.contains(lineOf(doc, "-0.03")), r.report());
        assertTrue(lines.contains(lineOf(doc, "tariff: nope")), r.report());
        assertEquals(3, r.problems().size(), r.report());
        assertTrue(r.report().startsWith("test.yaml:2:"), r.report());
    }

    @Test
    void everySampleCatalogueLoads() throws IOException {
        Path config = Fixtures.configDir();
        List<Path> samples;
        try (Stream<Path> s = Files.list(config)) {
            samples = s.filter(p -> p.getFileName().toString().matches("catalogue.*\\.ya?ml")).sorted()
                    .collect(Collectors.toList());
        }
        assertTrue(samples.size() >= 2, "expected catalogue.yaml and at least one more sample: " + samples);
        for (Path p : samples) {
            CatalogueLoadResult r = CatalogueLoader.load(p);
            assertTrue(r.ok(), p + ":\n" + r.report());
            Catalogue c = r.catalogue();
            for (String id : List.of("basic", "data-max", "voice-max", "day-pass", "payg", "roaming-addon",
                    "video-app-pass")) {
                assertTrue(c.packageIndex(id) >= 0, p + " lacks package " + id);
            }
            assertTrue(c.promotionCount() >= 1, p + " has no promotion");
            assertEquals("CNY", c.currency());
            assertEquals(156, c.currencyNumericCode());
            assertEquals("Asia/Shanghai", c.zone().getId());
        }
    }

    @Test
    void sampleMapsServicesAsTheEngineExpects() {
        Catalogue c = Fixtures.sample();
        int data = c.serviceIndex("32251@3gpp.org", 100, -1);
        int sms = c.serviceIndex("32274@3gpp.org", 200, -1);
        int voice = c.serviceIndex("32260@3gpp.org", 300, -1);
        assertNotNull(c.unitKind(data));
        assertEquals("data", c.serviceName(data));
        assertEquals(data, c.serviceIndex(new StringBuilder("32251@3gpp.org"), 101, -1));
        assertEquals("sms", c.serviceName(sms));
        assertEquals(sms, c.serviceIndex("32274@3gpp.org", -1, -1));
        assertEquals("voice", c.serviceName(voice));
        assertEquals(voice, c.serviceIndex("32251@3gpp.org", 300, -1));
        assertEquals(-1, c.serviceIndex("32251@3gpp.org", 999, -1));
        assertEquals(-1, c.serviceIndex("unknown@3gpp.org", 100, -1));
        assertEquals(data, c.serviceIndex("32251@3gpp.org", -1, -1), "no Rating-Group: the context's entry without one");
        assertEquals(sms, c.serviceIndex("32274@3gpp.org", -1, 1), "a Service-Identifier no entry claims, no Rating-Group");
        assertEquals(voice, c.serviceIndex("ext.01.001.8.32260@3gpp.org", -1, -1), "TS 32.299 §7.1.12 long form");
        assertEquals(data, c.serviceIndex("8.32251@3gpp.org", 100, -1));
        assertEquals(-1, c.serviceIndex("8.32251@other.org", 100, -1));
    }

    @Test
    void apnSpecificServiceMatchedFirst() {
        // given: the sample maps Rating-Group 500, and Rating-Groups 100/101 on the partner app's APN, to video-app
        Catalogue c = Fixtures.sample();
        int data = c.serviceIndexByName("data");
        int video = c.serviceIndexByName("video-app");
        // then
        assertEquals(data, c.serviceIndex("32251@3gpp.org", 100, -1, "", -1));
        assertEquals(data, c.serviceIndex("32251@3gpp.org", 100, -1, "cmnet", 1004));
        assertEquals(video, c.serviceIndex("32251@3gpp.org", 100, -1, "video.gyro-mobile.cn", 1004));
        assertEquals(video, c.serviceIndex("32251@3gpp.org", 101, -1, new StringBuilder("VIDEO.Gyro-Mobile.CN"), -1),
                "APN compared without case");
        assertEquals(data, c.serviceIndex("32251@3gpp.org", 100, -1, "video.gyro-mobile.cn.mnc001", -1));
        assertEquals(video, c.serviceIndex("32251@3gpp.org", 500, -1, "cmnet", 1006));
        assertEquals(data, c.serviceIndex("32251@3gpp.org", 100, -1), "the 3-argument lookup is the generic entry");
        assertEquals(data, c.fallbackService(video));
        assertEquals(-1, c.fallbackService(data));
    }

    @Test
    void ratTypeSpecificServiceMatchedAfterApn() {
        // given: one Rating-Group, four services by APN and RAT-Type
        String doc = replace(BASE, "  voice:\n", String.join("\n",
                "  data-5g:",
                "    unit: bytes",
                "    match: [{ context: 32251@3gpp.org, ratingGroups: [100], ratTypes: [NR] }]",
                "    defaultQuota: 10MB",
                "  data-app:",
                "    unit: bytes",
                "    match: [{ context: 32251@3gpp.org, ratingGroups: [100], apns: [app.example] }]",
                "    defaultQuota: 10MB",
                "  data-app-lte:",
                "    unit: bytes",
                "    match: [{ context: 32251@3gpp.org, ratingGroups: [100], apns: [app.example], ratTypes: [EUTRAN, 1000] }]",
                "    defaultQuota: 10MB",
                "  voice:\n"));
        CatalogueLoadResult r = load(doc);
        assertTrue(r.ok(), r.report());
        Catalogue c = r.catalogue();
        // then: APN and RAT > APN > RAT > generic
        assertEquals("data", c.serviceName(c.serviceIndex("32251@3gpp.org", 100, -1, "", -1)));
        assertEquals("data-5g", c.serviceName(c.serviceIndex("32251@3gpp.org", 100, -1, "other.apn", 1006)));
        assertEquals("data-app", c.serviceName(c.serviceIndex("32251@3gpp.org", 100, -1, "APP.example", 1006)));
        assertEquals("data-app", c.serviceName(c.serviceIndex("32251@3gpp.org", 100, -1, "app.example", -1)));
        assertEquals("data-app-lte", c.serviceName(c.serviceIndex("32251@3gpp.org", 100, -1, "app.example", 1004)));
        assertEquals("data-app-lte", c.serviceName(c.serviceIndex("32251@3gpp.org", 100, -1, "app.example", 1000)));
        assertEquals("data", c.serviceName(c.serviceIndex("32251@3gpp.org", 100, -1, "other.apn", 1004)));
        assertEquals(-1, c.serviceIndex("32251@3gpp.org", 101, -1, "app.example", 1006));
    }

    @Test
    void terminatingRoleMatchesTheIncomingService() {
        // given: the sample maps Rating-Group 300 (or none) under 32260@3gpp.org to voice, and the same in the
        // terminating role (Role-of-Node 1, an incoming call) to voice-incoming
        Catalogue c = Fixtures.sample();
        int voice = c.serviceIndexByName("voice");
        int incoming = c.serviceIndexByName("voice-incoming");
        // then
        assertEquals(incoming, c.serviceIndex("32260@3gpp.org", 300, -1, "", -1, NodeRole.TERMINATING));
        assertEquals(incoming, c.serviceIndex("32260@3gpp.org", -1, -1, "", -1, NodeRole.TERMINATING), "no Rating-Group");
        assertEquals(incoming, c.serviceIndex("32260@3gpp.org", -1, 1, "", -1, NodeRole.TERMINATING),
                "a Service-Identifier no entry claims");
        assertEquals(incoming, c.serviceIndex("ext.01.001.8.32260@3gpp.org", 300, -1, "ims", 1004, NodeRole.TERMINATING),
                "long form, with an APN and a RAT-Type no entry names");
        assertEquals(voice, c.serviceIndex("32260@3gpp.org", 300, -1, "", -1, NodeRole.ORIGINATING));
        assertEquals(voice, c.serviceIndex("32260@3gpp.org", -1, -1, "", -1, NodeRole.FORWARDING));
        assertEquals(voice, c.serviceIndex("32260@3gpp.org", 300, -1, "", -1, NodeRole.ABSENT), "no Role-of-Node");
        assertEquals(voice, c.serviceIndex("32260@3gpp.org", 300, -1, "", -1, 7), "a role no entry names");
        assertEquals(voice, c.serviceIndex("32260@3gpp.org", 300, -1), "the 3-argument lookup has no role");
        assertEquals(voice, c.serviceIndex("32260@3gpp.org", 300, -1, "", -1), "the 5-argument lookup has no role");
        assertEquals(voice, c.serviceIndex("32251@3gpp.org", 300, -1, "", -1, NodeRole.TERMINATING),
                "no terminating entry under the PGW's context");
        assertEquals(-1, c.serviceIndex("32260@3gpp.org", 999, -1, "", -1, NodeRole.TERMINATING));
    }

    @Test
    void roleIsMoreSpecificThanApnAndRatType() {
        // given: one Rating-Group, services by role, APN and RAT-Type
        String doc = replace(BASE, "  voice:\n", String.join("\n",
                "  voice-volte:",
                "    unit: seconds",
                "    match: [{ context: 32260@3gpp.org, ratingGroups: [300], apns: [ims], ratTypes: [EUTRAN] }]",
                "    defaultQuota: 300s",
                "  voice-in:",
                "    unit: seconds",
                "    match: [{ context: 32260@3gpp.org, ratingGroups: [300], roles: [terminating, forwarding] }]",
                "    defaultQuota: 300s",
                "  voice-in-nr:",
                "    unit: seconds",
                "    match: [{ context: 32260@3gpp.org, ratingGroups: [300], roles: [terminating], ratTypes: [NR] }]",
                "    defaultQuota: 300s",
                "  voice-out:",
                "    unit: seconds",
                "    match: [{ context: 32260@3gpp.org, roles: [originating] }]",
                "    defaultQuota: 300s",
                "  voice:\n"));
        CatalogueLoadResult r = load(doc);
        assertTrue(r.ok(), r.report());
        Catalogue c = r.catalogue();
        // then: role+RAT > role > APN+RAT > generic
        assertEquals("voice-in-nr", c.serviceName(c.serviceIndex("32260@3gpp.org", 300, -1, "ims", 1006, 1)));
        assertEquals("voice-in", c.serviceName(c.serviceIndex("32260@3gpp.org", 300, -1, "ims", 1004, 1)),
                "the role wins over APN and RAT-Type");
        assertEquals("voice-in", c.serviceName(c.serviceIndex("32260@3gpp.org", 300, -1, "", -1, 2)));
        assertEquals("voice-volte", c.serviceName(c.serviceIndex("32260@3gpp.org", 300, -1, "IMS", 1004, 0)));
        assertEquals("voice-volte", c.serviceName(c.serviceIndex("32260@3gpp.org", 300, -1, "ims", 1004, -1)));
        assertEquals("voice", c.serviceName(c.serviceIndex("32260@3gpp.org", 300, -1, "", -1, 0)));
        assertEquals("voice-out", c.serviceName(c.serviceIndex("32260@3gpp.org", -1, -1, "", -1, 0)),
                "no Rating-Group: the originating entry without one");
        assertEquals(-1, c.serviceIndex("32260@3gpp.org", -1, -1, "", -1, 1), "nothing claims terminating without RG");
    }

    @Test
    void finalUnitActionPerService() {
        // given: basic sends data to the top-up page and ends voice and SMS
        Catalogue c = Fixtures.sample();
        PackageDef basic = c.pkg(c.packageIndex("basic"));
        int data = c.serviceIndexByName("data");
        int voice = c.serviceIndexByName("voice");
        int sms = c.serviceIndexByName("sms");
        // then
        assertEquals(FinalUnitAction.REDIRECT, basic.finalUnitAction(data));
        assertEquals("http://pay.gyro-mobile.cn/topup", basic.redirectUrl(data));
        assertEquals(FinalUnitAction.TERMINATE, basic.finalUnitAction(voice));
        assertNull(basic.redirectUrl(voice));
        assertEquals(FinalUnitAction.TERMINATE, basic.finalUnitAction(sms));
        assertEquals(FinalUnitAction.TERMINATE, basic.finalUnitAction(), "the package's own action");
        PackageDef payg = c.pkg(c.packageIndex("payg"));
        assertEquals(FinalUnitAction.RESTRICT_ACCESS, payg.finalUnitAction(voice), "no per-service entry: the package's");
        assertEquals("topup-portal-only", payg.filterId(voice));
    }

    @Test
    void destinationsByLongestPrefix() {
        Catalogue c = Fixtures.sample();
        assertEquals("national", c.destinationName(c.destinationZone("13800138000")));
        assertEquals("international", c.destinationName(c.destinationZone("+447700900123")));
        assertEquals("international", c.destinationName(c.destinationZone("00447700900123")));
        assertEquals("national", c.destinationName(c.destinationZone("+8613800138000")));
        assertEquals("premium", c.destinationName(c.destinationZone("12590123456")));
        assertEquals("premium", c.destinationName(c.destinationZone("+86 1259 0123")));
        assertEquals("national", c.destinationName(c.destinationZone("")), "no recipient: defaultDestination");
        assertEquals("national", c.destinationName(c.destinationZone(null)));
    }

    @Test
    void bucketSourceKeysAreUniqueAndSurviveAReload() {
        Catalogue now = Fixtures.sample();
        CatalogueLoadResult next = CatalogueLoader.load(Fixtures.configDir().resolve("catalogue-next-month.yaml"));
        assertTrue(next.ok(), next.report());
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int code = 0; code < now.sourceCount(); code++) {
            String key = now.bucketSource(code).key();
            assertTrue(keys.add(key), "duplicate key " + key);
            assertEquals(code, now.bucketSourceCode(key));
            assertEquals(now.bucketSource(code).label(), next.catalogue().bucketSource(next.catalogue().bucketSourceCode(key)).label());
        }
        assertEquals(-1, now.bucketSourceCode("nope"));
        assertEquals("basic/allowance/1", now.bucketSource(now.pkg(now.packageIndex("basic")).allowanceCode(0)).key());
    }
}
