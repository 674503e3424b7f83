package io.gyro.engine.settle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fields of one CSV line (RFC 4180: comma-separated, a field may be quoted with {@code "}, a quote inside a
 * quoted field doubled; a quoted field does not span lines), unquoted into one reused buffer. Numbers and times
 * are read from the bytes in place; a String is made only for text a report shows. Caller's thread.
 */
final class CsvFields {
    private byte[] bytes = new byte[4096];
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private int count;

    /**
     * Splits {@code line[from, to)}.
     *
     * @return null, or what is wrong (an unclosed quote, text after a closing quote)
     */
    String split(byte[] line, int from, int to) {
        if (bytes.length < to - from) {
            bytes = new byte[Math.max(to - from, bytes.length * 2)];
        }
        count = 0;
        int out = 0;
        int i = from;
        while (true) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            starts[count] = out;
            if (i < to && line[i] == '"') {
                i++;
                while (true) {
                    if (i >= to) {
                        return "field " + (count + 1) + ": a quote is not closed";
                    }
                    byte b = line[i++];
                    if (b == '"') {
                        if (i < to && line[i] == '"') {
                            bytes[out++] = '"';
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        bytes[out++] = b;
                    }
                }
                if (i < to && line[i] != ',') {
                    return "field " + (count + 1) + ": text after the closing quote";
                }
            } else {
                while (i < to && line[i] != ',') {
                    bytes[out++] = line[i++];
                }
            }
            ends[count] = out;
            count++;
            if (i >= to) {
                return null;
            }
            i++; // the comma
        }
    }

    int count() { return count; }
    byte[] bytes() { return bytes; }
    int start(int field) { return starts[field]; }
    int end(int field) { return ends[field]; }

    /** Trimmed of spaces. */
    boolean isEmpty(int field) {
        if (field >= count) {
            return true;
        }
        for (int i = starts[field]; i < ends[field]; i++) {
            if (bytes[i] != ' ') {
                return false;
            }
        }
        return true;
    }

    /** The field, trimmed; "" when the line has fewer fields. */
    String string(int field) {
        if (field >= count) {
            return "";
        }
        return new String(bytes, starts[field], ends[field] - starts[field], StandardCharsets.UTF_8).trim();
    }

    /**
     * A non-negative integer of up to 18 digits (spaces around allowed), or -1 when the field is not one.
     * A leading + is allowed (E.164 numbers are written with it).
     */
    long digits(int field) {
        if (field >= count) {
            return -1;
        }
        int s = starts[field];
        int e = ends[field];
        while (s < e && bytes[s] == ' ') {
            s++;
        }
        while (e > s && bytes[e - 1] == ' ') {
            e--;
        }
        if (s < e && bytes[s] == '+') {
            s++;
        }
        if (s == e || e - s > 18) {
            return -1;
        }
        long v = 0;
        for (int i = s; i < e; i++) {
            int d = bytes[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** The field's text in the column's lower case, for matching header names and words. */
    String lower(int field) {
        return string(field).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * A CNY amount with up to 6 decimals as micros ({@code 12.5}, {@code -0.000001}), read in place; {@link
     * Long#MIN_VALUE} when the field is not one (the caller asks {@code Money.parseMicros} for the reason).
     */
    long micros(int field) {
        if (field >= count) {
            return Long.MIN_VALUE;
        }
        int s = starts[field];
        int e = ends[field];
        while (s < e && bytes[s] == ' ') {
            s++;
        }
        while (e > s && bytes[e - 1] == ' ') {
            e--;
        }
        boolean negative = false;
        if (s < e && (bytes[s] == '-' || bytes[s] == '+')) {
            negative = bytes[s] == '-';
            s++;
        }
        long whole = 0;
        int wholeDigits = 0;
        int i = s;
        for (; i < e && bytes[i] != '.'; i++) {
            int d = bytes[i] - '0';
            if (d < 0 || d > 9 || wholeDigits == 12) {
                return Long.MIN_VALUE;
            }
            whole = whole * 10 + d;
            wholeDigits++;
        }
        long fraction = 0;
        int decimals = 0;
        if (i < e) {
            for (i++; i < e; i++) {
                int d = bytes[i] - '0';
                if (d < 0 || d > 9 || decimals == 6) {
                    return Long.MIN_VALUE;
                }
                fraction = fraction * 10 + d;
                decimals++;
            }
        }
        if (wholeDigits == 0 && decimals == 0) {
            return Long.MIN_VALUE;
        }
        for (int d = decimals; d < 6; d++) {
            fraction *= 10;
        }
        long micros = whole * 1_000_000L + fraction;
        return negative ? -micros : micros;
    }
}
