package io.gyro.engine.report;

/**
 * A cursor over the bytes of one JSON text (RFC 8259), read in place: it skips whitespace and whole values, answers
 * a string as its extent in the buffer and an integer as a {@code long}, and allocates nothing. A malformed text is a
 * return value ({@link #MALFORMED} or false), never an exception. Made for {@link MarginLine}, which reads one record
 * line with it; one instance per {@link MarginLine}, so per reading thread.
 *
 * <p>What it accepts is what Jackson's default parser (2.23) accepts, so that a line reads the same as it did through
 * Jackson: strict RFC 8259 (no comments, single quotes, trailing commas, leading zeros, NaN); whitespace is space,
 * tab, CR and LF; in strings, control characters must be escaped, escapes are the RFC's nine (&#92;u with four
 * hex digits; an escaped lone surrogate is allowed), and bytes of 0x80 and above must be well-formed UTF-8 (RFC 3629
 * §4: shortest form, no surrogates, nothing beyond U+10FFFF); containers nest at most {@value #MAX_DEPTH} deep, the
 * root counting as one (Jackson's {@code StreamReadConstraints} default).
 */
final class JsonScanner {
    /** {@link #value} found no valid JSON value: the text is broken. */
    static final int MALFORMED = -1;
    /** A string: its raw bytes are {@code [stringStart, stringEnd)}, escapes as written ({@link #stringEscaped}). */
    static final int STRING = 1;
    /** A number without fraction or exponent that fits in a long: {@link #integer}. */
    static final int INTEGER = 2;
    /** Any other number: with a fraction or an exponent, or an integer beyond a long. */
    static final int OTHER_NUMBER = 3;
    static final int BOOLEAN = 4;
    static final int NULL = 5;
    /** An array or an object, skipped whole. */
    static final int CONTAINER = 6;

    /** Deepest nesting of arrays and objects, the root included (Jackson's default maximum). */
    static final int MAX_DEPTH = 1000;

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL_LITERAL = {'n', 'u', 'l', 'l'};
    /** Long.MIN_VALUE / 10: a negative accumulator below it cannot take another digit. */
    private static final long MIN_DIV_10 = Long.MIN_VALUE / 10;

    private byte[] buf;
    private int pos;
    private int end;

    int stringStart;
    int stringEnd;
    /** The last string has at least one backslash escape: its raw bytes are not its characters. */
    boolean stringEscaped;
    /** The last {@link #INTEGER}'s value. */
    long integer;

    /** Starts reading {@code buf[offset, offset + length)}. */
    JsonScanner wrap(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
        return this;
    }

    /** Skips a UTF-8 byte order mark at the start, as Jackson's byte source detection does. */
    void skipByteOrderMark() {
        if (end - pos >= 3 && buf[pos] == (byte) 0xEF && buf[pos + 1] == (byte) 0xBB && buf[pos + 2] == (byte) 0xBF) {
            pos += 3;
        }
    }

    /** The next byte after whitespace (0..255), not consumed; -1 at the end. */
    int peek() {
        while (pos < end) {
            byte b = buf[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b & 0xFF;
            }
            pos++;
        }
        return -1;
    }

    /** Consumes {@code c} if it is the next byte after whitespace. */
    boolean take(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    /** Only whitespace is left. */
    boolean atEnd() {
        return peek() < 0;
    }

    /**
     * Reads the next value: a string's extent, an integer's value, or past a whole array or object.
     *
     * @param depth the nesting depth an array or object found here would have (the root object is depth 1)
     * @return its type ({@link #STRING} ... {@link #CONTAINER}), or {@link #MALFORMED}
     */
    int value(int depth) {
        int b = peek();
        return switch (b) {
            case '"' -> string() ? STRING : MALFORMED;
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
            case 't' -> literal(TRUE) ? BOOLEAN : MALFORMED;
            case 'f' -> literal(FALSE) ? BOOLEAN : MALFORMED;
            case 'n' -> literal(NULL_LITERAL) ? NULL : MALFORMED;
            case '[' -> depth <= MAX_DEPTH && array(depth) ? CONTAINER : MALFORMED;
            case '{' -> depth <= MAX_DEPTH && object(depth) ? CONTAINER : MALFORMED;
            default -> MALFORMED;
        };
    }

    /**
     * Reads the string starting at the next byte (a quote), checking every escape and UTF-8 sequence; sets
     * {@link #stringStart}, {@link #stringEnd} (the bytes between the quotes) and {@link #stringEscaped}.
     */
    boolean string() {
        if (peek() != '"') {
            return false;
        }
        int i = pos + 1;
        boolean escaped = false;
        while (i < end) {
            int b = buf[i] & 0xFF;
            if (b == '"') {
                stringStart = pos + 1;
                stringEnd = i;
                stringEscaped = escaped;
                pos = i + 1;
                return true;
            }
            if (b == '\\') {
                int n = escapeLength(buf, i, end);
                if (n < 0) {
                    return false;
                }
                escaped = true;
                i += n;
            } else if (b < 0x20) {
                return false; // RFC 8259 §7: control characters must be escaped
            } else if (b < 0x80) {
                i++;
            } else {
                int n = utf8Length(buf, i, end);
                if (n < 0) {
                    return false;
                }
                i += n;
            }
        }
        return false;
    }

    /**
     * The characters of the last string into {@code dst} when they are all ASCII and fit: their count; else -1 (a
     * member name that cannot be one of ours).
     */
    int stringAscii(byte[] dst) {
        int n = 0;
        int i = stringStart;
        while (i < stringEnd) {
            int c;
            if (buf[i] == '\\') {
                c = escapedChar(buf, i);
                i += escapeLength(buf, i, stringEnd);
            } else {
                c = buf[i] & 0xFF;
                i++;
            }
            if (c >= 0x80 || n == dst.length) {
                return -1;
            }
            dst[n++] = (byte) c;
        }
        return n;
    }

    /**
     * The characters of a string's raw bytes {@code buf[start, end)} that {@link #string()} accepted. Allocates: for
     * a string not seen before ({@link JsonStrings}).
     */
    static String decode(byte[] buf, int start, int end) {
        char[] out = new char[end - start];
        int n = 0;
        int i = start;
        while (i < end) {
            int b = buf[i] & 0xFF;
            if (b == '\\') {
                out[n++] = (char) escapedChar(buf, i);
                i += escapeLength(buf, i, end);
            } else if (b < 0x80) {
                out[n++] = (char) b;
                i++;
            } else if (b < 0xE0) {
                out[n++] = (char) (((b & 0x1F) << 6) | (buf[i + 1] & 0x3F));
                i += 2;
            } else if (b < 0xF0) {
                out[n++] = (char) (((b & 0x0F) << 12) | ((buf[i + 1] & 0x3F) << 6) | (buf[i + 2] & 0x3F));
                i += 3;
            } else {
                int cp = ((b & 0x07) << 18) | ((buf[i + 1] & 0x3F) << 12) | ((buf[i + 2] & 0x3F) << 6)
                        | (buf[i + 3] & 0x3F);
                out[n++] = Character.highSurrogate(cp);
                out[n++] = Character.lowSurrogate(cp);
                i += 4;
            }
        }
        return new String(out, 0, n);
    }

    /**
     * Reads a number (RFC 8259 §6): {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. The integer is
     * accumulated negative, so that Long.MIN_VALUE fits.
     */
    private int number() {
        int i = pos;
        boolean negative = buf[i] == '-';
        if (negative) {
            i++;
        }
        if (i >= end || !isDigit(buf[i])) {
            return MALFORMED;
        }
        long acc = 0;
        boolean fits = true;
        if (buf[i] == '0') {
            i++;
            if (i < end && isDigit(buf[i])) {
                return MALFORMED; // leading zero
            }
        } else {
            while (i < end && isDigit(buf[i])) {
                int d = buf[i] - '0';
                if (acc < MIN_DIV_10 || (acc == MIN_DIV_10 && d > 8)) {
                    fits = false;
                } else if (fits) {
                    acc = acc * 10 - d;
                }
                i++;
            }
        }
        boolean integral = true;
        if (i < end && buf[i] == '.') {
            i = digits(i + 1);
            if (i < 0) {
                return MALFORMED;
            }
            integral = false;
        }
        if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
            i++;
            if (i < end && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            i = digits(i);
            if (i < 0) {
                return MALFORMED;
            }
            integral = false;
        }
        pos = i;
        if (!negative) {
            if (acc == Long.MIN_VALUE) {
                fits = false;
            }
            acc = -acc;
        }
        if (!integral || !fits) {
            return OTHER_NUMBER;
        }
        integer = acc;
        return INTEGER;
    }

    /** Past one or more digits from {@code i}; -1 when there is none. */
    private int digits(int i) {
        int from = i;
        while (i < end && isDigit(buf[i])) {
            i++;
        }
        return i > from ? i : -1;
    }

    private boolean literal(byte[] word) {
        if (end - pos < word.length) {
            return false;
        }
        for (int k = 0; k < word.length; k++) {
            if (buf[pos + k] != word[k]) {
                return false;
            }
        }
        pos += word.length;
        return true;
    }

    private boolean array(int depth) {
        pos++;
        if (take(']')) {
            return true;
        }
        do {
            if (value(depth + 1) == MALFORMED) {
                return false;
            }
        } while (take(','));
        return take(']');
    }

    private boolean object(int depth) {
        pos++;
        if (take('}')) {
            return true;
        }
        do {
            if (!string() || !take(':') || value(depth + 1) == MALFORMED) {
                return false;
            }
        } while (take(','));
        return take('}');
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /**
     * Bytes of the well-formed UTF-8 sequence starting at {@code i} with a byte of 0x80 or above; -1 when there is
     * none. The byte ranges of RFC 3629 §4 (Unicode Table 3-7): the second byte's range depends on the lead byte,
     * which rules out non-shortest forms (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points
     * beyond U+10FFFF (F4 90..BF, F5..FF).
     */
    private static int utf8Length(byte[] buf, int i, int end) {
        int lead = buf[i] & 0xFF;
        int length;
        int secondMin = 0x80;
        int secondMax = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) {
                secondMin = 0xA0;
            } else if (lead == 0xED) {
                secondMax = 0x9F;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) {
                secondMin = 0x90;
            } else if (lead == 0xF4) {
                secondMax = 0x8F;
            }
        } else {
            return -1;
        }
        if (end - i < length) {
            return -1;
        }
        int second = buf[i + 1] & 0xFF;
        if (second < secondMin || second > secondMax) {
            return -1;
        }
        for (int k = 2; k < length; k++) {
            if ((buf[i + k] & 0xC0) != 0x80) {
                return -1;
            }
        }
        return length;
    }

    /** Bytes of the escape whose backslash is at {@code i} (2, or 6 for &#92;uXXXX); -1 when it is not one. */
    private static int escapeLength(byte[] buf, int i, int end) {
        if (i + 1 >= end) {
            return -1;
        }
        switch (buf[i + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return 2;
            }
            case 'u' -> {
                if (i + 6 > end) {
                    return -1;
                }
                for (int k = i + 2; k < i + 6; k++) {
                    if (hexValue(buf[k]) < 0) {
                        return -1;
                    }
                }
                return 6;
            }
            default -> {
                return -1;
            }
        }
    }

    /** The character of a valid escape whose backslash is at {@code i}. */
    private static int escapedChar(byte[] buf, int i) {
        return switch (buf[i + 1]) {
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> (hexValue(buf[i + 2]) << 12) | (hexValue(buf[i + 3]) << 8) | (hexValue(buf[i + 4]) << 4)
                    | hexValue(buf[i + 5]);
            default -> buf[i + 1]; // '"', '\\', '/'
        };
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
