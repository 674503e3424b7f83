package io.gyro.engine.store;

import java.nio.charset.StandardCharsets;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * A reusable Diameter Session-Id (RFC 6733 §8.8, a UTF8String) held as up to {@value #MAX_BYTES}
 * bytes. The Gy adapter fills it straight from the decoded AVP ({@link #set(byte[], int, int)}, or
 * {@link #bytes()} plus {@link #length(int)} to copy from a Netty buffer) or from characters
 * ({@link #set(CharSequence)}, which encodes UTF-8 itself): no String is made per request.
 * Not thread-safe.
 */
public final class SessionKey {
    public static final int MAX_BYTES = 256;

    final byte[] bytes = new byte[MAX_BYTES];
    int length;

    /**
     * Sets the id from raw UTF-8 bytes.
     *
     * @return false (key unchanged) when longer than {@value #MAX_BYTES} bytes or empty
     */
    public boolean set(byte[] src, int offset, int len) {
        if (len <= 0 || len > MAX_BYTES) {
            return false;
        }
        System.arraycopy(src, offset, bytes, 0, len);
        length = len;
        return true;
    }

    /**
     * Sets the id from characters, encoding UTF-8 (an unpaired surrogate becomes '?').
     *
     * @return false (key content undefined, length 0) when the encoding exceeds {@value #MAX_BYTES}
     *         bytes or the id is empty
     */
    public boolean set(CharSequence id) {
        int n = id.length();
        int pos = 0;
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(id.charAt(i + 1))) {
                cp = Character.toCodePoint(c, id.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                cp = '?';
            }
            int need = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (pos + need > MAX_BYTES) {
                length = 0;
                return false;
            }
            if (need == 1) {
                bytes[pos++] = (byte) cp;
            } else if (need == 2) {
                bytes[pos++] = (byte) (0xC0 | (cp >>> 6));
                bytes[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else if (need == 3) {
                bytes[pos++] = (byte) (0xE0 | (cp >>> 12));
                bytes[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                bytes[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                bytes[pos++] = (byte) (0xF0 | (cp >>> 18));
                bytes[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                bytes[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                bytes[pos++] = (byte) (0x80 | (cp & 0x3F));
            }
        }
        length = pos;
        return pos > 0;
    }

    public SessionKey copyFrom(SessionKey other) {
        System.arraycopy(other.bytes, 0, bytes, 0, other.length);
        length = other.length;
        return this;
    }

    /** The backing array, for filling in place; follow with {@link #length(int)}. */
    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return length;
    }

    public SessionKey length(int len) {
        if (len <= 0 || len > MAX_BYTES) {
            throw new IllegalArgumentException("session id length=" + len + " must be 1.." + MAX_BYTES);
        }
        length = len;
        return this;
    }

    /** Decodes the id; allocates, for logs, the HTTP API and tests. */
    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Variable-size key: exactly {@code length} bytes; the map stores the size itself. */
    static final class Marshaller implements SizedReader<SessionKey>, SizedWriter<SessionKey>,
            EnumMarshallable<Marshaller> {
        static final Marshaller INSTANCE = new Marshaller();

        private Marshaller() {
        }

        @Override
        public long size(SessionKey k) {
            return k.length;
        }

        @Override
        public void write(Bytes<?> out, long size, SessionKey k) {
            out.write(k.bytes, 0, k.length);
        }

        @Override
        public SessionKey read(Bytes<?> in, long size, SessionKey using) {
            SessionKey k = using != null ? using : new SessionKey();
            if (size <= 0 || size > MAX_BYTES) {
                throw new IllegalStateException("corrupt session key: size=" + size);
            }
            in.read(k.bytes, 0, (int) size);
            k.length = (int) size;
            return k;
        }

        @Override
        public Marshaller readResolve() {
            return INSTANCE;
        }
    }
}
