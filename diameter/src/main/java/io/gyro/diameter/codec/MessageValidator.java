package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.AvpDictionary;
import io.gyro.diameter.dictionary.AvpType;
import io.gyro.diameter.dictionary.Grammar;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;

/**
 * Checks a whole frame before anyone reads it: header bits, AVP framing at every depth, the
 * length of fixed-size AVPs, unknown mandatory AVPs, and the command's required AVPs.
 * The first problem found is reported in a {@link Validation}, following RFC 6733 §7.1.
 *
 * <p>One validator per event-loop thread; it allocates nothing. Every level is walked with its
 * cursor in local variables ({@link AvpReader#headerAt}), a grouped AVP being a (from, to) pair
 * inside the message, and the AVPs seen are noted as bits ({@link Grammar#requiredBit}).
 */
public final class MessageValidator {
    private static final int MAX_DEPTH = 8;
    /** Reads the frame for every level of the message. */
    private final AvpReader message = new AvpReader();

    /** Validates the message at {@code offset} of {@code frame}, whose length field the frame decoder checked. */
    public Validation validate(ByteBuf frame, int offset, Validation out) {
        out.reset();
        int version = DiameterHeader.version(frame, offset);
        if (version != DiameterHeader.VERSION) {
            // RFC 6733 §7.1.5: DIAMETER_UNSUPPORTED_VERSION for a version this node does not support.
            return out.fail(ResultCode.DIAMETER_UNSUPPORTED_VERSION, "unsupported Diameter version");
        }
        int flags = DiameterHeader.flags(frame, offset);
        boolean request = (flags & DiameterHeader.FLAG_REQUEST) != 0;
        // RFC 6733 §3: reserved bits MUST be zero; a request with the E bit is invalid (§7.1.3, 3008).
        if ((flags & DiameterHeader.FLAGS_RESERVED) != 0 || (request && (flags & DiameterHeader.FLAG_ERROR) != 0)) {
            return out.fail(ResultCode.DIAMETER_INVALID_HDR_BITS, "invalid header bits");
        }
        int length = DiameterHeader.messageLength(frame, offset);
        int commandCode = DiameterHeader.commandCode(frame, offset);
        int[] required = Grammar.required(commandCode, request);
        // Answers with the E bit carry only the error AVPs (RFC 6733 §7.2); do not ask for the rest.
        if (!request && (flags & DiameterHeader.FLAG_ERROR) != 0) {
            required = Grammar.required(-1, false);
        }
        int from = offset + DiameterHeader.LENGTH;
        int to = offset + length;
        long singles = Grammar.singleInstance(commandCode, request);
        long seen = walk(message.wrap(frame, from, to), from, to, frame, 0, singles, out);
        if (!out.ok()) {
            return out;
        }
        for (int code : required) {
            if ((seen & Grammar.requiredBit(code)) == 0) {
                return out.failMissing(code, VendorId.IETF, "missing required AVP");
            }
        }
        return out;
    }

    /**
     * Walks the AVPs of [from, to) at nesting {@code depth}, validating each, and returns the
     * {@link Grammar#requiredBit}s of the vendor-0 codes seen; a grouped AVP's required members
     * are checked when its walk ends. The first problem stops the walk, with {@code out} filled.
     */
    private static long walk(AvpReader m, int from, int to, ByteBuf frame, int depth, long singles, Validation out) {
        long seen = 0;
        long seenOnce = 0;
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                out.failAvp(ResultCode.DIAMETER_INVALID_AVP_LENGTH, at, Math.min(to - at, 12),
                        "AVP length runs past its container");
                return seen;
            }
            next = AvpReader.nextAt(at, header);
            long vendor = m.vendorAt(at, header);
            long code = header >>> 32;
            int avpLength = AvpReader.avpLength(header);
            if (vendor == VendorId.IETF) {
                seen |= Grammar.requiredBit(code);
                long once = Grammar.singleBit(code) & singles;
                if (once != 0) {
                    if ((seenOnce & once) != 0) {
                        // RFC 6733 §7.1.5: Failed-AVP carries the first instance past the maximum.
                        out.failAvp(ResultCode.DIAMETER_AVP_OCCURS_TOO_MANY_TIMES, at, avpLength,
                                "AVP occurs more often than the command allows");
                        return seen;
                    }
                    seenOnce |= once;
                }
            }
            AvpType type = AvpDictionary.type(vendor, code);
            if (type == AvpType.UNKNOWN) {
                if ((AvpReader.flags(header) & AvpReader.FLAG_MANDATORY) != 0) {
                    // RFC 6733 §4.1: an unrecognised AVP with the M bit set makes the message fail.
                    out.failAvp(ResultCode.DIAMETER_AVP_UNSUPPORTED, at, avpLength, "unsupported mandatory AVP");
                    return seen;
                }
                continue;
            }
            int dataOffset = at + AvpReader.headerLength(header);
            int dataLength = avpLength - AvpReader.headerLength(header);
            if (type.fixedLength >= 0 && dataLength != type.fixedLength) {
                out.failAvp(ResultCode.DIAMETER_INVALID_AVP_LENGTH, at, avpLength, "AVP length does not match its type");
                return seen;
            }
            if (type == AvpType.ADDRESS && !validAddress(frame, dataOffset, dataLength)) {
                out.failAvp(ResultCode.DIAMETER_INVALID_AVP_LENGTH, at, avpLength, "invalid Address AVP");
                return seen;
            }
            if (type == AvpType.GROUPED && code == AvpCode.FAILED_AVP && vendor == VendorId.IETF) {
                // RFC 6733 §7.5: Failed-AVP carries the offending AVPs as they were (wrong length,
                // unknown code with M): they must not fail the answer that reports them.
                continue;
            }
            if (type == AvpType.GROUPED) {
                if (depth + 1 >= MAX_DEPTH) {
                    out.failAvp(ResultCode.DIAMETER_INVALID_AVP_VALUE, at, avpLength, "grouped AVPs nested too deep");
                    return seen;
                }
                long membersSeen = walk(m, dataOffset, at + avpLength, frame, depth + 1,
                        Grammar.singleInstanceMembers(vendor, code), out);
                if (!out.ok()) {
                    return seen;
                }
                for (int member : Grammar.requiredMembers(vendor, code)) {
                    if ((membersSeen & Grammar.requiredBit(member)) == 0) {
                        out.failMissing(member, VendorId.IETF, "missing required member of a grouped AVP");
                        return seen;
                    }
                }
                if (code == AvpCode.VENDOR_SPECIFIC_APPLICATION_ID && vendor == VendorId.IETF) {
                    // RFC 4006 §3.1 wants a top-level Auth-Application-Id; some IMS nodes (Kamailio's ims_charging)
                    // send it only inside Vendor-Specific-Application-Id (RFC 6733 §6.11). The application is not in
                    // doubt (the header names it), so that one counts.
                    seen |= membersSeen & Grammar.requiredBit(AvpCode.AUTH_APPLICATION_ID);
                }
            }
        }
        return seen;
    }

    /**
     * The checks {@link #validate} makes of a grouped AVP found in a walk at nesting {@code depth}
     * (0 for the top level), whose members are [from, to): its depth, each member at every depth,
     * and the group's required members. False with {@code out} filled as {@link #validate} fills
     * it for the first problem inside the group. For a decoder that checks the AVPs it reads
     * itself and hands the groups it does not read here, in the same pass.
     */
    public static boolean groupValid(AvpReader m, ByteBuf frame, long vendor, long code, int at, int from, int to,
            int depth, Validation out) {
        if (depth + 1 >= MAX_DEPTH) {
            out.failAvp(ResultCode.DIAMETER_INVALID_AVP_VALUE, at, to - at, "grouped AVPs nested too deep");
            return false;
        }
        long membersSeen = walk(m, from, to, frame, depth + 1, Grammar.singleInstanceMembers(vendor, code), out);
        if (!out.ok()) {
            return false;
        }
        for (int member : Grammar.requiredMembers(vendor, code)) {
            if ((membersSeen & Grammar.requiredBit(member)) == 0) {
                out.failMissing(member, VendorId.IETF, "missing required member of a grouped AVP");
                return false;
            }
        }
        return true;
    }

    static boolean validAddress(ByteBuf frame, AvpReader reader) {
        return validAddress(frame, reader.dataOffset(), reader.dataLength());
    }

    /** RFC 6733 §4.3.1: 2 octets of AddressType, then 4 octets for IPv4 (1) or 16 for IPv6 (2). */
    public static boolean validAddress(ByteBuf frame, int dataOffset, int dataLength) {
        if (dataLength < 2) {
            return false;
        }
        int family = frame.getUnsignedShort(dataOffset);
        int addressLength = dataLength - 2;
        return family == 1 ? addressLength == 4 : family != 2 || addressLength == 16;
    }
}
