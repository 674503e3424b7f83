package io.gyro.diameter.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

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
 *
 * <p>Frames from the server's frame decoder are slices of pooled direct buffers. For those the
 * reader reads the frame's memory directly, as Agrona's buffers do: {@link #wrap} checks once
 * that the run lies inside a live buffer, and every read inside the run is then bounded by the
 * run's own end. A ByteBuf accessor per read would repeat the range and reference-count checks
 * and, at a call site that sees both slices and whole buffers, be a virtual call that the JIT
 * does not inline. Heap buffers, and any read the run's end does not cover, go through the
 * ByteBuf as before, with its exceptions.
 */
public final class AvpReader {
    public static final int FLAG_VENDOR = 0x80;
    public static final int FLAG_MANDATORY = 0x40;
    public static final int FLAG_PROTECTED = 0x20;
    /** What {@link #readAt} returns at the end of the run or at a broken AVP. */
    public static final int END = -1;

    /** Reads through native addresses only where Netty can, on a machine that allows unaligned reads. */
    private static final boolean RAW_READS = PlatformDependent.hasUnsafe() && PlatformDependent.isUnaligned();

    private ByteBuf buf;
    /** Native address of index 0 of {@code buf}, or 0 when every read goes through the ByteBuf. */
    private long address;
    private int start;
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
        return wrap(frame, rawAddress(frame, from, to), from, to);
    }

    /** Points {@code child} at the members of the current (grouped) AVP. */
    public AvpReader enter(AvpReader child) {
        // The members lie inside this run, so this run's check of the buffer covers them.
        return child.wrap(buf, address, dataOffset, dataOffset + dataLength);
    }

    private AvpReader wrap(ByteBuf frame, long frameAddress, int from, int to) {
        this.buf = frame;
        this.address = frameAddress;
        this.start = from;
        this.position = from;
        this.end = to;
        this.malformed = false;
        this.avpOffset = -1;
        return this;
    }

    /**
     * The address to read [from, to) of {@code frame} at, or 0 to read through the ByteBuf: for
     * heap buffers, a released buffer (whose memory may be reused) and a range the buffer does not
     * hold, so that those fail exactly as a ByteBuf read fails.
     */
    private static long rawAddress(ByteBuf frame, int from, int to) {
        if (!RAW_READS || from < 0 || from > to || to > frame.capacity() || !frame.hasMemoryAddress()
                || frame.refCnt() == 0) {
            return 0;
        }
        return frame.memoryAddress();
    }

    /** Big-endian Integer32 at {@code index}; raw only when the 4 bytes lie inside the run. */
    private int intAt(int index) {
        if (address != 0 && index >= 0 && index <= end - 4) {
            int nativeOrder = PlatformDependent.getInt(address + index);
            return PlatformDependent.BIG_ENDIAN_NATIVE_ORDER ? nativeOrder : Integer.reverseBytes(nativeOrder);
        }
        return buf.getInt(index);
    }

    /** Big-endian Integer64 at {@code index}; raw only when the 8 bytes lie inside the run. */
    private long longAt(int index) {
        if (address != 0 && index >= 0 && index <= end - 8) {
            long nativeOrder = PlatformDependent.getLong(address + index);
            return PlatformDependent.BIG_ENDIAN_NATIVE_ORDER ? nativeOrder : Long.reverseBytes(nativeOrder);
        }
        return buf.getLong(index);
    }

    private byte byteAt(int index) {
        if (address != 0 && index >= 0 && index < end) {
            return PlatformDependent.getByte(address + index);
        }
        return buf.getByte(index);
    }

    /** Moves to the next AVP. False at the end, or when the AVP is malformed (see {@link #malformed()}). */
    public boolean next() {
        if (malformed) {
            return false;
        }
        int following = readAt(position);
        if (following == END) {
            return false;
        }
        position = following;
        return true;
    }

    /** Offset of the first AVP of the run, where a {@link #readAt} loop starts. */
    public int first() {
        return start;
    }

    /**
     * Reads the header of the AVP at {@code offset} (the run's {@link #first()}, or what the
     * previous call returned) and returns the offset of the AVP after it; {@link #END} at the end
     * of the run or at a broken header (see {@link #malformed()}). Decoders on the hot path loop
     * with it:
     * <pre>
     * for (int at = reader.first(); (at = reader.readAt(at)) != AvpReader.END; ) {
     *     // reader.code(), reader.dataOffset() ... describe the AVP just read
     * }
     * </pre>
     * The offset is the caller's local variable rather than a field, so the CPU does not wait for
     * a store of it to come back before it can read the next header: from one AVP to the next,
     * the only dependency is its length.
     */
    public int readAt(int offset) {
        if (offset >= end) {
            return END;
        }
        avpOffset = offset;
        if (end - offset < 8) {
            malformed = true;
            return END;
        }
        // One read for Code, Flags and Length (RFC 6733 §4.1: 4 + 1 + 3 bytes).
        long header = longAt(offset);
        code = header >>> 32;
        flags = (int) (header >>> 24) & 0xff;
        length = (int) header & 0xffffff;
        int headerLength = (flags & FLAG_VENDOR) != 0 ? 12 : 8;
        if (length < headerLength || length > end - offset) {
            malformed = true;
            return END;
        }
        vendorId = headerLength == 12 ? intAt(offset + 8) & 0xffff_ffffL : 0;
        dataOffset = offset + headerLength;
        dataLength = length - headerLength;
        // Past the end only when the run's last AVP lacks its padding (the enclosing length says
        // where the run ends); the next call then ends the run.
        return offset + ((length + 3) & ~3);
    }

    /**
     * What {@link #headerAt} returns for a broken header. No well-formed header is all ones: its
     * Length (2^24 - 1) would run past the end of any message.
     */
    public static final long MALFORMED = -1L;

    /**
     * The 8 header bytes (Code, Flags, Length) of the AVP at {@code offset} of a run that ends at
     * {@code runEnd}, or {@link #MALFORMED} when fewer than 8 bytes are left or the Length is
     * shorter than the header or runs past {@code runEnd}: the checks of {@link #readAt}, without
     * moving the cursor or storing what was read. The run must lie inside this reader's run
     * (a grouped AVP's members, found by walking it), which is what bounds the raw read.
     *
     * <p>For decoders that keep the cursor in locals, so that reading an AVP stores nothing to
     * memory; the caller splits the header with {@link #code(long)}, {@link #headerLength(long)},
     * {@link #avpLength(long)} and {@link #nextAt}, and must read the Vendor-ID
     * ({@link #vendorAt}) next, as {@link #readAt} does:
     * <pre>
     * for (int at = from, next; at < to; at = next) {
     *     long header = reader.headerAt(at, to);
     *     if (header == AvpReader.MALFORMED) {
     *         break;
     *     }
     *     next = AvpReader.nextAt(at, header);
     *     int vendor = reader.vendorAt(at, header);
     *     // ...
     * }
     * </pre>
     */
    public long headerAt(int offset, int runEnd) {
        if (runEnd - offset < 8) {
            return MALFORMED;
        }
        long header = longAt(offset);
        int avpLength = avpLength(header);
        if (avpLength < headerLength(header) || avpLength > runEnd - offset) {
            return MALFORMED;
        }
        return header;
    }

    /** AVP Code of a header from {@link #headerAt} (above 2^31 it reads negative, matching no known code). */
    public static int code(long header) {
        return (int) (header >>> 32);
    }

    /** AVP Flags of a header from {@link #headerAt}. */
    public static int flags(long header) {
        return (int) (header >>> 24) & 0xff;
    }

    /** AVP Length (header and data, not padding) of a header from {@link #headerAt}. */
    public static int avpLength(long header) {
        return (int) header & 0xffffff;
    }

    /** 12 with the V bit (a Vendor-ID follows), else 8. */
    public static int headerLength(long header) {
        return (header & ((long) FLAG_VENDOR << 24)) != 0 ? 12 : 8;
    }

    /** Offset of the AVP after the one at {@code offset}: its Length padded to 4 bytes. */
    public static int nextAt(int offset, long header) {
        return offset + ((avpLength(header) + 3) & ~3);
    }

    /** Vendor-ID of the AVP at {@code offset} with the given header (as unsigned), or 0 without the V bit. */
    public long vendorAt(int offset, long header) {
        return (header & ((long) FLAG_VENDOR << 24)) != 0 ? intAt(offset + 8) & 0xffff_ffffL : 0;
    }

    /** Unsigned32, Enumerated and Time data at {@code index} of this run, read as {@link #unsigned32()} reads. */
    public long unsigned32At(int index) {
        return intAt(index) & 0xffff_ffffL;
    }

    /** Integer32 and Enumerated data at {@code index} of this run, read as {@link #integer32()} reads. */
    public int integer32At(int index) {
        return intAt(index);
    }

    /** Unsigned64 data at {@code index} of this run, read as {@link #unsigned64()} reads. */
    public long unsigned64At(int index) {
        return longAt(index);
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
        return intAt(dataOffset) & 0xffff_ffffL;
    }

    public int integer32() {
        return intAt(dataOffset);
    }

    /** Unsigned64/Integer64 as a Java long (Unsigned64 above 2^63 reads negative; callers cap). */
    public long unsigned64() {
        return longAt(dataOffset);
    }

    /** Compares the data with an ASCII string without creating one. */
    public boolean dataEqualsAscii(CharSequence ascii) {
        if (ascii.length() != dataLength) {
            return false;
        }
        for (int i = 0; i < dataLength; i++) {
            if (byteAt(dataOffset + i) != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Parses decimal digits (an MSISDN, an IMSI, an MCC-MNC) into a long; -1 if not all digits or too long. */
    public long digitsAsLong() {
        return digitsAt(dataOffset, dataLength);
    }

    /**
     * Decimal digits at [offset, offset+length) of this run (the data of a member AVP read earlier)
     * as a long; -1 if empty, not all digits, or over 18 digits.
     */
    public long digitsAt(int offset, int length) {
        if (length == 0 || length > 18) {
            return -1;
        }
        if (address != 0 && length <= 16 && offset >= 8 && offset <= end - length) {
            return digitsByWords(offset, length);
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            int c = byteAt(offset + i) - '0';
            if (c < 0 || c > 9) {
                return -1;
            }
            value = value * 10 + c;
        }
        return value;
    }

    private static final long ASCII_ZEROS = 0x3030_3030_3030_3030L;
    private static final long HIGH_NIBBLES = 0xf0f0_f0f0_f0f0_f0f0L;
    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /**
     * 1 to 16 digits read as one or two 8-byte words (an MSISDN has 13, an IMSI 15): the digits
     * of a word are checked and summed together, in three multiplications instead of one per
     * digit. The last word is the 8 bytes that end with the last digit; the bytes in front of
     * its digits (the AVP header, or digits the first word already holds) count as '0'. The
     * caller made sure those 8 bytes lie inside the buffer ({@code offset >= 8}).
     */
    private long digitsByWords(int offset, int length) {
        int tailDigits = length > 8 ? length - 8 : length;
        long tailMask = tailDigits == 8 ? -1L : (1L << (8 * tailDigits)) - 1;
        long tail = wordDigits((longAt(offset + length - 8) & tailMask) | (ASCII_ZEROS & ~tailMask));
        if (length <= 8) {
            return tail;
        }
        long head = wordDigits(longAt(offset));
        return head < 0 || tail < 0 ? -1 : head * POWERS_OF_TEN[tailDigits] + tail;
    }

    /**
     * The value of 8 ASCII digits in big-endian order, or -1 if a byte is not a digit. A byte is
     * a digit when its high nibble is 3 and adding 6 to it does not carry out of its low nibble.
     * Then neighbouring digits are combined into pairs, pairs into fours, fours into eight
     * (each lane's sum fits its lane, so nothing carries into the next one).
     */
    private static long wordDigits(long word) {
        if ((word & HIGH_NIBBLES) != ASCII_ZEROS || ((word + 0x0606_0606_0606_0606L) & HIGH_NIBBLES) != ASCII_ZEROS) {
            return -1;
        }
        long v = word - ASCII_ZEROS;
        v = ((v >>> 8) * 10 + v) & 0x00ff_00ff_00ff_00ffL;
        v = ((v >>> 16) * 100 + v) & 0x0000_ffff_0000_ffffL;
        return ((v >>> 32) * 10_000 + v) & 0xffff_ffffL;
    }

    /** The data as a String. Allocates: for logs, errors and tests, not the hot path. */
    public String stringValue() {
        return buf.toString(dataOffset, dataLength, StandardCharsets.UTF_8);
    }
}
