package io.gyro.rating;

import io.gyro.rating.catalogue.Catalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.gyro.rating.Fixtures.GB;
import static io.gyro.rating.Fixtures.MB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session reported in several parts (CCR-U ... CCR-T): each report continues the session's
 * increment grid and money total from the position the previous report returned, so the parts
 * cost what the whole costs. 2026-11-25 is a Wednesday.
 */
class RaterSessionTest {

    private static final String OVERAGE = "overage-catalogue.yaml";
    private static final long KB = 1024;

    private static Arguments row(String name, String catalogue, Consumer<Given> given, long[] reports, long[] prices) {
        return Arguments.of(name, catalogue, given, reports, prices);
    }

    private static long[] units(long... u) {
        return u;
    }

    static Stream<Arguments> interimReports() {
        return Stream.of(
                row("voiceSixtySecondsReportedAsThirtyAndThirty", null,
                        g -> g.pkg("basic").service("voice").called("13800138000").money("50"),
                        units(30, 30), units(150_000, 0)),
                row("dataThreeHalfMegabyteReportsOnAOneMegabyteGrid", OVERAGE,
                        g -> g.pkg("main").service("data").money("50"),
                        units(MB / 2, MB / 2, MB / 2), units(290_000, 0, 290_000)),
                row("roundPriceToOnTheSessionTotalNotEachReport", null,
                        g -> g.pkg("basic").service("data").money("50"),
                        units(100 * KB, 100 * KB, 100 * KB), units(10_000, 0, 0)),
                row("minimumChargeIsTheMinimumOfTheSessionsMoneyPart", null,
                        g -> g.pkg("payg").service("voice").called("13800138000").money("50"),
                        units(3, 3, 20), units(100_000, 0, 0)),
                row("connectionFeeAndFirstIncrementOnce", null,
                        g -> g.pkg("payg").service("voice").called("+447700900123").money("50"),
                        units(30, 31), units(2_100_000, 200_000)),
                row("allowanceRunsOutBetweenReports", null,
                        g -> g.pkg("basic").service("voice").called("13800138000").money("50")
                                .allowance("basic", "voice", 90),
                        units(60, 40), units(0, 150_000)),
                row("allowanceRunsOutInsideAReportThenSlackPaysTheNext", null,
                        g -> g.pkg("basic").service("voice").called("13800138000").money("50")
                                .allowance("basic", "voice", 90),
                        units(100, 20, 40), units(150_000, 0, 150_000)),
                row("tierBoundaryInsideInterimReports", null,
                        g -> g.pkg("data-max").service("data").money("50"),
                        units(GB - MB / 2, MB), units(20_470_000, 15_000))
        );
    }

    private static Given given(String catalogue, Consumer<Given> setup) {
        Given g = catalogue == null ? new Given() : new Given(Fixtures.resource(catalogue));
        setup.accept(g);
        return g;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("interimReports")
    void interimReportsContinueTheGrid(String name, String catalogue, Consumer<Given> setup, long[] reports,
                                       long[] expectedPrices) {
        // given
        Given g = given(catalogue, setup);
        Rater rater = new Rater(g.c);
        ChargeResult out = new ChargeResult();
        long[] prices = new long[reports.length];
        long totalCost = 0;
        long totalUsed = 0;
        // when: each report carries the position the previous one returned
        for (int i = 0; i < reports.length; i++) {
            g.used(reports[i]);
            rater.charge(g.charge, g.wallet, out);
            assertEquals(Outcome.CHARGED, out.outcome);
            prices[i] = out.priceMicros;
            totalCost += out.costMicros;
            totalUsed += reports[i];
            assertEquals(totalUsed, out.sessionUnitsAfter);
            assertTrue(out.sessionRatedAfter >= out.sessionUnitsAfter, out.toString());
            assertEquals(g.charge.sessionMoneyMicrosBefore + out.priceMicros, out.sessionMoneyMicrosAfter);
            assertTrue(out.slackUnits + out.ratedUnits >= out.usedUnits, out.toString());
            g.after(out);
        }
        // then: the parts cost what one report of the whole costs
        assertArrayEquals(expectedPrices, prices, Arrays.toString(prices));
        Given whole = given(catalogue, setup).used(totalUsed);
        ChargeResult once = new ChargeResult();
        new Rater(whole.c).charge(whole.charge, whole.wallet, once);
        assertEquals(once.priceMicros, Arrays.stream(prices).sum(), once.toString());
        assertEquals(once.costMicros, totalCost, "wholesale cost is not counted twice");
        assertEquals(once.sessionRatedAfter, out.sessionRatedAfter);
        assertEquals(once.sessionMoneyMicrosAfter, out.sessionMoneyMicrosAfter);
        assertEquals(whole.wallet.moneyMicros, g.wallet.moneyMicros);
    }

    @Test
    void quotaAfterAnInterimReportGrantsThePaidSlackFirst() {
        // given: 30 s of a call reported, the first 60-s increment paid; no money left
        Given g = new Given().pkg("basic").service("voice").called("13800138000").money("0")
                .session(30, 60, "0.15", "0.15");
        QuotaResult grant = new QuotaResult();
        // when
        new Rater(g.c).quota(g.quota, g.wallet, grant);
        // then
        assertEquals(Outcome.GRANTED, grant.outcome);
        assertEquals(30, grant.grantedUnits, "the rest of the paid minute");
        assertEquals(30, grant.slackUnits);
        assertEquals(0, grant.reservedMicros);
        assertTrue(grant.finalUnits);
    }

    @Test
    void grantMidSessionReservesExactlyWhatItsUnitsWillCost() {
        // given: 30 s reported (one minute paid), 300 s asked
        Given g = new Given().pkg("basic").service("voice").called("13800138000").money("50").requested(300)
                .session(30, 60, "0.15", "0.15");
        Rater rater = new Rater(g.c);
        QuotaResult grant = new QuotaResult();
        rater.quota(g.quota, g.wallet, grant);
        assertEquals(300, grant.grantedUnits);
        assertEquals(750_000, grant.reservedMicros, "30 s paid already, 270 s on the grid = 5 minutes");
        rater.reserve(grant, g.wallet);
        // when: every granted unit is reported
        rater.release(grant, g.wallet);
        ChargeResult out = new ChargeResult();
        rater.charge(g.used(300).charge, g.wallet, out);
        // then
        assertEquals(grant.reservedMicros, out.priceMicros);
        assertEquals(330, out.sessionUnitsAfter);
        assertEquals(360, out.sessionRatedAfter);
    }

    static Stream<Arguments> allowanceToTheUnit() {
        long used = 1_288_490_189L; // 1.2 GB, rounded up to the byte
        return Stream.of(
                Arguments.of("dayPassThenMainAllowanceToTheByte",
                        (Consumer<Given>) g -> g.allowance("day-pass", "data", GB).allowance("main", "data", GB),
                        used, new long[] {GB, used - GB}, 0L, 0L),
                Arguments.of("overageRoundedOnTheGridFromWhereTheAllowanceEnded",
                        (Consumer<Given>) g -> g.allowance("day-pass", "data", GB).allowance("main", "data", 100 * MB),
                        used, new long[] {GB, 100 * MB}, 105 * MB, 30_450_000L)
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowanceToTheUnit")
    void allowanceUsedToTheUnitOnlyOverageRounded(String name, Consumer<Given> buckets, long used, long[] debits,
                                                  long moneyUnits, long price) {
        // given: 1 MB increments, the day pass spent before the main package's allowance
        Given g = new Given(Fixtures.resource(OVERAGE)).pkg("main").addon("day-pass").service("data").money("50");
        buckets.accept(g);
        ChargeResult out = new ChargeResult();
        // when
        new Rater(g.c).charge(g.used(used).charge, g.wallet, out);
        // then
        assertEquals(debits.length, out.debitCount, out.toString());
        for (int k = 0; k < debits.length; k++) {
            assertEquals(debits[k], out.debitUnits[k], out.toString());
        }
        assertEquals(moneyUnits, out.moneyUnits);
        assertEquals(price, out.priceMicros);
    }

    @Test
    void quotaHoldsRawBucketUnits() {
        // given
        long asked = 1_288_490_189L;
        Given g = new Given(Fixtures.resource(OVERAGE)).pkg("main").addon("day-pass").service("data").money("0")
                .requested(asked).allowance("day-pass", "data", GB).allowance("main", "data", GB);
        QuotaResult grant = new QuotaResult();
        // when
        new Rater(g.c).quota(g.quota, g.wallet, grant);
        // then
        assertEquals(asked, grant.grantedUnits);
        assertEquals(2, grant.reservationCount);
        assertEquals(GB, grant.reservedBucketUnits[0]);
        assertEquals(asked - GB, grant.reservedBucketUnits[1], "204.8 MB held, not 205");
    }

    @Test
    void voiceQuotaHoldsTheSecondsAskedNotWholeMinutes() {
        Given g = new Given().pkg("basic").service("voice").called("13800138000").requested(61).money("0")
                .allowance("basic", "voice", 600);
        QuotaResult grant = new QuotaResult();
        new Rater(g.c).quota(g.quota, g.wallet, grant);
        assertEquals(61, grant.grantedUnits);
        assertEquals(61, grant.reservedBucketUnits[0]);
    }

    @Test
    void reportArrivingAfterMidnightChargesWhatTheGrantReserved() {
        // given: a data grant at 23:50 in the day band of data-max (night data free from 00:00)
        Given g = new Given().pkg("data-max").service("data").at("2026-11-25T23:50").requested(50 * MB).money("10");
        Rater rater = new Rater(g.c);
        QuotaResult grant = new QuotaResult();
        rater.quota(g.quota, g.wallet, grant);
        rater.reserve(grant, g.wallet);
        assertEquals(1_000_000, grant.reservedMicros);
        // when: the report arrives 20 ms after midnight; the engine passes the grant's time as startMs
        rater.release(grant, g.wallet);
        ChargeResult out = new ChargeResult();
        rater.charge(g.used(50 * MB).charge, g.wallet, out);
        // then
        assertEquals(grant.reservedMicros, out.priceMicros, out.toString());
    }

    @Test
    void grantCloserToAChangeThanTheGuardIsChargedInTheComingBand() {
        // given: 1.999 s before midnight the grant is rated in the free night band
        Given g = new Given().pkg("data-max").service("data").at("2026-11-25T23:59:58.001").money("10");
        Rater rater = new Rater(g.c);
        QuotaResult grant = new QuotaResult();
        rater.quota(g.quota, g.wallet, grant);
        assertEquals(0, grant.reservedMicros);
        // when
        ChargeResult out = new ChargeResult();
        rater.charge(g.used(grant.grantedUnits).charge, g.wallet, out);
        // then
        assertEquals(0, out.priceMicros, out.toString());
    }

    @Test
    void singleEventsPassZerosAndLeaveNoPosition() {
        Catalogue c = Fixtures.sample();
        Given g = new Given(c).pkg("basic").service("sms").called("13800138000").used(1).money("50");
        ChargeResult out = new ChargeResult();
        new Rater(c).charge(g.charge, g.wallet, out);
        assertEquals(100_000, out.priceMicros);
        assertEquals(1, out.sessionUnitsAfter);
        assertEquals(1, out.sessionRatedAfter);
        assertEquals(100_000, out.sessionMoneyMicrosAfter);
    }
}
