package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.AvpDictionary;
import io.gyro.diameter.dictionary.AvpType;
import io.gyro.diameter.dictionary.Grammar;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;

/**
 * Builds the answer to a request that cannot be served: same command, application and
 * identifiers, R bit cleared, E bit set for protocol errors (RFC 6733 §7.2), then Session-Id
 * (when the request has a readable one), Result-Code, Origin-Host, Origin-Realm, Error-Message and
 * Failed-AVP (RFC 6733 §7.5).
 */
public final class ErrorAnswers {
    private static final byte[] NO_BYTES = {};
    private final AvpReader reader = new AvpReader();
    private final DiameterWriter writer = new DiameterWriter();

    /**
     * Writes the error answer for {@code request} (whose header is at {@code offset}) into {@code out}.
     * {@code available} is how many bytes of the request are readable (the frame may be cut short).
     */
    public ByteBuf write(ByteBuf out, ByteBuf request, int offset, int available, Validation validation,
                         byte[] originHost, byte[] originRealm) {
        return write(out, request, offset, available, validation, originHost, originRealm, null);
    }

    /**
     * As above; {@code ownAvps}, when given, are this node's own pre-encoded AVPs that the answer's
     * grammar requires (a CEA's Host-IP-Address, Vendor-Id, Product-Name), written instead of
     * anything copied from the request, so an error answer never claims the peer's identity.
     */
    public ByteBuf write(ByteBuf out, ByteBuf request, int offset, int available, Validation validation,
                         byte[] originHost, byte[] originRealm, byte[] ownAvps) {
        int flags = DiameterHeader.flags(request, offset);
        int answerFlags = flags & DiameterHeader.FLAG_PROXIABLE;
        if (ResultCode.isProtocolError(validation.resultCode)) {
            answerFlags |= DiameterHeader.FLAG_ERROR;
        }
        writer.begin(out, answerFlags, DiameterHeader.commandCode(request, offset),
                DiameterHeader.applicationId(request, offset),
                DiameterHeader.hopByHop(request, offset), DiameterHeader.endToEnd(request, offset));
        int declared = DiameterHeader.messageLength(request, offset);
        int end = offset + Math.min(Math.max(declared, DiameterHeader.LENGTH), available);
        if (validation.resultCode != ResultCode.DIAMETER_UNSUPPORTED_VERSION) {
            reader.wrap(request, offset + DiameterHeader.LENGTH, end);
            while (reader.next()) {
                if (reader.is(AvpCode.SESSION_ID, VendorId.IETF)) {
                    writer.octets(AvpCode.SESSION_ID, request, reader.dataOffset(), reader.dataLength());
                    break;
                }
            }
        }
        writer.unsigned32(AvpCode.RESULT_CODE, validation.resultCode);
        writer.octets(AvpCode.ORIGIN_HOST, originHost);
        writer.octets(AvpCode.ORIGIN_REALM, originRealm);
        if ((answerFlags & DiameterHeader.FLAG_ERROR) == 0
                && validation.resultCode != ResultCode.DIAMETER_UNSUPPORTED_VERSION) {
            // Without the E bit the answer follows the command's own grammar (RFC 6733 §7.2 applies
            // only to E-bit answers): a CCA must also carry Auth-Application-Id, CC-Request-Type and
            // CC-Request-Number (RFC 4006 §3.2). Echo them from the request where they are readable.
            if (ownAvps != null) {
                out.writeBytes(ownAvps);
            } else {
                copyRequiredFromRequest(request, offset, end);
            }
        }
        if (validation.errorMessage != null) {
            // RFC 6733 §4.5: Error-Message MUST NOT have the M bit.
            writer.utf8(AvpCode.ERROR_MESSAGE, VendorId.IETF, false, validation.errorMessage);
        }
        if (validation.failedAvpOffset >= 0) {
            writer.beginGroup(AvpCode.FAILED_AVP);
            int copyStart = out.writerIndex();
            int length = validation.failedAvpLength;
            writer.rawAvp(request, validation.failedAvpOffset, length);
            if (length < 8) {
                // RFC 6733 §7.5 (5014): an AVP header cut short is padded with zeros up to the
                // minimum AVP header length.
                out.writeZero(8 - ((length + 3) & ~3));
            }
            // A broken AVP is copied only as far as it can be read; its length field is set to
            // what was copied, so the answer itself stays well formed.
            out.setMedium(copyStart + 5, Math.max(length, 8));
            writer.endGroup();
        } else if (validation.missingAvpCode >= 0) {
            // RFC 6733 §7.5: a missing AVP is reported with its code, its vendor and a zero-filled
            // payload of the minimum length of its type (4 for Unsigned32, 0 for strings and groups).
            AvpType type = AvpDictionary.type(validation.missingAvpVendor, validation.missingAvpCode);
            int zeros = Math.max(type.fixedLength, 0);
            writer.beginGroup(AvpCode.FAILED_AVP);
            writer.octets((int) validation.missingAvpCode, (int) validation.missingAvpVendor, NO_BYTES, 0, 0);
            int avpStart = out.writerIndex() - (validation.missingAvpVendor == VendorId.IETF ? 8 : 12);
            out.writeZero(zeros);
            out.setMedium(avpStart + 5, out.writerIndex() - avpStart);
            writer.endGroup();
        }
        return writer.end();
    }

    /** Copies, once each, the request's well-formed AVPs that the answer's grammar requires and we did not write. */
    private void copyRequiredFromRequest(ByteBuf request, int offset, int end) {
        int[] required = Grammar.required(DiameterHeader.commandCode(request, offset), false);
        long copied = 0;
        reader.wrap(request, offset + DiameterHeader.LENGTH, end);
        while (reader.next()) {
            if (reader.vendorId() != VendorId.IETF) {
                continue;
            }
            long code = reader.code();
            if (code == AvpCode.SESSION_ID || code == AvpCode.RESULT_CODE
                    || code == AvpCode.ORIGIN_HOST || code == AvpCode.ORIGIN_REALM) {
                continue;
            }
            for (int i = 0; i < required.length; i++) {
                if (required[i] == code && (copied & (1L << i)) == 0) {
                    AvpType type = AvpDictionary.type(VendorId.IETF, code);
                    // Only values our own validator accepts: an answer must not carry a broken AVP
                    // outside Failed-AVP (found by PeerPipelineFuzzTest: a CER whose Host-IP-Address
                    // had 1 byte of data was answered by a CEA echoing it).
                    if (type != AvpType.GROUPED && (type.fixedLength < 0 || type.fixedLength == reader.dataLength())
                            && (type != AvpType.ADDRESS || MessageValidator.validAddress(request, reader))) {
                        writer.rawAvp(request, reader.avpOffset(), reader.avpLength());
                        copied |= 1L << i;
                    }
                }
            }
        }
    }
}
