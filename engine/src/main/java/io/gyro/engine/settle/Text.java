package io.gyro.engine.settle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A reused UTF-8 text field of a record (session id, called number...): bytes and a length, no String until shown. */
final class Text {
    private byte[] bytes = new byte[64];
    private int length;
    private boolean present;

    void clear() {
        length = 0;
        present = false;
    }

    boolean present() { return present && length > 0; }
    byte[] bytes() { return bytes; }
    int length() { return length; }

    /** Copies {@code src[s, e)} as it is. */
    void set(byte[] src, int s, int e) {
        ensure(e - s);
        System.arraycopy(src, s, bytes, 0, e - s);
        length = e - s;
        present = true;
    }

    /** Copies the body of a JSON string {@code src[s, e)} (between its quotes), undoing RFC 8259 §7 escapes. */
    void setJsonEscaped(byte[] src, int s, int e) {
        ensure(e - s);
        int out = 0;
        for (int i = s; i < e; i++) {
            byte c = src[i];
            if (c != '\\' || i + 1 >= e) {
                bytes[out++] = c;
                continue;
            }
            byte x = src[++i];
            switch (x) {
                case 'n' -> bytes[out++] = '\n';
                case 't' -> bytes[out++] = '\t';
                case 'r' -> bytes[out++] = '\r';
                case 'b' -> bytes[out++] = '\b';
                case 'f' -> bytes[out++] = '\f';
                case 'u' -> {
                    if (i + 4 < e) {
                        int cp = Integer.parseInt(new String(src, i + 1, 4, StandardCharsets.US_ASCII), 16);
                        i += 4;
                        byte[] utf8 = String.valueOf((char) cp).getBytes(StandardCharsets.UTF_8);
                        ensure(out + utf8.length + (e - i));
                        System.arraycopy(utf8, 0, bytes, out, utf8.length);
                        out += utf8.length;
                    }
                }
                default -> bytes[out++] = x; // \" \\ \/
            }
        }
        length = out;
        present = true;
    }

    void set(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        set(b, 0, b.length);
    }

    /** The digits as a number, or -1 when the text is not 1 to 18 digits (a leading + allowed). */
    long digits() {
        int s = length > 0 && bytes[0] == '+' ? 1 : 0;
        if (!present || length - s < 1 || length - s > 18) {
            return -1;
        }
        long v = 0;
        for (int i = s; i < length; i++) {
            int d = bytes[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** A 64-bit FNV-1a hash with a final mix: a session's identity in the spill files. */
    long hash64() {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++) {
            h = (h ^ (bytes[i] & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    boolean sameBytes(Text other) {
        return length == other.length && java.util.Arrays.equals(bytes, 0, length, other.bytes, 0, length);
    }

    @Override
    public String toString() {
        return present ? new String(bytes, 0, length, StandardCharsets.UTF_8) : "";
    }

    private void ensure(int n) {
        if (bytes.length < n) {
            bytes = Arrays.copyOf(bytes, Math.max(n, bytes.length * 2));
        }
    }
}
