package io.gyro.rating.money;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MoneyTest {

    @ParameterizedTest(name = "parse {0} = {1} micros")
    @CsvSource({
            "50.00, 50000000",
            "0.03, 30000",
            "19, 19000000",
            "0.000001, 1",
            "-1.5, -1500000",
            ".5, 500000",
            "1_000.25, 1000250000",
            "0, 0"
    })
    void parsesExactly(String text, long micros) {
        assertEquals(micros, Money.parseMicros(text));
    }

    @ParameterizedTest(name = "reject {0}")
    @ValueSource(strings = {"0.0000001", "abc", "", "1.2.3", "1e3", "99999999999999999999"})
    void rejectsBadDecimals(String text) {
        assertThrows(NumberFormatException.class, () -> Money.parseMicros(text));
    }

    @ParameterizedTest(name = "non-negative rejects {0}")
    @ValueSource(strings = {"-0.01", "-5"})
    void rejectsNegativeWhereNotAllowed(String text) {
        NumberFormatException e = assertThrows(NumberFormatException.class, () -> Money.parseNonNegativeMicros(text));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }

    @ParameterizedTest(name = "format {0} = {1}")
    @CsvSource({
            "50000000, 50.00",
            "30000, 0.03",
            "1, 0.000001",
            "150030, 0.15003",
            "-1500000, -1.50",
            "0, 0.00"
    })
    void formatsWithAtLeastTwoDecimals(long micros, String text) {
        assertEquals(text, Money.format(micros));
        assertEquals(micros, Money.parseMicros(text));
    }

    @ParameterizedTest(name = "priceOf({0} units at {1} per {2}) = {3}")
    @CsvSource({
            "1048576, 30000, 1048576, 30000",   // 1 MB at 0.03/MB
            "1024, 30000, 1048576, 30",         // 1 KB: 29.3 micros rounds up to 30
            "90, 150000, 60, 225000",           // 90 s at 0.15/min
            "1, 1, 3, 1",                       // any fraction of a micro rounds up
            "0, 30000, 1048576, 0",
            "1099511627776, 100000000, 1048576, 104857600000000" // 1 TB at 100/MB: no overflow
    })
    void pricesRoundUpToTheMicro(long units, long price, long per, long expected) {
        assertEquals(expected, Money.priceOf(units, price, per));
    }

    @ParameterizedTest(name = "ceilDiv({0},{1})={2}")
    @CsvSource({"0,6,0", "1,6,1", "6,6,1", "7,6,2"})
    void ceilDiv(long a, long b, long expected) {
        assertEquals(expected, Money.ceilDiv(a, b));
    }

    @org.junit.jupiter.api.Test
    void checkedArithmeticThrowsOnOverflow() {
        assertThrows(ArithmeticException.class, () -> Money.add(Long.MAX_VALUE, 1));
        assertThrows(ArithmeticException.class, () -> Money.multiply(Long.MAX_VALUE / 2, 3));
    }
}
