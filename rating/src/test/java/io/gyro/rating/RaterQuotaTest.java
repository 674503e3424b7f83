package io.gyro.rating;

import io.gyro.rating.tariff.FinalUnitAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.gyro.rating.Fixtures.CNY;
import static io.gyro.rating.Fixtures.GB;
import static io.gyro.rating.Fixtures.MB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quota decisions, one row per phase and boundary. 2026-11-25 is a Wednesday. */
class RaterQuotaTest {

    private static Arguments row(String name, Consumer<Given> given, Consumer<QuotaResult> then) {
        return Arguments.of(name, given, then);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                row("initialExactFit",
                        g -> g.pkg("payg").service("voice").called("13800138000").requested(60).money("0.20"),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(60, r.grantedUnits);
                            assertEquals(200_000, r.reservedMicros);
                            assertTrue(r.finalUnits, "nothing left after this grant");
                            assertEquals(FinalUnitAction.RESTRICT_ACCESS, r.finalUnitAction);
                            assertEquals("topup-portal-only", r.filterId);
                        }),
                row("initialOneMicroShort",
                        g -> g.pkg("payg").service("voice").called("13800138000").requested(60).money("0.199999"),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(54, r.grantedUnits, "per-6-s grid: 54 s cost 0.18");
                            assertEquals(180_000, r.reservedMicros);
                            assertTrue(r.finalUnits);
                        }),
                row("initialNoMoneyIsOutOfCredit",
                        g -> g.pkg("basic").service("data").money("0"),
                        r -> {
                            assertEquals(Outcome.OUT_OF_CREDIT, r.outcome);
                            assertEquals(0, r.grantedUnits);
                            assertEquals(FinalUnitAction.REDIRECT, r.finalUnitAction);
                            assertEquals("http://pay.gyro-mobile.cn/topup", r.redirectUrl);
                        }),
                row("initialBelowMinimumChargeIsOutOfCredit",
                        g -> g.pkg("payg").service("voice").called("13800138000").money("0.09"),
                        r -> assertEquals(Outcome.OUT_OF_CREDIT, r.outcome, "6 s cost the 0.10 minimum")),
                row("initialDefaultQuotaFromMoney",
                        g -> g.pkg("basic").service("data").money("50.00"),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(10 * MB, r.grantedUnits);
                            assertEquals(300_000, r.reservedMicros, "10 MB at 0.03/MB");
                            assertEquals(0, r.reservationCount);
                            assertEquals(MB, r.quotaThresholdUnits);
                            assertEquals(3600, r.validityTimeSeconds);
                            assertEquals(50_000, r.costMicros, "10 MB at 0.005/MB wholesale");
                            assertFalse(r.finalUnits);
                        }),
                row("initialFromBucketReservesNoMoney",
                        g -> g.pkg("basic").service("data").money("0").allowance("basic", "data", 3 * GB),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(10 * MB, r.grantedUnits);
                            assertEquals(0, r.reservedMicros);
                            assertEquals(1, r.reservationCount);
                            assertEquals(10 * MB, r.reservedBucketUnits[0]);
                            assertFalse(r.finalUnits);
                        }),
                row("bucketExhaustedMidRequest",
                        g -> g.pkg("basic").service("data").money("50.00").allowance("basic", "data", 4 * MB),
                        r -> {
                            assertEquals(10 * MB, r.grantedUnits);
                            assertEquals(4 * MB, r.bucketUnits());
                            assertEquals(6 * MB, r.moneyUnits);
                            assertEquals(180_000, r.reservedMicros, "6 MB at 0.03/MB");
                        }),
                row("bucketExhaustedAndMoneyShortIsFinal",
                        g -> g.pkg("basic").service("data").money("0.06").allowance("basic", "data", 4 * MB),
                        r -> {
                            assertEquals(6 * MB, r.grantedUnits, "4 MB bucket + 2 MB for 0.06");
                            assertEquals(60_000, r.reservedMicros);
                            assertTrue(r.finalUnits);
                        }),
                row("promotionalBucketSpentFirst",
                        g -> g.pkg("basic").service("data").money("0").allowance("basic", "data", GB)
                                .promoBonus("data", 2 * MB),
                        r -> {
                            assertEquals(2, r.reservationCount);
                            assertEquals(2 * MB, r.reservedBucketUnits[0], "promotional bonus first");
                            assertEquals(8 * MB, r.reservedBucketUnits[1]);
                        }),
                row("expiredBucketIgnored",
                        g -> g.pkg("basic").service("data").money("50.00")
                                .allowance("basic", "data", GB, Fixtures.at("2026-11-25T10:00")),
                        r -> {
                            assertEquals(0, r.reservationCount);
                            assertEquals(300_000, r.reservedMicros);
                        }),
                row("validityCappedAtBucketExpiry",
                        g -> g.pkg("basic").service("data").money("0")
                                .allowance("basic", "data", GB, Fixtures.at("2026-11-25T10:05")),
                        r -> assertEquals(300, r.validityTimeSeconds)),
                row("grantCrossingMidnightIsCapped",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T23:50").money("10.00"),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(Fixtures.at("2026-11-26T00:00"), r.tariffChangeMs, "the true boundary");
                            assertEquals(599, r.validityTimeSeconds, "ends a guard second before night data turns free");
                        }),
                row("validityEndsAtLeastTheGuardBeforeTheChange",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T23:59:50.400").money("10.00"),
                        r -> {
                            assertEquals(Fixtures.at("2026-11-26T00:00"), r.tariffChangeMs);
                            assertEquals(8, r.validityTimeSeconds, "9.6 s to midnight: ends at 23:59:58.400");
                            assertEquals(200_000, r.reservedMicros, "10 MB in the day band");
                        }),
                row("twoSecondsBeforeAChangeGetsOneSecond",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T23:59:58").money("10.00"),
                        r -> {
                            assertEquals(1, r.validityTimeSeconds);
                            assertEquals(Fixtures.at("2026-11-26T00:00"), r.tariffChangeMs);
                            assertEquals(200_000, r.reservedMicros);
                        }),
                row("closerThanGuardPlusOneSecondRatedInComingBand",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T23:59:58.001").money("10.00"),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(0, r.reservedMicros, "night data is free");
                            assertEquals("night", Fixtures.sample().tariff(r.tariffIndex).rate(r.rateIndex).band());
                            assertEquals(0, r.tariffChangeMs, "07:00 is beyond the validity time");
                            assertEquals(3600, r.validityTimeSeconds);
                        }),
                row("voiceGrantCappedAtWeekendStart",
                        g -> g.pkg("voice-max").service("voice").called("13800138000").at("2026-11-27T23:58")
                                .requested(300).money("50.00"),
                        r -> {
                            assertEquals(120, r.grantedUnits, "Friday 23:58 + 120 s = Saturday, cheaper band");
                            assertEquals(Fixtures.at("2026-11-28T00:00"), r.tariffChangeMs);
                            assertEquals(200_000, r.reservedMicros);
                        }),
                row("finalUnitActionPerServiceDataRedirects",
                        g -> g.pkg("basic").service("data").money("0.01"),
                        r -> {
                            assertTrue(r.finalUnits);
                            assertEquals(FinalUnitAction.REDIRECT, r.finalUnitAction);
                            assertEquals("http://pay.gyro-mobile.cn/topup", r.redirectUrl);
                        }),
                row("finalUnitActionPerServiceVoiceTerminates",
                        g -> g.pkg("basic").service("voice").called("13800138000").money("0"),
                        r -> {
                            assertEquals(Outcome.OUT_OF_CREDIT, r.outcome);
                            assertEquals(FinalUnitAction.TERMINATE, r.finalUnitAction);
                            assertEquals(null, r.redirectUrl);
                        }),
                row("smsWithoutRecipientUsesDefaultDestination",
                        g -> g.pkg("basic").service("sms").called("").money("0").allowance("basic", "sms", 50),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(1, r.grantedUnits);
                            assertEquals(1, r.reservationCount, "the national SMS allowance pays");
                        }),
                row("directedTrafficWithPassHoldsItsAllowance",
                        g -> g.pkg("basic").addon("video-app-pass").service("video-app").money("0")
                                .allowance("basic", "data", GB).allowance("video-app-pass", "video-app", 40 * GB),
                        r -> {
                            assertEquals(50 * MB, r.grantedUnits, "video-app's default quota");
                            assertEquals(1, r.reservationCount);
                            assertEquals("video-app", Fixtures.sample().serviceName(r.ratedService));
                        }),
                row("nightDataFree",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T01:00").money("0"),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(10 * MB, r.grantedUnits);
                            assertEquals(0, r.reservedMicros);
                            assertEquals(0, r.tariffChangeMs, "07:00 is beyond the validity time");
                            assertFalse(r.finalUnits, "free band: never final");
                        }),
                row("nightDataFreeReservesNoAllowance",
                        g -> g.pkg("data-max").service("data").at("2026-11-25T01:00").money("0")
                                .allowance("data-max", "data", 30 * GB),
                        r -> {
                            assertEquals(10 * MB, r.grantedUnits);
                            assertEquals(0, r.reservationCount);
                        }),
                row("roamingNotAllowed",
                        g -> g.pkg("basic").addon("roaming-addon").service("data").visited(90112).money("50.00"),
                        r -> {
                            assertEquals(Outcome.DENIED, r.outcome);
                            assertEquals(DenialReason.ROAMING_NOT_ALLOWED, r.denialReason);
                        }),
                row("roamingUnknownNetworkDenied",
                        g -> g.pkg("basic").addon("roaming-addon").service("data").visited(99999).money("50.00"),
                        r -> assertEquals(DenialReason.ROAMING_NOT_ALLOWED, r.denialReason)),
                row("roamingWithoutAddonDenied",
                        g -> g.pkg("basic").service("data").visited(45400).money("50.00"),
                        r -> {
                            assertEquals(Outcome.DENIED, r.outcome);
                            assertEquals(DenialReason.ROAMING_NOT_ALLOWED, r.denialReason);
                        }),
                row("roamingWithAddonUsesRoamingBucketOnly",
                        g -> g.pkg("basic").addon("roaming-addon").service("data").visited(45400).money("50.00")
                                .allowance("basic", "data", 3 * GB).allowance("roaming-addon", "data", GB),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(1, r.reservationCount);
                            assertEquals(0, r.reservedMicros);
                        }),
                row("roamingHomeBucketNotUsed",
                        g -> g.pkg("basic").addon("roaming-addon").service("data").visited(45400).money("50.00")
                                .allowance("basic", "data", 3 * GB),
                        r -> {
                            assertEquals(0, r.reservationCount);
                            assertEquals(1_000_000, r.reservedMicros, "10 MB at 0.10/MB in Asia");
                        }),
                row("incomingCallAtHomeFreeWithoutMoney",
                        g -> g.pkg("basic").service("voice-incoming").called("+8617000000005").money("0")
                                .allowance("basic", "voice", 6000),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(300, r.grantedUnits, "the default quota, free");
                            assertEquals(0, r.reservedMicros);
                            assertEquals(0, r.reservationCount, "no voice allowance held for an incoming call");
                            assertFalse(r.finalUnits, "free: never final");
                        }),
                row("incomingCallRoamingWithoutAddonDenied",
                        g -> g.pkg("basic").service("voice-incoming").visited(45400).money("50.00"),
                        r -> {
                            assertEquals(Outcome.DENIED, r.outcome);
                            assertEquals(DenialReason.ROAMING_NOT_ALLOWED, r.denialReason, "as for an outgoing call");
                        }),
                row("incomingCallRoamingInEuropeReservesItsRate",
                        g -> g.pkg("payg").addon("roaming-addon").service("voice-incoming").visited(23410)
                                .requested(120).money("50.00").allowance("basic", "voice", 6000),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(120, r.grantedUnits);
                            assertEquals(3_980_000, r.reservedMicros, "2 min at 1.99");
                            assertEquals(0, r.reservationCount);
                        }),
                row("homeNetworkIsNotRoaming",
                        g -> g.pkg("basic").service("data").visited(46001).money("50.00"),
                        r -> assertEquals(Outcome.GRANTED, r.outcome)),
                row("premiumNumberBlocked",
                        g -> g.pkg("basic").service("voice").called("12590123456").money("50.00"),
                        r -> {
                            assertEquals(Outcome.DENIED, r.outcome);
                            assertEquals(DenialReason.DESTINATION_BLOCKED, r.denialReason);
                        }),
                row("nationalAllowanceNotForInternational",
                        g -> g.pkg("basic").service("voice").called("+447700900123").money("50.00")
                                .allowance("basic", "voice", 6000),
                        r -> {
                            assertEquals(0, r.reservationCount);
                            assertEquals(300, r.grantedUnits);
                            assertEquals(10_100_000, r.reservedMicros, "5 min at 2.00 + 0.10 connection fee");
                        }),
                row("unknownServiceNoTariff",
                        g -> g.pkg("basic").money("50.00"),
                        r -> assertEquals(Outcome.NO_TARIFF, r.outcome)),
                row("addonWithoutRatesFallsBackToBase",
                        g -> g.pkg("payg").addon("day-pass").service("data").money("0").allowance("day-pass", "data", 2 * GB),
                        r -> {
                            assertEquals(Outcome.GRANTED, r.outcome);
                            assertEquals(0, r.reservedMicros);
                            assertEquals(10 * MB, r.bucketUnits());
                        })
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void quota(String name, Consumer<Given> given, Consumer<QuotaResult> then) {
        // given
        Given g = new Given();
        given.accept(g);
        Wallet before = new Wallet().copyFrom(g.wallet);
        Rater rater = new Rater(g.c);
        QuotaResult out = new QuotaResult();
        // when
        rater.quota(g.quota, g.wallet, out);
        // then
        then.accept(out);
        assertWalletUnchanged(before, g.wallet);
        assertTrue(out.reservedMicros <= before.availableMoney(), "never more than available money");
    }

    static void assertWalletUnchanged(Wallet before, Wallet after) {
        assertEquals(before.moneyMicros, after.moneyMicros);
        assertEquals(before.reservedMicros, after.reservedMicros);
        assertEquals(before.bucketCount, after.bucketCount);
        assertArrayEquals(before.bucketRemaining, after.bucketRemaining);
        assertArrayEquals(before.bucketReserved, after.bucketReserved);
    }

    @Test
    void reserveThenReleaseRestoresTheWallet() {
        // given
        Given g = new Given().pkg("basic").service("data").money("50.00").allowance("basic", "data", 4 * MB);
        Rater rater = new Rater(g.c);
        QuotaResult grant = new QuotaResult();
        rater.quota(g.quota, g.wallet, grant);
        Wallet before = new Wallet().copyFrom(g.wallet);
        // when
        rater.reserve(grant, g.wallet);
        // then
        assertEquals(180_000, g.wallet.reservedMicros);
        assertEquals(4 * MB, g.wallet.bucketReserved[0]);
        assertEquals(50 * CNY - 180_000, g.wallet.availableMoney());
        QuotaResult second = new QuotaResult();
        rater.quota(g.quota, g.wallet, second);
        assertEquals(0, second.reservationCount, "reserved bucket units are not granted twice");
        rater.release(grant, g.wallet);
        assertWalletUnchanged(before, g.wallet);
    }
}
