package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.AvpCode;
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
    private final AvpReader reader = new AvpReader();
    private final DiameterWriter writer = new DiameterWriter();

    /**
     * Writes the error answer for {@code request} (whose header is at {@code offset}) into {@code out}.
     * {@code available} is how many bytes of the request are readable (the frame may be cut short).
     */
    public ByteBuf write(ByteBuf out, ByteBuf request, int offset, int available, Validation validation,
                         byte[] originHost, byte[] originRealm) {
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
        if (validation.errorMessage != null) {
            // RFC 6733 §4.5: Error-Message MUST NOT have the M bit.
            writer.utf8(AvpCode.ERROR_MESSAGE, VendorId.IETF, false, validation.errorMessage);
        }
        if (validation.failedAvpOffset >= 0) {
            writer.beginGroup(AvpCode.FAILED_AVP);
            int copyStart = out.writerIndex();
            int length = validation.failedAvpLength;
            writer.rawAvp(request, validation.failedAvpOffset, length);
            // A broken AVP is copied only as far as it can be read; its length field is set to
            // what was copied, so the answer itself stays well formed.
            out.setMedium(copyStart + 5, Math.max(length, 8));
            writer.endGroup();
        } else if (validation.missingAvpCode >= 0) {
            // RFC 6733 §7.5: a missing AVP is reported with its code and a minimal, zeroed value.
            writer.beginGroup(AvpCode.FAILED_AVP);
            if (validation.missingAvpVendor == VendorId.IETF) {
                writer.unsigned32((int) validation.missingAvpCode, 0);
            } else {
                writer.unsigned32((int) validation.missingAvpCode, (int) validation.missingAvpVendor, 0);
            }
            writer.endGroup();
        }
        return writer.end();
    }
}
