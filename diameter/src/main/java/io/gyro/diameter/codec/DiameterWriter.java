package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;


/**
 * Writes a Diameter message into a (pooled) ByteBuf: a header, then AVPs with their padding,
 * grouped AVPs by begin/end, and the lengths patched at the end (RFC 6733 §3, §4.1, §4.4).
 * Reusable; one writer per thread. Nothing here allocates beyond the target buffer's growth.
 *
 * <p>Vendor-specific AVPs (vendor != 0) carry the V bit and a Vendor-Id; every AVP Gyro sends
 * carries the M bit unless a method says otherwise, as TS 32.299 §7.2 and RFC 4006 §8 mark them.
 */
public final class DiameterWriter {
    private static final int MAX_DEPTH = 8;
    private static final byte[] PADDING = new byte[3];

    private ByteBuf out;
    private int messageOffset;
    private final int[] groupOffsets = new int[MAX_DEPTH];
    private int depth;

    /** Starts a message at the writer index of {@code target}. */
    public DiameterWriter begin(ByteBuf target, int flags, int commandCode, int applicationId, int hopByHop, int endToEnd) {
        this.out = target;
        this.messageOffset = target.writerIndex();
        this.depth = 0;
        DiameterHeader.write(target, flags, commandCode, applicationId, hopByHop, endToEnd);
        return this;
    }

    /** Patches the message length; returns the buffer (its writer index is after the message). */
    public ByteBuf end() {
        if (depth != 0) {
            throw new IllegalStateException("unclosed grouped AVP");
        }
        DiameterHeader.patchLength(out, messageOffset, out.writerIndex() - messageOffset);
        ByteBuf target = out;
        out = null;
        return target;
    }

    public ByteBuf buffer() {
        return out;
    }

    private void header(int code, int vendor, boolean mandatory, int dataLength) {
        int flags = (vendor != VendorId.IETF ? AvpReader.FLAG_VENDOR : 0) | (mandatory ? AvpReader.FLAG_MANDATORY : 0);
        int headerLength = vendor != VendorId.IETF ? 12 : 8;
        // Code (4 bytes), Flags (1) and Length (3) in one write: each ByteBuf write checks the
        // buffer's room and reference count again.
        out.writeLong((long) code << 32 | (long) flags << 24 | ((headerLength + dataLength) & 0xffffff));
        if (vendor != VendorId.IETF) {
            out.writeInt(vendor);
        }
    }

    private void pad(int dataLength) {
        int padding = (4 - (dataLength & 3)) & 3;
        if (padding != 0) {
            out.writeBytes(PADDING, 0, padding);
        }
    }

    public DiameterWriter unsigned32(int code, long value) {
        return unsigned32(code, VendorId.IETF, value);
    }

    public DiameterWriter unsigned32(int code, int vendor, long value) {
        header(code, vendor, true, 4);
        out.writeInt((int) value);
        return this;
    }

    public DiameterWriter unsigned32(int code, int vendor, boolean mandatory, long value) {
        header(code, vendor, mandatory, 4);
        out.writeInt((int) value);
        return this;
    }

    public DiameterWriter integer32(int code, int value) {
        return unsigned32(code, VendorId.IETF, value & 0xffffffffL);
    }

    public DiameterWriter enumerated(int code, int value) {
        return unsigned32(code, VendorId.IETF, value & 0xffffffffL);
    }

    public DiameterWriter enumerated(int code, int vendor, int value) {
        return unsigned32(code, vendor, value & 0xffffffffL);
    }

    public DiameterWriter unsigned64(int code, long value) {
        return unsigned64(code, VendorId.IETF, value);
    }

    public DiameterWriter unsigned64(int code, int vendor, long value) {
        header(code, vendor, true, 8);
        out.writeLong(value);
        return this;
    }

    /** Time (RFC 6733 §4.3.1): seconds since 1900-01-01 UTC, from Unix epoch milliseconds. */
    public DiameterWriter time(int code, long epochMillis) {
        return unsigned32(code, VendorId.IETF, epochMillis / 1000 + NTP_EPOCH_OFFSET_SECONDS);
    }

    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
    public static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    /** UTF8String / DiameterIdentity from a CharSequence, encoded without an intermediate String. */
    public DiameterWriter utf8(int code, CharSequence value) {
        return utf8(code, VendorId.IETF, value);
    }

    public DiameterWriter utf8(int code, int vendor, CharSequence value) {
        return utf8(code, vendor, true, value);
    }

    /**
     * UTF8String with an explicit M bit: RFC 6733 §4.5 says Product-Name and Error-Message MUST
     * NOT carry it.
     */
    public DiameterWriter utf8(int code, int vendor, boolean mandatory, CharSequence value) {
        int dataLength = ByteBufUtil.utf8Bytes(value);
        header(code, vendor, mandatory, dataLength);
        ByteBufUtil.reserveAndWriteUtf8(out, value, dataLength);
        pad(dataLength);
        return this;
    }

    /** OctetString from pre-encoded bytes (Origin-Host and friends are encoded once at start). */
    public DiameterWriter octets(int code, byte[] value) {
        return octets(code, VendorId.IETF, value, 0, value.length);
    }

    public DiameterWriter octets(int code, int vendor, byte[] value, int offset, int length) {
        header(code, vendor, true, length);
        out.writeBytes(value, offset, length);
        pad(length);
        return this;
    }

    /** OctetString copied from another buffer (a Session-Id straight from the request frame). */
    public DiameterWriter octets(int code, ByteBuf source, int offset, int length) {
        header(code, VendorId.IETF, true, length);
        out.writeBytes(source, offset, length);
        pad(length);
        return this;
    }

    /** Address (RFC 6733 §4.3.1): AddressType 1 (IPv4) or 2 (IPv6), then the raw address. */
    public DiameterWriter address(int code, byte[] rawAddress) {
        int family = rawAddress.length == 4 ? 1 : 2;
        header(code, VendorId.IETF, true, 2 + rawAddress.length);
        out.writeShort(family);
        out.writeBytes(rawAddress);
        pad(2 + rawAddress.length);
        return this;
    }

    /** Copies a whole AVP (header, data, padding) from another buffer: Failed-AVP, Proxy-Info. */
    public DiameterWriter rawAvp(ByteBuf source, int offset, int length) {
        out.writeBytes(source, offset, length);
        pad(length);
        return this;
    }

    public DiameterWriter beginGroup(int code) {
        return beginGroup(code, VendorId.IETF);
    }

    public DiameterWriter beginGroup(int code, int vendor) {
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("grouped AVPs nested too deep");
        }
        groupOffsets[depth++] = out.writerIndex();
        header(code, vendor, true, 0);
        return this;
    }

    public DiameterWriter endGroup() {
        int start = groupOffsets[--depth];
        // Members are padded, so the group's length is already a multiple of 4 (RFC 6733 §4.4).
        out.setMedium(start + 5, out.writerIndex() - start);
        return this;
    }

}
