package io.gyro.engine.cdr;

/**
 * Writes JSON tokens as UTF-8 straight into a reused byte array: numbers without
 * {@code Long.toString}, strings escaped per RFC 8259 §7, timestamps as ISO-8601 UTC. Allocates
 * nothing. The caller sizes the array for its largest line; writing past it throws
 * {@link ArrayIndexOutOfBoundsException} (a bug: the record builder caps every string).
 * Used by the charging processor thread through {@link Journal}.
 */
final class JsonLineWriter {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** "00" "01" ... "99": two digits per division by 100. */
    private static final byte[] DIGIT_PAIRS = new byte[200];
    private static final long MS_PER_DAY = 86_400_000L;

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /**
     * A member name as the writer puts it, quotes and colon included ({@code "seq":}), encoded once: callers
     * keep these in constants. ASCII names without characters JSON escapes only.
     */
    static byte[] key(String name) {
        byte[] k = new byte[name.length() + 3];
        k[0] = '"';
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                throw new IllegalArgumentException("not a plain ASCII member name: " + name);
            }
            k[i + 1] = (byte) c;
        }
        k[k.length - 2] = '"';
        k[k.length - 1] = ':';
        return k;
    }

    private byte[] buf;
    private int pos;
    private boolean first;
    /** The day {@link #fieldIsoUtc} wrote last and its yyyymmdd (records of a day share it). */
    private long lastEpochDay = Long.MIN_VALUE;
    private long lastYmd;

    JsonLineWriter wrap(byte[] buf) {
        this.buf = buf;
        this.pos = 0;
        return this;
    }

    /** Bytes written since {@link #wrap} or {@link #reset}. */
    int position() {
        return pos;
    }

    JsonLineWriter reset() {
        pos = 0;
        return this;
    }

    private void put(byte b) {
        buf[pos++] = b;
    }

    private void put(byte a, byte b) {
        buf[pos] = a;
        buf[pos + 1] = b;
        pos += 2;
    }

    void beginObject() {
        put((byte) '{');
        first = true;
    }

    void endObject() {
        put((byte) '}');
        first = false;
    }

    void beginArray(byte[] name) {
        name(name);
        put((byte) '[');
        first = true;
    }

    void endArray() {
        put((byte) ']');
        first = false;
    }

    /** Starts an object inside an array. */
    void beginElement() {
        if (!first) {
            put((byte) ',');
        }
        beginObject();
    }

    void endElement() {
        endObject();
    }

    /** Starts an array of numbers inside an array. */
    void beginRow() {
        if (!first) {
            put((byte) ',');
        }
        put((byte) '[');
        first = true;
    }

    void endRow() {
        put((byte) ']');
        first = false;
    }

    /** A number inside a row. */
    void value(long v) {
        if (!first) {
            put((byte) ',');
        }
        first = false;
        putLong(v);
    }

    void newline() {
        put((byte) '\n');
    }

    void name(byte[] key) {
        if (!first) {
            put((byte) ',');
        }
        first = false;
        System.arraycopy(key, 0, buf, pos, key.length);
        pos += key.length;
    }

    void field(byte[] name, long value) {
        name(name);
        putLong(value);
    }

    void fieldNull(byte[] name) {
        name(name);
        ascii("null");
    }

    void fieldAscii(byte[] name, String value) {
        name(name);
        put((byte) '"');
        ascii(value);
        put((byte) '"');
    }

    /** Money as a decimal string with six fraction digits: 1230000 becomes "1.230000". */
    void fieldMicrosDecimal(byte[] name, long micros) {
        name(name);
        put((byte) '"');
        if (micros < 0) {
            put((byte) '-');
        }
        long abs = Math.abs(micros);
        if (abs < 0) {
            // Long.MIN_VALUE: no positive counterpart; not a real amount
            ascii("9223372036854.775808");
        } else {
            putLong(abs / 1_000_000);
            put((byte) '.');
            putPadded(abs % 1_000_000, 6);
        }
        put((byte) '"');
    }

    /** Characters, encoded as UTF-8 and escaped; an unpaired surrogate becomes U+FFFD. */
    void fieldString(byte[] name, CharSequence s) {
        name(name);
        put((byte) '"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                buf[pos++] = (byte) c;
            } else if (c < 0x80) {
                asciiEscaped(c);
            } else if (c < 0x800) {
                put((byte) (0xC0 | (c >>> 6)), (byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                put((byte) (0xF0 | (cp >>> 18)), (byte) (0x80 | ((cp >>> 12) & 0x3F)));
                put((byte) (0x80 | ((cp >>> 6) & 0x3F)), (byte) (0x80 | (cp & 0x3F)));
            } else {
                int cp = Character.isSurrogate(c) ? 0xFFFD : c;
                put((byte) (0xE0 | (cp >>> 12)), (byte) (0x80 | ((cp >>> 6) & 0x3F)));
                put((byte) (0x80 | (cp & 0x3F)));
            }
        }
        put((byte) '"');
    }

    /**
     * Bytes that should be UTF-8 (a Diameter UTF8String): valid sequences are copied, JSON specials
     * escaped, and every byte that is not part of a valid sequence becomes U+FFFD, so the line always
     * parses.
     */
    void fieldUtf8(byte[] name, byte[] b, int off, int len) {
        name(name);
        put((byte) '"');
        int end = off + len;
        int i = off;
        while (i < end) {
            int lead = b[i] & 0xFF;
            if (lead < 0x80) {
                asciiEscaped((char) lead);
                i++;
                continue;
            }
            int need = lead >= 0xC2 && lead <= 0xDF ? 1 : lead >= 0xE0 && lead <= 0xEF ? 2
                    : lead >= 0xF0 && lead <= 0xF4 ? 3 : -1;
            boolean ok = need > 0;
            if (ok) {
                for (int k = 1; k <= need; k++) {
                    if (i + k >= end || (b[i + k] & 0xC0) != 0x80) {
                        ok = false;
                        break;
                    }
                }
            }
            if (ok) {
                System.arraycopy(b, i, buf, pos, need + 1);
                pos += need + 1;
                i += need + 1;
            } else {
                put((byte) 0xEF, (byte) 0xBF);
                put((byte) 0xBD);
                i++;
            }
        }
        put((byte) '"');
    }

    private void asciiEscaped(char c) {
        switch (c) {
            case '"' -> put((byte) '\\', (byte) '"');
            case '\\' -> put((byte) '\\', (byte) '\\');
            case '\n' -> put((byte) '\\', (byte) 'n');
            case '\r' -> put((byte) '\\', (byte) 'r');
            case '\t' -> put((byte) '\\', (byte) 't');
            case '\b' -> put((byte) '\\', (byte) 'b');
            case '\f' -> put((byte) '\\', (byte) 'f');
            default -> {
                if (c < 0x20) {
                    put((byte) '\\', (byte) 'u');
                    put((byte) '0', (byte) '0');
                    put(HEX[c >>> 4], HEX[c & 0xF]);
                } else {
                    put((byte) c);
                }
            }
        }
    }

    /** {@code "2026-01-31T23:59:59.999Z"} for an epoch-millisecond instant (proleptic Gregorian, UTC). */
    void fieldIsoUtc(byte[] name, long epochMs) {
        name(name);
        long day = Math.floorDiv(epochMs, MS_PER_DAY);
        long msOfDay = Math.floorMod(epochMs, MS_PER_DAY);
        if (day != lastEpochDay) {
            lastYmd = civilDate(day);
            lastEpochDay = day;
        }
        long ymd = lastYmd;
        put((byte) '"');
        putPadded(ymd / 10_000, 4);
        put((byte) '-');
        putPadded((ymd / 100) % 100, 2);
        put((byte) '-');
        putPadded(ymd % 100, 2);
        put((byte) 'T');
        putPadded(msOfDay / 3_600_000, 2);
        put((byte) ':');
        putPadded((msOfDay / 60_000) % 60, 2);
        put((byte) ':');
        putPadded((msOfDay / 1000) % 60, 2);
        put((byte) '.');
        putPadded(msOfDay % 1000, 3);
        put((byte) 'Z', (byte) '"');
    }

    /**
     * The civil date of a day count since 1970-01-01 as yyyymmdd, by the usual era arithmetic
     * (400-year eras of 146,097 days, years starting in March so that the leap day is last).
     */
    static long civilDate(long epochDay) {
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        long d = dayOfYear - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        long y = yearOfEra + era * 400 + (m <= 2 ? 1 : 0);
        return y * 10_000 + m * 100 + d;
    }

    private void putPadded(long v, int digits) {
        for (int i = pos + digits - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        pos += digits;
    }

    void putLong(long v) {
        if (v == Long.MIN_VALUE) {
            ascii("-9223372036854775808");
            return;
        }
        if (v < 0) {
            put((byte) '-');
            v = -v;
        }
        int end = pos + digitCount(v);
        int i = end;
        while (v >= 100) {
            int r = (int) (v % 100);
            v /= 100;
            buf[--i] = DIGIT_PAIRS[2 * r + 1];
            buf[--i] = DIGIT_PAIRS[2 * r];
        }
        if (v >= 10) {
            int r = (int) v;
            buf[--i] = DIGIT_PAIRS[2 * r + 1];
            buf[--i] = DIGIT_PAIRS[2 * r];
        } else {
            buf[--i] = (byte) ('0' + v);
        }
        pos = end;
    }

    /** Decimal digits of {@code v} (0 has one); {@code v >= 0}. */
    static int digitCount(long v) {
        long bound = 10;
        for (int d = 1; d < 19; d++) {
            if (v < bound) {
                return d;
            }
            bound *= 10;
        }
        return 19;
    }

    private void ascii(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            buf[pos + i] = (byte) s.charAt(i);
        }
        pos += n;
    }
}
