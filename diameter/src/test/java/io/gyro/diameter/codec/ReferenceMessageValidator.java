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
 * <p>One validator per event-loop thread; it keeps a small stack of readers for grouped AVPs
 * and allocates nothing.
 */
final class ReferenceMessageValidator {
    private static final int MAX_DEPTH = 8;
    private final AvpReader[] readers = new AvpReader[MAX_DEPTH];

    ReferenceMessageValidator() {
        for (int i = 0; i < MAX_DEPTH; i++) {
            readers[i] = new AvpReader();
        }
    }

    /** Validates the message at {@code offset} of {@code frame}, whose length field the frame decoder checked. */
    private static final int[] NONE = {};
    /** RFC 4006 §3.1: the CCR AVPs written without '*' (RFC 6733 §3.2: at most once). */
    private static final int[] CCR_ONCE = {263, 264, 296, 283, 258, 461, 416, 415, 293, 1, 419, 50, 278, 55, 439,
            295, 437, 436, 455, 411, 458};
    /** RFC 4006 §8.46. */
    private static final int[] SUBSCRIPTION_ID_ONCE = {450, 444};

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
        int[] once = request && commandCode == 272 ? CCR_ONCE : NONE;
        long seen = walk(readers[0].wrap(frame, offset + DiameterHeader.LENGTH, offset + length), frame, 0, required,
                once, out);
        if (!out.ok()) {
            return out;
        }
        for (int i = 0; i < required.length; i++) {
            if ((seen & (1L << i)) == 0) {
                return out.failMissing(required[i], VendorId.IETF, "missing required AVP");
            }
        }
        return out;
    }

    /**
     * Walks the AVPs of {@code reader}'s run (readers[depth]), validating each, and returns the
     * bitmask of {@code required} codes seen (vendor 0 only).
     */
    private long walk(AvpReader reader, ByteBuf frame, int depth, int[] required, int[] once, Validation out) {
        long seen = 0;
        java.util.Set<Long> counted = new java.util.HashSet<>();
        for (int at = reader.first(); (at = reader.readAt(at)) != AvpReader.END; ) {
            long code = reader.code();
            long vendor = reader.vendorId();
            if (vendor == VendorId.IETF && java.util.Arrays.stream(once).anyMatch(c -> c == code) && !counted.add(code)) {
                out.failAvp(ResultCode.DIAMETER_AVP_OCCURS_TOO_MANY_TIMES, reader.avpOffset(), reader.avpLength(),
                        "AVP occurs more often than the command allows");
                return seen;
            }
            if (vendor == VendorId.IETF) {
                // A grammar names each AVP once.
                for (int i = 0; i < required.length; i++) {
                    if (required[i] == code) {
                        seen |= 1L << i;
                        break;
                    }
                }
            }
            AvpType type = AvpDictionary.type(vendor, code);
            if (type == AvpType.UNKNOWN) {
                if (reader.isMandatory()) {
                    // RFC 6733 §4.1: an unrecognised AVP with the M bit set makes the message fail.
                    out.failAvp(ResultCode.DIAMETER_AVP_UNSUPPORTED, reader.avpOffset(), reader.avpLength(),
                            "unsupported mandatory AVP");
                    return seen;
                }
                continue;
            }
            if (type.fixedLength >= 0 && reader.dataLength() != type.fixedLength) {
                out.failAvp(ResultCode.DIAMETER_INVALID_AVP_LENGTH, reader.avpOffset(), reader.avpLength(),
                        "AVP length does not match its type");
                return seen;
            }
            if (type == AvpType.ADDRESS && !validAddress(frame, reader)) {
                out.failAvp(ResultCode.DIAMETER_INVALID_AVP_LENGTH, reader.avpOffset(), reader.avpLength(),
                        "invalid Address AVP");
                return seen;
            }
            if (type == AvpType.GROUPED && code == AvpCode.FAILED_AVP && vendor == VendorId.IETF) {
                // RFC 6733 §7.5: Failed-AVP carries the offending AVPs as they were (wrong length,
                // unknown code with M): they must not fail the answer that reports them.
                continue;
            }
            if (type == AvpType.GROUPED) {
                if (depth + 1 >= MAX_DEPTH) {
                    out.failAvp(ResultCode.DIAMETER_INVALID_AVP_VALUE, reader.avpOffset(), reader.avpLength(),
                            "grouped AVPs nested too deep");
                    return seen;
                }
                int[] members = Grammar.requiredMembers(vendor, code);
                int[] membersOnce = vendor == VendorId.IETF && code == AvpCode.SUBSCRIPTION_ID ? SUBSCRIPTION_ID_ONCE : NONE;
                long membersSeen = walk(reader.enter(readers[depth + 1]), frame, depth + 1, members, membersOnce, out);
                if (!out.ok()) {
                    return seen;
                }
                for (int i = 0; i < members.length; i++) {
                    if ((membersSeen & (1L << i)) == 0) {
                        out.failMissing(members[i], VendorId.IETF, "missing required member of a grouped AVP");
                        return seen;
                    }
                }
                if (vendor == VendorId.IETF && code == AvpCode.VENDOR_SPECIFIC_APPLICATION_ID) {
                    // An Auth-Application-Id inside Vendor-Specific-Application-Id stands for the top-level one.
                    java.util.Set<Long> inside = new java.util.HashSet<>();
                    AvpReader group = reader.enter(new AvpReader());
                    for (int m = group.first(); (m = group.readAt(m)) != AvpReader.END; ) {
                        if (group.vendorId() == VendorId.IETF) {
                            inside.add(group.code());
                        }
                    }
                    for (int i = 0; i < required.length; i++) {
                        if (required[i] == AvpCode.AUTH_APPLICATION_ID && inside.contains((long) AvpCode.AUTH_APPLICATION_ID)) {
                            seen |= 1L << i;
                        }
                    }
                }
                // The child walk reused deeper readers only; this one is intact.
            }
        }
        if (reader.malformed()) {
            out.failAvp(ResultCode.DIAMETER_INVALID_AVP_LENGTH, reader.avpOffset(), reader.malformedAvailable(),
                    "AVP length runs past its container");
        }
        return seen;
    }

    static boolean validAddress(ByteBuf frame, AvpReader reader) {
        if (reader.dataLength() < 2) {
            return false;
        }
        int family = frame.getUnsignedShort(reader.dataOffset());
        int addressLength = reader.dataLength() - 2;
        return family == 1 ? addressLength == 4 : family != 2 || addressLength == 16;
    }
}
