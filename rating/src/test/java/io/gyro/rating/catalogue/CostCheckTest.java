package io.gyro.rating.catalogue;

import io.gyro.rating.ChargeRequest;
import io.gyro.rating.ChargeResult;
import io.gyro.rating.Fixtures;
import io.gyro.rating.Outcome;
import io.gyro.rating.Rater;
import io.gyro.rating.tariff.Tariff;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.gyro.rating.catalogue.CatalogueLoaderTest.BASE;
import static io.gyro.rating.catalogue.CatalogueLoaderTest.lineOf;
import static io.gyro.rating.catalogue.CatalogueLoaderTest.load;
import static io.gyro.rating.catalogue.CatalogueLoaderTest.replace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loader's price-below-cost check (CATALOGUE.md, "Rates below cost"): which tiers are reported,
 * where, what rounding does to them, annotations, and the strict option. Where a case says from
 * which session a rate loses money, the {@link Rater} itself confirms it.
 */
class CostCheckTest {

    /** The body of BASE's data tariff {@code t-data} (bytes, used by package p for data). */
    static final String T_DATA = String.join("\n",
            "    increment: 1KB",
            "    rates:",
            "      - { price: \"0.03\", cost: \"0.005\", per: 1MB }");

    /** The body of BASE's voice tariff {@code t-voice} (seconds; its night band is at cost). */
    static final String T_VOICE = String.join("\n",
            "    increment: 60s",
            "    rates:",
            "      - { band: night, price: \"0.05\", cost: \"0.05\", per: 60s }",
            "      - { price: \"0.15\", cost: \"0.05\", per: 60s }");

    static String data(String... body) {
        return replace(BASE, T_DATA, String.join("\n", body));
    }

    static String voice(String... body) {
        return replace(BASE, T_VOICE, String.join("\n", body));
    }

    static List<CostFinding> below(CatalogueLoadResult r, String tariff) {
        return r.costFindings().stream().filter(f -> f.tariffId().equals(tariff)
                && f.verdict() == CostFinding.Verdict.BELOW_COST).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ reported

    static Stream<Arguments> belowCost() {
        return Stream.of(
                Arguments.of("priceBelowCostPerMb",
                        data("    increment: 1KB", "    rates:",
                                "      - { price: \"0.004\", cost: \"0.005\", per: 1MB }"),
                        "t-data", "price: \"0.004\"",
                        "tariff 't-data' rate 1: price 0.004 is below the wholesale cost 0.005 per 1MB; a session is"
                                + " below cost from its first 1KB (sold for 0.000004, costs 0.000005); used by p (data)",
                        1024L),
                Arguments.of("freeBandWithACost",
                        data("    increment: 1KB", "    rates:",
                                "      - { band: night, price: \"0\", cost: \"0.004\", per: 1MB }",
                                "      - { price: \"0.03\", cost: \"0.005\", per: 1MB }"),
                        "t-data", "band: night, price: \"0\"",
                        "tariff 't-data' rate 1 (band 'night'): free (price 0) but the wholesale cost is 0.004 per 1MB;"
                                + " a session is below cost from its first 1KB (sold for 0.00, costs 0.000004)",
                        1024L),
                Arguments.of("tierAfterOneGbBelowCostPaidByTheFirstGb",
                        data("    increment: 1KB", "    rates:",
                                "      - tiers:",
                                "          - { upTo: 1GB, price: \"0.02\", cost: \"0.005\", per: 1MB }",
                                "          - { price: \"0.004\", cost: \"0.005\", per: 1MB }"),
                        "t-data", "price: \"0.004\"",
                        // 1 GB earns 15.36; 0.001 lost per further MB: the 15,361st MB after the first GB loses
                        "tariff 't-data' rate 1 tier 2: price 0.004 is below the wholesale cost 0.005 per 1MB;"
                                + " a session at this rate is below cost from 16777217KB",
                        16 * Fixtures.GB + 1024),
                Arguments.of("roundPriceToKeepsSmallSessionsAboveCostOnly",
                        data("    increment: 10KB", "    roundPriceTo: \"0.01\"", "    rates:",
                                "      - { price: \"0.004\", cost: \"0.005\", per: 1MB }"),
                        "t-data", "price: \"0.004\"",
                        // every session pays at least 0.01; the cost passes 0.01 just after 2 MB
                        "roundPriceTo 0.01 keeps small sessions at or above cost (the first 10KB is sold for 0.01 and"
                                + " costs 0.000049) but a session of 2050KB is already below cost",
                        2050 * 1024L),
                Arguments.of("microRoundingHidesTheLossInTheFirstIncrement",
                        data("    increment: 1KB", "    rates:",
                                "      - { price: \"0.0049\", cost: \"0.005\", per: 1MB }"),
                        "t-data", "price: \"0.0049\"",
                        "rounding to the micro keeps small sessions at or above cost (the first 1KB is sold for 0.000005"
                                + " and costs 0.000005) but a session of 5KB is already below cost",
                        5 * 1024L),
                Arguments.of("minimumChargeKeepsShortCallsAboveCostOnly",
                        voice("    increment: 6s", "    minimumCharge: \"0.10\"", "    rates:",
                                "      - { price: \"0.04\", cost: \"0.05\", per: 60s }"),
                        "t-voice", "price: \"0.04\"",
                        "minimum charge 0.10 keeps small sessions at or above cost (the first 6 s is sold for 0.10 and"
                                + " costs 0.005) but a session of 126 s is already below cost",
                        126L),
                Arguments.of("connectionFeeKeepsShortCallsAboveCostOnly",
                        voice("    increment: 60s", "    connectionFee: \"0.10\"", "    rates:",
                                "      - { price: \"0.04\", cost: \"0.05\", per: 60s }"),
                        "t-voice", "price: \"0.04\"",
                        "connection fee 0.10 keeps small sessions at or above cost (the first 60 s is sold for 0.14 and"
                                + " costs 0.05) but a session of 660 s is already below cost",
                        660L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("belowCost")
    void belowCostTierIsWarnedWithItsLineAndTheFirstLosingSession(String name, String doc, String tariff,
                                                                  String lineMarker, String fragment, long fromUnits) {
        // when
        CatalogueLoadResult r = load(doc);
        // then: a warning, not an error; the catalogue loads
        assertTrue(r.ok(), r.report());
        int line = lineOf(doc, lineMarker);
        assertEquals(1, r.warnings().size(), r.report());
        CatalogueProblem w = r.warnings().get(0);
        assertEquals(CatalogueProblem.Severity.WARNING, w.severity());
        assertEquals(line, w.line(), r.report());
        assertTrue(w.toString().startsWith("test.yaml:" + line + ":"), w.toString());
        assertTrue(w.toString().contains(": warning: "), w.toString());
        assertTrue(w.message().contains(fragment), "expected '" + fragment + "' in\n" + w.message());
        assertTrue(w.message().contains("belowCost: \""), "says how to accept it: " + w.message());
        List<CostFinding> found = below(r, tariff);
        assertEquals(1, found.size(), r.costFindings().toString());
        CostFinding f = found.get(0);
        assertEquals(fromUnits, f.belowCostFromUnits());
        assertEquals(List.of(new CostFinding.Use("p", tariff.equals("t-data") ? "data" : "voice", null, null)),
                f.usedBy());
        assertNull(f.acceptedReason());
        // and the rater agrees: the first losing session is below cost, the one an increment shorter is not
        Tariff t = r.catalogue().tariff(tariffIndex(r.catalogue(), tariff));
        long previous = fromUnits - t.incrementUnits();
        assertTrue(listPrice(r.catalogue(), f, fromUnits)[0] < listPrice(r.catalogue(), f, fromUnits)[1]);
        if (previous >= t.gridUnits(1)) {
            long[] pc = listPrice(r.catalogue(), f, previous);
            assertTrue(pc[0] >= pc[1], "one increment shorter: price " + pc[0] + " cost " + pc[1]);
        }
    }

    // ------------------------------------------------------------------ not reported

    static Stream<Arguments> atOrAboveCost() {
        return Stream.of(
                Arguments.of("priceAboveCost", BASE, "t-data", null),
                Arguments.of("priceAtCostIsANoteNotAWarning",
                        data("    increment: 1KB", "    rates:",
                                "      - { price: \"0.005\", cost: \"0.005\", per: 1MB }"),
                        "t-data", CostFinding.Verdict.AT_COST),
                Arguments.of("coarseGridAndRoundPriceToNeverPushAnAboveCostRateBelow",
                        data("    firstIncrement: 100KB", "    increment: 10KB", "    roundPriceTo: \"0.01\"",
                                "    rates:", "      - { price: \"0.0051\", cost: \"0.005\", per: 1MB }"),
                        "t-data", null),
                Arguments.of("freeAndCostless",
                        data("    increment: 1KB", "    rates:",
                                "      - { price: \"0\", cost: \"0\", per: 1MB }"),
                        "t-data", null),
                Arguments.of("minimumChargeOnAnAboveCostRate",
                        voice("    increment: 6s", "    minimumCharge: \"0.10\"", "    rates:",
                                "      - { price: \"0.06\", cost: \"0.05\", per: 60s }"),
                        "t-voice", null),
                Arguments.of("weekendBandAtCostInBase", BASE, "t-voice", CostFinding.Verdict.AT_COST));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("atOrAboveCost")
    void atOrAboveCostIsNotWarned(String name, String doc, String tariff, CostFinding.Verdict note) {
        // when
        CatalogueLoadResult r = load(doc);
        // then
        assertTrue(r.ok(), r.report());
        assertTrue(r.warnings().isEmpty(), r.report());
        assertTrue(below(r, tariff).isEmpty(), r.costFindings().toString());
        List<CostFinding> notes = r.costFindings().stream().filter(f -> f.tariffId().equals(tariff))
                .collect(Collectors.toList());
        if (note == null) {
            assertTrue(notes.isEmpty(), notes.toString());
        } else {
            assertEquals(1, notes.size(), notes.toString());
            assertEquals(note, notes.get(0).verdict());
            assertEquals(CatalogueProblem.Severity.NOTE, notes.get(0).report().severity());
            assertTrue(notes.get(0).report().message().contains("equals the wholesale cost"), notes.toString());
        }
        // and no session of the first 300 increments is below cost at the rater
        Catalogue c = r.catalogue();
        Tariff t = c.tariff(tariffIndex(c, tariff));
        CostFinding day = new CostFinding(CostFinding.Verdict.AT_COST, tariff, 1, null, 1, null, -1, List.of(),
                new CatalogueProblem("x", 1, 1, "x"));
        for (long g = t.gridUnits(1), i = 0; i < 300; i++, g += t.incrementUnits()) {
            long[] pc = listPrice(c, day, g);
            assertTrue(pc[0] >= pc[1], "session of " + g + ": price " + pc[0] + " cost " + pc[1]);
        }
    }

    // ------------------------------------------------------------------ annotations and strictness

    static Stream<Arguments> annotated() {
        return Stream.of(
                Arguments.of("flowStyleFreeBand",
                        data("    increment: 1KB", "    rates:",
                                "      - { band: night, price: \"0\", cost: \"0.004\", per: 1MB,"
                                        + " belowCost: \"night data is a promotion\" }",
                                "      - { price: \"0.03\", cost: \"0.005\", per: 1MB }")),
                Arguments.of("tieredRateCoversItsTiers",
                        data("    increment: 1KB", "    rates:",
                                "      - belowCost: \"night data is a promotion\"",
                                "        tiers:",
                                "          - { upTo: 1GB, price: \"0.003\", cost: \"0.005\", per: 1MB }",
                                "          - { price: \"0.001\", cost: \"0.005\", per: 1MB }")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("annotated")
    void annotatedBelowCostRateIsNotWarned(String name, String doc) {
        // when
        CatalogueLoadResult strict = CatalogueLoader.load("test.yaml", new StringReader(doc),
                CatalogueLoader.Options.STRICT);
        CatalogueLoadResult r = load(doc);
        // then: no warning, and strict loads it too
        assertTrue(r.ok(), r.report());
        assertTrue(r.warnings().isEmpty(), r.report());
        assertTrue(strict.ok(), strict.report());
        List<CostFinding> found = below(r, "t-data");
        assertFalse(found.isEmpty());
        for (CostFinding f : found) {
            assertEquals("night data is a promotion", f.acceptedReason());
            assertEquals(CatalogueProblem.Severity.NOTE, f.report().severity());
            assertTrue(f.report().message().endsWith("accepted: belowCost: \"night data is a promotion\""),
                    f.report().message());
        }
    }

    static Stream<Arguments> reasonlessAnnotations() {
        return Stream.of(
                Arguments.of("emptyReason", "belowCost: \"\""),
                Arguments.of("blankReason", "belowCost: \"   \""),
                Arguments.of("bareTrue", "belowCost: true"),
                Arguments.of("bareYes", "belowCost: yes"),
                Arguments.of("nullReason", "belowCost: ~"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reasonlessAnnotations")
    void annotationWithoutAReasonIsAnError(String name, String annotation) {
        // given
        String doc = data("    increment: 1KB", "    rates:",
                "      - { price: \"0.004\", cost: \"0.005\", per: 1MB, " + annotation + " }");
        // when
        CatalogueLoadResult r = load(doc);
        // then
        assertFalse(r.ok());
        int line = lineOf(doc, "belowCost");
        assertTrue(r.problems().stream().anyMatch(p -> p.line() == line && p.isError()
                && p.message().contains("tariff 't-data' rate 1 belowCost: give the reason")), r.report());
    }

    @Test
    void annotationOnARateAboveCostIsWarnedAsStale() {
        // given
        String doc = data("    increment: 1KB", "    rates:",
                "      - { price: \"0.03\", cost: \"0.005\", per: 1MB, belowCost: \"launch offer\" }");
        // when
        CatalogueLoadResult r = load(doc);
        // then
        assertTrue(r.ok(), r.report());
        assertEquals(1, r.warnings().size(), r.report());
        assertEquals(lineOf(doc, "launch offer"), r.warnings().get(0).line());
        assertTrue(r.warnings().get(0).message().contains("belowCost is written but no tier of this rate is at or below"),
                r.report());
    }

    @Test
    void strictTurnsBelowCostWarningsIntoErrorsButNotAtCostNotes() {
        // given
        String doc = data("    increment: 1KB", "    rates:",
                "      - { price: \"0.004\", cost: \"0.005\", per: 1MB }");
        // when
        CatalogueLoadResult r = CatalogueLoader.load("test.yaml", new StringReader(doc), CatalogueLoader.Options.STRICT);
        CatalogueLoadResult base = CatalogueLoader.load("test.yaml", new StringReader(BASE),
                CatalogueLoader.Options.STRICT);
        // then
        assertFalse(r.ok());
        assertNull(r.catalogue());
        assertTrue(r.warnings().isEmpty(), r.report());
        assertEquals(1, r.problems().size(), r.report());
        CatalogueProblem p = r.problems().get(0);
        assertEquals(CatalogueProblem.Severity.ERROR, p.severity());
        assertEquals(lineOf(doc, "price: \"0.004\""), p.line());
        assertTrue(p.toString().contains(": tariff 't-data' rate 1: price 0.004 is below"), p.toString());
        assertFalse(p.toString().contains("warning:"), p.toString());
        assertTrue(p.message().endsWith("(an error: the catalogue is loaded strictly)"), p.message());
        assertEquals(CatalogueProblem.Severity.ERROR, below(r, "t-data").get(0).report().severity());
        assertTrue(base.ok(), "the at-cost night voice band is a note, never an error: " + base.report());
    }

    @Test
    void unusedTariffIsStillChecked() {
        // given: a below-cost tariff no package names
        String doc = replace(BASE, "packages:", String.join("\n",
                "  t-spare:",
                "    unit: bytes",
                "    rates:",
                "      - { price: \"0.001\", cost: \"0.005\", per: 1MB }",
                "packages:"));
        // when
        CatalogueLoadResult r = load(doc);
        // then
        assertTrue(r.ok(), r.report());
        assertEquals(1, r.warnings().size(), r.report());
        assertTrue(r.warnings().get(0).message().contains("used by no package"), r.report());
        assertTrue(below(r, "t-spare").get(0).usedBy().isEmpty());
    }

    @Test
    void priceThatDoesNotParseIsAnErrorNotAFreeRate() {
        String doc = data("    increment: 1KB", "    rates:", "      - { price: \"-0.03\", cost: \"0.005\", per: 1MB }");
        CatalogueLoadResult r = load(doc);
        assertFalse(r.ok());
        assertTrue(r.warnings().isEmpty(), r.report());
        assertTrue(below(r, "t-data").isEmpty(), r.costFindings().toString());
    }

    @Test
    void sampleCataloguesLoadStrictlyWithOnlyTheAcceptedNightBandAndTheAtCostWeekendBand() throws IOException {
        List<Path> samples;
        try (Stream<Path> s = Files.list(Fixtures.configDir())) {
            samples = s.filter(p -> p.getFileName().toString().matches("catalogue.*\\.ya?ml")).sorted()
                    .collect(Collectors.toList());
        }
        assertTrue(samples.size() >= 2, samples.toString());
        for (Path p : samples) {
            // when
            CatalogueLoadResult r = CatalogueLoader.load(p, CatalogueLoader.Options.STRICT);
            // then
            assertTrue(r.ok(), p + ":\n" + r.report());
            assertTrue(r.warnings().isEmpty(), p + ":\n" + r.report());
            Set<String> found = r.costFindings().stream()
                    .map(f -> f.tariffId() + "/" + f.band() + "/" + f.tier() + "/" + f.verdict() + "/" + f.accepted())
                    .collect(Collectors.toSet());
            assertEquals(Set.of("data-max-data/night/1/BELOW_COST/true", "voice-weekend/weekend/1/AT_COST/false"), found,
                    p.toString());
            CostFinding night = below(r, "data-max-data").get(0);
            assertEquals(List.of(new CostFinding.Use("data-max", "data", null, null)), night.usedBy());
        }
    }

    // ------------------------------------------------------------------ the search against the rater

    /**
     * For random data tariffs (price around the cost, grid, first increment, minimum charge,
     * roundPriceTo, connection fee), the session the loader names as the first below cost is
     * below cost at the rater, and no shorter session on the grid is (checked up to 400
     * increments); a rate not reported loses on none of the first 400 increments.
     */
    @Property(tries = 150)
    void firstLosingSessionIsTheRatersFirstLosingSession(@ForAll long seed) {
        Random rnd = new Random(seed);
        long cost = 1 + rnd.nextInt(20_000);
        long price = Math.max(0, cost + rnd.nextInt(2_001) - 1_500);
        String[] grids = {"1KB", "10KB", "100KB", "1"};
        String[] pers = {"1KB", "1MB", "100KB"};
        StringBuilder body = new StringBuilder();
        if (rnd.nextInt(3) == 0) {
            body.append("    firstIncrement: ").append(new String[] {"50KB", "1MB", "3KB"}[rnd.nextInt(3)]).append('\n');
        }
        body.append("    increment: ").append(grids[rnd.nextInt(grids.length)]).append('\n');
        if (rnd.nextBoolean()) {
            body.append("    minimumCharge: \"").append(new String[] {"0.001", "0.01", "0.000050"}[rnd.nextInt(3)])
                    .append("\"\n");
        }
        if (rnd.nextBoolean()) {
            body.append("    roundPriceTo: \"").append(new String[] {"0.01", "0.001", "0.000010"}[rnd.nextInt(3)])
                    .append("\"\n");
        }
        if (rnd.nextInt(3) == 0) {
            body.append("    connectionFee: \"0.0001\"\n");
        }
        body.append("    rates:\n      - { price: \"").append(io.gyro.rating.money.Money.format(price))
                .append("\", cost: \"").append(io.gyro.rating.money.Money.format(cost)).append("\", per: ")
                .append(pers[rnd.nextInt(pers.length)]).append(" }");
        String doc = replace(BASE, T_DATA, body.toString());
        CatalogueLoadResult r = load(doc);
        assertTrue(r.ok(), doc + "\n" + r.report());
        Catalogue c = r.catalogue();
        Tariff t = c.tariff(tariffIndex(c, "t-data"));
        List<CostFinding> found = below(r, "t-data");
        assertEquals(price < cost, !found.isEmpty(), body.toString());
        long from = found.isEmpty() ? -1 : found.get(0).belowCostFromUnits();
        CostFinding day = new CostFinding(CostFinding.Verdict.BELOW_COST, "t-data", 1, null, 1, null, from, List.of(),
                new CatalogueProblem("x", 1, 1, "x"));
        long g = t.gridUnits(1);
        for (int i = 0; i < 400 && (from < 0 || g < from); i++, g += t.incrementUnits()) {
            long[] pc = listPrice(c, day, g);
            assertTrue(pc[0] >= pc[1], body + "\nsession of " + g + " is below cost (" + pc[0] + " < " + pc[1]
                    + ") but the loader says from " + from);
        }
        if (from > 0) {
            long[] pc = listPrice(c, day, from);
            assertTrue(pc[0] < pc[1], body + "\nsession of " + from + ": " + pc[0] + " >= " + pc[1]);
        }
    }

    static Stream<Arguments> unreachableLosses() {
        return Stream.of(
                // a 1000.00 connection fee and 1 micro lost per MB: the first loss is past 1 PB
                Arguments.of("lossBeyondTheHorizon", 0L, 1_000_000_000L, 999_999L, 1_000_000L, 1L << 20),
                // 1,000,000.00 per byte: a long session overflows a long of micros before it loses
                Arguments.of("pricesThatOverflow", 0L, 1_000_000_000_000_000L, 999_999_999_999L,
                        1_000_000_000_000L, 1L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreachableLosses")
    void searchStopsAtItsLimitsAndSaysHowFarSessionsAreClear(String name, long minimum, long fee, long price, long cost,
                                                             long per) {
        // given
        Tariff t = new Tariff("t", 0, io.gyro.rating.tariff.ServiceKind.BYTES, 1024, 0, fee, minimum, 0,
                new Tariff.Rate[] {new Tariff.Rate(null, new long[] {Long.MAX_VALUE}, new long[] {price},
                        new long[] {cost}, new long[] {per})},
                new long[] {0}, new int[] {0});
        // when
        CostCheck.Loss loss = CostCheck.firstLoss(t, 0, CostCheck.HORIZON_UNITS);
        // then
        assertEquals(-1, loss.fromUnits());
        assertTrue(loss.clearUpToUnits() >= 0 && loss.clearUpToUnits() <= CostCheck.HORIZON_UNITS, loss.toString());
    }

    // ------------------------------------------------------------------ helpers

    static int tariffIndex(Catalogue c, String id) {
        for (int i = 0; i < c.tariffCount(); i++) {
            if (c.tariff(i).id().equals(id)) {
                return i;
            }
        }
        throw new IllegalArgumentException(id);
    }

    /** {price, cost} of one whole session of {@code units} at package p's list price, in the finding's band. */
    static long[] listPrice(Catalogue c, CostFinding f, long units) {
        Rater rater = new Rater(c);
        ChargeRequest req = new ChargeRequest().clear();
        req.packageIndex = c.packageIndex("p");
        req.service = c.serviceIndexByName(f.tariffId().equals("t-voice") ? "voice" : "data");
        req.usedUnits = units;
        req.startMs = Fixtures.at("night".equals(f.band()) ? "2026-11-25T02:00" : "2026-11-25T10:00");
        req.calledNumber = "13800138000";
        ChargeResult out = new ChargeResult();
        rater.listPrice(req, out);
        assertEquals(Outcome.CHARGED, out.outcome);
        return new long[] {out.priceMicros, out.costMicros};
    }
}
