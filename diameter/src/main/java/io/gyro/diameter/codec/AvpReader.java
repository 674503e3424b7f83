package io.gyro.diameter.codec;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over a run of AVPs inside a frame (RFC 6733 §4.1). It reads headers and values in
 * place: one reader is reused for every AVP of a message, and a grouped AVP is entered by
 * pointing a second reader at its data with {@link #enter}. Readers never allocate, except the
 * explicit {@link #stringValue()} used where a human will read the text.
 *
 * <pre>
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           AVP Code                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V M P r r r r r|                  AVP Length                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Vendor-ID (opt)                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Data ...   (AVP Length counts header and data, not padding)
 * </pre>
 *
 * <p>{@link #next()} returns false at the end of the run or when an AVP header is broken; the
 * two are told apart by {@link #malformed()}, whose offset names the AVP for Failed-AVP.
 * Single-threaded: a reader belongs to the thread that decodes.
 */
public final class AvpReader {
    public static final int FLAG_VENDOR = 0x80;
    public static final int FLAG_MANDATORY = 0x40;
    public static final int FLAG_PROTECTED = 0x20;

    private ByteBuf buf;
    private int position;
    private int end;

    private int avpOffset;
    private long code;
    private int flags;
    private int length;
    private long vendorId;
    private int dataOffset;
    private int dataLength;
    private boolean malformed;

    /** Points the reader at the AVPs of a whole message (after its header). */
    public AvpReader wrapMessage(ByteBuf frame, int messageOffset, int messageLength) {
        return wrap(frame, messageOffset + DiameterHeader.LENGTH, messageOffset + messageLength);
    }

    public AvpReader wrap(ByteBuf frame, int from, int to) {
        this.buf = frame;
        this.position = from;
        this.end = to;
        this.malformed = false;
        this.avpOffset = -1;
        return this;
    }

    /** Points {@code child} at the members of the current (grouped) AVP. */
    public AvpReader enter(AvpReader child) {
        return child.wrap(buf, dataOffset, dataOffset + dataLength);
    }

    /** Moves to the next AVP. False at the end, or when the AVP is malformed (see {@link #malformed()}). */
    public boolean next() {
        if (malformed || position >= end) {
            return false;
        }
        avpOffset = position;
        if (end - position < 8) {
            malformed = true;
            return false;
        }
        // One bounds-checked read for Code, Flags and Length (RFC 6733 §4.1: 4 + 1 + 3 bytes).
        long header = buf.getLong(position);
        code = header >>> 32;
        flags = (int) (header >>> 24) & 0xff;
        length = (int) header & 0xffffff;
        int headerLength = (flags & FLAG_VENDOR) != 0 ? 12 : 8;
        if (length < headerLength || length > end - position) {
            malformed = true;
            return false;
        }
        vendorId = headerLength == 12 ? buf.getUnsignedInt(position + 8) : 0;
        dataOffset = position + headerLength;
        dataLength = length - headerLength;
        int padded = (length + 3) & ~3;
        // The last AVP of a run may lack its padding only if the enclosing length says so.
        position = Math.min(avpOffset + padded, end);
        return true;
    }

    /** True when {@link #next()} stopped at a broken AVP header. */
    public boolean malformed() {
        return malformed;
    }

    /** Offset of the current (or the broken) AVP's header. */
    public int avpOffset() {
        return avpOffset;
    }

    /** Bytes from the current AVP's header to the end of the run, bounded by its length field. */
    public int avpLength() {
        return length;
    }

    /** Bytes of the broken AVP that can be copied into Failed-AVP: its header, or what remains. */
    public int malformedAvailable() {
        return Math.min(end - avpOffset, 12);
    }

    public long code() {
        return code;
    }

    public int flags() {
        return flags;
    }

    public boolean isMandatory() {
        return (flags & FLAG_MANDATORY) != 0;
    }

    public boolean hasVendor() {
        return (flags & FLAG_VENDOR) != 0;
    }

    public long vendorId() {
        return vendorId;
    }

    public boolean is(int avpCode, int vendor) {
        return code == avpCode && vendorId == vendor;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int dataOffset() {
        return dataOffset;
    }

    public int dataLength() {
        return dataLength;
    }

    /** Unsigned32, Enumerated, Integer32 and Time values. Assumes a validated length of 4. */
    public long unsigned32() {
        return buf.getUnsignedInt(dataOffset);
    }

    public int integer32() {
        return buf.getInt(dataOffset);
    }

    /** Unsigned64/Integer64 as a Java long (Unsigned64 above 2^63 reads negative; callers cap). */
    public long unsigned64() {
        return buf.getLong(dataOffset);
    }

    /** Compares the data with an ASCII string without creating one. */
    public boolean dataEqualsAscii(CharSequence ascii) {
        if (ascii.length() != dataLength) {
            return false;
        }
        for (int i = 0; i < dataLength; i++) {
            if (buf.getByte(dataOffset + i) != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Parses decimal digits (an MSISDN, an IMSI, an MCC-MNC) into a long; -1 if not all digits or too long. */
    public long digitsAsLong() {
        return parseDigits(buf, dataOffset, dataLength);
    }

    /** Decimal digits at [offset, offset+length) as a long; -1 if empty, not all digits, or over 18 digits. */
    public static long parseDigits(ByteBuf buf, int offset, int length) {
        if (length == 0 || length > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            int c = buf.getByte(offset + i) - '0';
            if (c < 0 || c > 9) {
                return -1;
            }
            value = value * 10 + c;
        }
        return value;
    }

    /** The data as a String. Allocates: for logs, errors and tests, not the hot path. */
    public String stringValue() {
        return buf.toString(dataOffset, dataLength, StandardCharsets.UTF_8);
    }
}
