package io.gyro.rating.money;

/**
 * Exact fixed-point money: a {@code long} of micro-units of the catalogue currency
 * (1 CNY = 1,000,000 micros; 1 fen = 10,000 micros).
 *
 * <p>Decimal strings are parsed and formatted only at the edges (catalogue loading, API input,
 * reports). Arithmetic on the hot path uses the checked helpers here, which throw
 * {@link ArithmeticException} on overflow: an overflow is a bug or an absurd catalogue, never a
 * silently wrong charge. Stateless; any thread.
 */
public final class Money {

    /** Micro-units per whole currency unit. */
    public static final long MICROS_PER_UNIT = 1_000_000L;
    /** Number of decimals a money amount may carry. */
    public static final int MAX_DECIMALS = 6;

    private Money() {
    }

    /**
     * Parses a decimal such as {@code "50.00"}, {@code "0.03"} or {@code "-1.5"} into micros.
     *
     * @throws NumberFormatException with a message a product manager can act on when the text is
     *         not a plain decimal, has more than 6 decimals, or does not fit in a long
     */
    public static long parseMicros(String decimal) {
        if (decimal == null) {
            throw new NumberFormatException("missing amount");
        }
        String s = decimal.trim();
        if (s.isEmpty()) {
            throw new NumberFormatException("empty amount");
        }
        int i = 0;
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        long whole = 0;
        int wholeDigits = 0;
        for (; i < s.length() && s.charAt(i) != '.'; i++) {
            char c = s.charAt(i);
            if (c == '_' || c == ',') {
                continue;
            }
            if (c < '0' || c > '9') {
                throw new NumberFormatException("'" + decimal + "' is not a decimal amount (unexpected '" + c + "')");
            }
            try {
                whole = Math.addExact(Math.multiplyExact(whole, 10L), c - '0');
            } catch (ArithmeticException e) {
                throw new NumberFormatException("'" + decimal + "' is too large");
            }
            wholeDigits++;
        }
        long fraction = 0;
        int decimals = 0;
        if (i < s.length()) {
            i++; // the '.'
            for (; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    throw new NumberFormatException("'" + decimal + "' is not a decimal amount (unexpected '" + c + "')");
                }
                decimals++;
                if (decimals > MAX_DECIMALS) {
                    throw new NumberFormatException("'" + decimal + "' has more than " + MAX_DECIMALS
                            + " decimals; amounts are exact to 0.000001");
                }
                fraction = fraction * 10 + (c - '0');
            }
        }
        if (wholeDigits == 0 && decimals == 0) {
            throw new NumberFormatException("'" + decimal + "' is not a decimal amount");
        }
        for (int d = decimals; d < MAX_DECIMALS; d++) {
            fraction *= 10;
        }
        long micros;
        try {
            micros = Math.addExact(Math.multiplyExact(whole, MICROS_PER_UNIT), fraction);
        } catch (ArithmeticException e) {
            throw new NumberFormatException("'" + decimal + "' is too large");
        }
        return negative ? -micros : micros;
    }

    /** As {@link #parseMicros(String)} but rejects negative amounts. */
    public static long parseNonNegativeMicros(String decimal) {
        long micros = parseMicros(decimal);
        if (micros < 0) {
            throw new NumberFormatException("'" + decimal + "' is negative; a price or amount cannot be below zero");
        }
        return micros;
    }

    /** Formats micros as a decimal with at least 2 and at most 6 decimals: 50.00, 0.03, 0.000001. */
    public static String format(long micros) {
        StringBuilder sb = new StringBuilder(24);
        format(micros, sb);
        return sb.toString();
    }

    /** Appends {@link #format(long)} to {@code out} without building intermediate strings. */
    public static StringBuilder format(long micros, StringBuilder out) {
        if (micros == Long.MIN_VALUE) {
            return out.append("-9223372036854.775808");
        }
        if (micros < 0) {
            out.append('-');
            micros = -micros;
        }
        long whole = micros / MICROS_PER_UNIT;
        long frac = micros % MICROS_PER_UNIT;
        out.append(whole).append('.');
        int digits = MAX_DECIMALS;
        while (digits > 2 && frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        long scale = 1;
        for (int d = 1; d < digits; d++) {
            scale *= 10;
        }
        for (; scale > 0; scale /= 10) {
            out.append((char) ('0' + (frac / scale) % 10));
        }
        return out;
    }

    /** Checked addition. */
    public static long add(long a, long b) {
        return Math.addExact(a, b);
    }

    /** Checked subtraction. */
    public static long subtract(long a, long b) {
        return Math.subtractExact(a, b);
    }

    /** Checked multiplication. */
    public static long multiply(long a, long b) {
        return Math.multiplyExact(a, b);
    }

    /** Ceiling of {@code a / b} for {@code a >= 0, b > 0}. */
    public static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** Rounds {@code a >= 0} up to the next multiple of {@code step > 0}. */
    public static long roundUp(long a, long step) {
        return Math.multiplyExact(ceilDiv(a, step), step);
    }

    /**
     * {@code ceil(units * priceMicros / perUnits)} without overflowing for realistic inputs:
     * the whole multiples of {@code perUnits} are priced exactly and only the remainder is rounded
     * up to the next micro. This is the one rounding of a per-unit price.
     */
    public static long priceOf(long units, long priceMicros, long perUnits) {
        if (units <= 0 || priceMicros == 0) {
            return 0;
        }
        long whole = Math.multiplyExact(units / perUnits, priceMicros);
        long rest = ceilDiv(Math.multiplyExact(units % perUnits, priceMicros), perUnits);
        return Math.addExact(whole, rest);
    }
}
