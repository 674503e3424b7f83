package io.gyro.rating;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.gyro.rating.Fixtures.CNY;
import static io.gyro.rating.Fixtures.GB;
import static io.gyro.rating.Fixtures.MB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Charges of used units, one row per phase and boundary. 2026-11-25 is a Wednesday. */
class RaterChargeTest {

    private static Arguments row(String name, Consumer<Given> given, Consumer<ChargeResult> then) {
        return Arguments.of(name, given, then);
    }

    private static Consumer<ChargeResult> price(long priceMicros) {
        return r -> {
            assertEquals(Outcome.CHARGED, r.outcome);
            assertEquals(priceMicros, r.priceMicros, r.toString());
        };
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                row("voiceSixtyThenSixRounding",
                        g -> g.pkg("payg").service("voice").called("+447700900123").used(61).money("50"),
                        r -> {
                            assertEquals(66, r.ratedUnits);
                            assertEquals(2_300_000, r.priceMicros, "66 s at 2.00/min + 0.10 connection fee");
                            assertEquals(880_000, r.costMicros, "66 s at 0.80/min wholesale");
                            assertTrue(r.connectionFeeApplied);
                        }),
                row("voiceFirstIncrementExactFit",
                        g -> g.pkg("payg").service("voice").called("+447700900123").used(60).money("50"),
                        price(2_100_000)),
                row("voiceOneSecondPaysTheFirstIncrement",
                        g -> g.pkg("payg").service("voice").called("+447700900123").used(1).money("50"),
                        r -> {
                            assertEquals(60, r.ratedUnits);
                            assertEquals(2_100_000, r.priceMicros);
                        }),
                row("connectionFeeOnlyOnFirstCharge",
                        g -> g.pkg("payg").service("voice").called("+447700900123").session(60, 60, "2.00", "2.10")
                                .used(7).money("50"),
                        r -> {
                            assertEquals(12, r.ratedUnits, "after the first minute: per 6 s");
                            assertEquals(400_000, r.priceMicros);
                            assertFalse(r.connectionFeeApplied);
                        }),
                row("minimumCharge",
                        g -> g.pkg("payg").service("voice").called("13800138000").used(3).money("50"),
                        r -> {
                            assertEquals(6, r.ratedUnits);
                            assertEquals(20_000, r.rawRetailMicros);
                            assertEquals(100_000, r.priceMicros, "0.02 lifted to the 0.10 minimum");
                            assertTrue(r.minimumApplied);
                        }),
                row("minimumChargeNotOnLaterCharges",
                        g -> g.pkg("payg").service("voice").called("13800138000").session(60, 60, "0.20", "0.20")
                                .used(3).money("50"),
                        price(20_000)),
                row("minimumChargeTopsUpTheSessionMoneyPart",
                        g -> g.pkg("payg").service("voice").called("13800138000").session(12, 12, "0.04", "0.10")
                                .used(12).money("50"),
                        r -> {
                            assertEquals(0, r.priceMicros, "0.08 in total is still under the 0.10 the session paid");
                            assertEquals(80_000, r.sessionMoneyRawMicrosAfter);
                            assertEquals(100_000, r.sessionMoneyMicrosAfter);
                            assertTrue(r.minimumApplied);
                        }),
                row("minimumChargeExceeded",
                        g -> g.pkg("payg").service("voice").called("13800138000").used(31).money("50"),
                        price(120_000)),
                row("tierBoundaryExact",
                        g -> g.pkg("data-max").service("data").used(GB).money("50"),
                        price(20_480_000)),
                row("tierBoundaryPlusOneMegabyte",
                        g -> g.pkg("data-max").service("data").used(GB + MB).money("50"),
                        price(20_490_000)),
                row("tierBoundaryAcrossCharges",
                        g -> g.pkg("data-max").service("data").session(GB - MB, GB - MB, "20.46", "20.46")
                                .used(2 * MB).money("50"),
                        price(30_000)),
                row("dataRoundedToKilobyteAndFen",
                        g -> g.pkg("basic").service("data").used(1).money("50"),
                        r -> {
                            assertEquals(1024, r.ratedUnits);
                            assertEquals(30, r.rawRetailMicros);
                            assertEquals(10_000, r.priceMicros, "rounded up to one fen");
                        }),
                row("dataBeyondAllowanceRoundedToKilobyteThenFen",
                        g -> g.pkg("basic").service("data").used(15_000_000).money("50"),
                        r -> {
                            assertEquals(15_000_576, r.ratedUnits, "1 KB grid");
                            assertEquals(429_170, r.rawRetailMicros);
                            assertEquals(430_000, r.priceMicros, "0.42917 rounded up to the fen");
                            assertEquals(71_529, r.costMicros);
                        }),
                row("bucketThenMoney",
                        g -> g.pkg("basic").service("voice").called("13800138000").used(90).money("50")
                                .allowance("basic", "voice", 30),
                        r -> {
                            assertEquals(30, r.bucketUnits());
                            assertEquals(60, r.moneyUnits, "60 s left, one 60-s increment");
                            assertEquals(150_000, r.priceMicros);
                            assertEquals(90, r.ratedUnits);
                        }),
                row("bucketPaysRawUnitsNotWholeIncrements",
                        g -> g.pkg("basic").service("voice").called("13800138000").used(61).money("50")
                                .allowance("basic", "voice", 600),
                        r -> {
                            assertEquals(61, r.bucketUnits(), "an allowance is spent to the second");
                            assertEquals(0, r.priceMicros);
                            assertEquals(61, r.sessionRatedAfter);
                        }),
                row("bucketRunningOutAbsorbsItsLastIncrement",
                        g -> g.pkg("basic").service("voice").called("13800138000").used(100).money("50")
                                .allowance("basic", "voice", 90),
                        r -> {
                            assertEquals(90, r.bucketUnits());
                            assertEquals(60, r.moneyUnits, "10 s left, rounded to one increment");
                            assertEquals(150_000, r.priceMicros);
                        }),
                row("moneyShortReportsUncollected",
                        g -> g.pkg("payg").service("voice").called("13800138000").used(60).money("0.05"),
                        r -> {
                            assertEquals(200_000, r.priceMicros);
                            assertEquals(50_000, r.moneyDebitedMicros);
                            assertEquals(150_000, r.uncollectedMicros);
                        }),
                row("usageBeyondGrantStillCharged",
                        g -> g.pkg("basic").service("data").used(500 * MB).money("50"),
                        price(15_000_000)),
                row("nightDataFreeButWholesaleCost",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T02:00").used(100 * MB).money("0"),
                        r -> {
                            assertEquals(0, r.priceMicros);
                            assertEquals(400_000, r.costMicros);
                        }),
                row("nightDataFreeSpendsNoAllowance",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T02:00").used(100 * MB).money("0")
                                .allowance("data-max", "data", 30 * GB),
                        r -> {
                            assertEquals(0, r.bucketUnits());
                            assertEquals(0, r.priceMicros);
                            assertEquals(400_000, r.costMicros);
                        }),
                row("tariffChangeSplitPricesEachSide",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T06:50").used(20 * MB)
                                .tariffChange("2026-11-25T07:00", 10 * MB).money("50"),
                        r -> {
                            assertEquals(200_000, r.priceMicros, "10 MB free at night, 10 MB at 0.02");
                            assertEquals(90_000, r.costMicros);
                        }),
                row("reportAfterMidnightPricedAtGrantBand",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T23:50").used(50 * MB)
                                .tariffChange("2026-11-26T00:00", 20 * MB).money("50"),
                        r -> {
                            assertEquals(600_000, r.priceMicros, "30 MB at 0.02 before midnight, 20 MB free after");
                            assertEquals(230_000, r.costMicros, "30 MB at 0.005 + 20 MB at 0.004 wholesale");
                        }),
                row("reportAfterMidnightWithoutSplitPricedAtGrantBand",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T23:50").used(50 * MB).money("50"),
                        price(1_000_000)),
                row("tariffChangeSplitSpendsAllowanceOnlyOnThePaidSide",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T23:50").used(50 * MB)
                                .tariffChange("2026-11-26T00:00", 20 * MB).money("50")
                                .allowance("data-max", "data", 30 * GB),
                        r -> {
                            assertEquals(30 * MB, r.bucketUnits(), "night data spends no allowance");
                            assertEquals(0, r.priceMicros);
                        }),
                row("weekendVoiceCheaper",
                        g -> g.pkg("voice-max").service("voice").called("13800138000").at("2026-11-28T10:00")
                                .used(120).money("50"),
                        price(100_000)),
                row("weekdayVoice",
                        g -> g.pkg("voice-max").service("voice").called("13800138000").used(120).money("50"),
                        price(200_000)),
                row("smsEventNational",
                        g -> g.pkg("basic").service("sms").called("13800138000").used(1).money("50"),
                        price(100_000)),
                row("smsEventFromAllowance",
                        g -> g.pkg("basic").service("sms").called("13800138000").used(1).money("50")
                                .allowance("basic", "sms", 50),
                        r -> {
                            assertEquals(1, r.bucketUnits());
                            assertEquals(0, r.priceMicros);
                            assertEquals(30_000, r.costMicros);
                        }),
                row("smsWithoutRecipientUsesDefaultDestination",
                        g -> g.pkg("basic").service("sms").called("").used(1).money("50"),
                        r -> {
                            assertEquals(100_000, r.priceMicros, "national SMS at 0.10");
                            assertEquals("national", r.catalogue.destinationName(r.destinationZone));
                        }),
                row("smsWithoutRecipientFromNationalAllowance",
                        g -> g.pkg("basic").service("sms").called("").used(1).money("50")
                                .allowance("basic", "sms", 50),
                        r -> {
                            assertEquals(1, r.bucketUnits());
                            assertEquals(0, r.priceMicros);
                        }),
                row("directedTrafficWithoutPassIsOrdinaryData",
                        g -> g.pkg("basic").service("video-app").used(10 * MB).money("50")
                                .allowance("basic", "data", GB),
                        r -> {
                            assertEquals(10 * MB, r.bucketUnits(), "the data allowance pays");
                            assertEquals("data", r.catalogue.serviceName(r.ratedService));
                        }),
                row("directedTrafficWithPassFromItsAllowance",
                        g -> g.pkg("basic").addon("video-app-pass").service("video-app").used(10 * MB).money("50")
                                .allowance("basic", "data", GB).allowance("video-app-pass", "video-app", 40 * GB),
                        r -> {
                            assertEquals(1, r.debitCount);
                            assertEquals(10 * MB, r.bucketUnits());
                            assertTrue(r.toString().contains("video-app-pass"), r.toString());
                        }),
                row("directedTrafficWithPassBeyondItsAllowanceAtThePassPrice",
                        g -> g.pkg("basic").addon("video-app-pass").service("video-app").used(100 * MB).money("50"),
                        price(500_000)),
                row("smsEventInternational",
                        g -> g.pkg("basic").service("sms").called("+447700900123").used(1).money("50"),
                        price(1_000_000)),
                row("roamingDataAtRoamingPrice",
                        g -> g.pkg("basic").addon("roaming-addon").service("data").visited(45400).used(MB).money("50"),
                        r -> {
                            assertEquals(103 * 10 * 1024, r.ratedUnits, "10 KB increments");
                            assertEquals(110_000, r.priceMicros, "0.100586 rounded up to the fen");
                        }),
                row("incomingCallAtHomeCostsNothing",
                        g -> g.pkg("basic").service("voice-incoming").called("+8617000000005").used(125).money("50")
                                .allowance("basic", "voice", 6000),
                        r -> {
                            assertEquals(0, r.priceMicros);
                            assertEquals(0, r.bucketUnits(), "an incoming call at home spends no voice allowance");
                            assertEquals(0, r.costMicros);
                            assertEquals("voice-incoming-home", r.catalogue.tariff(r.tariffIndex).id());
                        }),
                row("incomingCallRoamingInHongKongPerStartedMinute",
                        g -> g.pkg("basic").addon("roaming-addon").service("voice-incoming").visited(45400)
                                .called("+8617000000005").used(61).money("50").allowance("basic", "voice", 6000),
                        r -> {
                            assertEquals(120, r.ratedUnits, "two started minutes");
                            assertEquals(1_980_000, r.priceMicros, "2 x 0.99");
                            assertEquals(700_000, r.costMicros, "2 x 0.35 wholesale");
                            assertEquals(0, r.bucketUnits(), "the home voice allowance does not pay roaming calls");
                        }),
                row("incomingCallRoamingWithoutAddonChargesNothing",
                        g -> g.pkg("basic").service("voice-incoming").visited(45400).used(60).money("50"),
                        r -> {
                            assertEquals(Outcome.DENIED, r.outcome);
                            assertEquals(DenialReason.ROAMING_NOT_ALLOWED, r.denialReason);
                            assertEquals(0, r.moneyDebitedMicros);
                        }),
                row("premiumNumberBlockedChargesNothing",
                        g -> g.pkg("basic").service("voice").called("12590123456").used(60).money("50"),
                        r -> {
                            assertEquals(Outcome.DENIED, r.outcome);
                            assertEquals(0, r.moneyDebitedMicros);
                        })
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void charge(String name, Consumer<Given> given, Consumer<ChargeResult> then) {
        // given
        Given g = new Given();
        given.accept(g);
        Wallet before = new Wallet().copyFrom(g.wallet);
        Rater rater = new Rater(g.c);
        ChargeResult out = new ChargeResult();
        // when
        rater.charge(g.charge, g.wallet, out);
        // then
        then.accept(out);
        assertEquals(before.moneyMicros - out.moneyDebitedMicros, g.wallet.moneyMicros);
        assertTrue(g.wallet.moneyMicros >= 0);
        assertEquals(out.priceMicros, out.moneyDebitedMicros + out.uncollectedMicros);
        long bucketsBefore = 0;
        long bucketsAfter = 0;
        for (int i = 0; i < before.bucketCount; i++) {
            bucketsBefore += before.bucketRemaining[i];
            bucketsAfter += g.wallet.bucketRemaining[i];
        }
        assertEquals(out.bucketUnits(), bucketsBefore - bucketsAfter);
        if (out.outcome == Outcome.CHARGED) {
            assertEquals(out.ratedUnits, out.bucketUnits() + out.moneyUnits);
            assertTrue(out.slackUnits + out.ratedUnits >= out.usedUnits);
            assertEquals(g.charge.sessionRatedBefore + out.ratedUnits, out.sessionRatedAfter);
            assertEquals(g.charge.sessionMoneyMicrosBefore + out.priceMicros, out.sessionMoneyMicrosAfter);
        }
    }

    @Test
    void explanationNamesPackageBucketBandAndRounding() {
        // given
        Given g = new Given().pkg("basic").service("voice").called("13800138000").used(100).money("50")
                .allowance("basic", "voice", 30);
        ChargeResult out = new ChargeResult();
        // when
        new Rater(g.c).charge(g.charge, g.wallet, out);
        String text = out.explain(new StringBuilder()).toString();
        // then
        assertTrue(text.contains("package basic"), text);
        assertTrue(text.contains("tariff voice-national"), text);
        assertTrue(text.contains("band standard"), text);
        assertTrue(text.contains("rounded up to"), text);
        assertTrue(text.contains("basic: voice allowance"), text);
        assertTrue(text.contains("price 0.30 CNY"), text);
        assertTrue(text.contains("to national"), text);
    }

    @Test
    void enquiryAndListPriceDoNotChangeTheWallet() {
        // given
        Given g = new Given().pkg("basic").service("data").used(10 * MB).money("50").allowance("basic", "data", GB);
        Rater rater = new Rater(g.c);
        Wallet before = new Wallet().copyFrom(g.wallet);
        ChargeResult out = new ChargeResult();
        // when
        rater.enquire(g.charge, g.wallet, out);
        // then
        assertEquals(0, out.priceMicros);
        assertFalse(out.applied);
        RaterQuotaTest.assertWalletUnchanged(before, g.wallet);
        rater.listPrice(g.charge, out);
        assertEquals(300_000, out.priceMicros, "list price ignores the allowance");
        RaterQuotaTest.assertWalletUnchanged(before, g.wallet);
    }

    @Test
    void balanceCheck() {
        Given g = new Given().pkg("payg").service("voice").called("13800138000").used(60).money("0.20");
        Rater rater = new Rater(g.c);
        ChargeResult scratch = new ChargeResult();
        assertTrue(rater.canPay(g.charge, g.wallet, scratch));
        g.wallet.moneyMicros -= 1;
        assertFalse(rater.canPay(g.charge, g.wallet, scratch));
    }

    @Test
    void refundGivesBackMoneyAndUnits() {
        // given
        Given g = new Given().pkg("basic").service("voice").called("13800138000").used(90).money("50")
                .allowance("basic", "voice", 30);
        Rater rater = new Rater(g.c);
        Wallet before = new Wallet().copyFrom(g.wallet);
        ChargeResult out = new ChargeResult();
        rater.charge(g.charge, g.wallet, out);
        // when
        long lost = rater.refund(out, g.wallet);
        // then
        assertEquals(0, lost);
        RaterQuotaTest.assertWalletUnchanged(before, g.wallet);
        assertEquals(0, rater.refund(out, g.wallet), "a refund applies once");
        assertEquals(50 * CNY, g.wallet.moneyMicros);
    }

    @Test
    void grantedUnitsChargeExactlyTheReservedPrice() {
        // given: a grant that uses the last of a bucket and money
        Given g = new Given().pkg("basic").service("voice").called("13800138000").requested(300).money("0.40")
                .allowance("basic", "voice", 100);
        Rater rater = new Rater(g.c);
        QuotaResult grant = new QuotaResult();
        rater.quota(g.quota, g.wallet, grant);
        rater.reserve(grant, g.wallet);
        // when: all granted units are used
        rater.release(grant, g.wallet);
        g.used(grant.grantedUnits);
        ChargeResult out = new ChargeResult();
        rater.charge(g.charge, g.wallet, out);
        // then
        assertEquals(grant.reservedMicros, out.priceMicros);
        assertEquals(0, out.uncollectedMicros);
    }

    @Test
    void usageBeyondItsGrantDoesNotTakeMoneyAnotherSessionHolds() {
        // given: a voice session holds a reservation of money; a data session of the same account reports usage
        // beyond its own grant (which it gave back first)
        Given voice = new Given().pkg("payg").service("voice").called("13800138000").requested(600).money("3.00");
        Rater rater = new Rater(voice.c);
        QuotaResult held = new QuotaResult();
        rater.quota(voice.quota, voice.wallet, held);
        rater.reserve(held, voice.wallet);
        long reserved = voice.wallet.reservedMicros;
        assertTrue(reserved > 0 && reserved < voice.wallet.moneyMicros, "the voice session holds part of the money");
        long available = voice.wallet.availableMoney();
        Given data = new Given().pkg("payg").service("data").used(500 * MB);
        // when
        ChargeResult out = new ChargeResult();
        new Rater(data.c).charge(data.charge, voice.wallet, out);
        // then: only the money no session holds is collected; the voice session can still pay what it was granted
        assertTrue(out.priceMicros > available, "the usage costs more than the money no session holds");
        assertEquals(available, out.moneyDebitedMicros);
        assertEquals(out.priceMicros - available, out.uncollectedMicros);
        assertEquals(reserved, voice.wallet.moneyMicros, "money left = what the voice session holds");
        assertEquals(reserved, voice.wallet.reservedMicros);
    }
}
