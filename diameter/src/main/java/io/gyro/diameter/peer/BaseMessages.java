package io.gyro.diameter.peer;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.DiameterWriter;
import io.gyro.diameter.dictionary.ApplicationId;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;

/**
 * Encoders for the base-protocol messages a peer exchanges (RFC 6733 §5): CER/CEA, DWR/DWA,
 * DPR/DPA. These are rare (per connection, per Tw), so clarity wins over speed here.
 */
public final class BaseMessages {
    private BaseMessages() {
    }

    private static void capabilities(DiameterWriter w, LocalPeer local) {
        w.octets(AvpCode.ORIGIN_HOST, local.originHostBytes);
        w.octets(AvpCode.ORIGIN_REALM, local.originRealmBytes);
        w.address(AvpCode.HOST_IP_ADDRESS, local.hostIpAddress);
        w.unsigned32(AvpCode.VENDOR_ID, local.vendorId);
        // RFC 6733 §4.5: Product-Name MUST NOT have the M bit.
        w.utf8(AvpCode.PRODUCT_NAME, VendorId.IETF, false, local.productName);
        w.unsigned32(AvpCode.ORIGIN_STATE_ID, local.originStateId);
        w.unsigned32(AvpCode.SUPPORTED_VENDOR_ID, VendorId.TGPP);
        for (int app : local.authApplicationIds) {
            if (app == ApplicationId.SY) {
                // Sy is a 3GPP vendor-specific application (TS 29.219 §5.2).
                w.beginGroup(AvpCode.VENDOR_SPECIFIC_APPLICATION_ID)
                        .unsigned32(AvpCode.VENDOR_ID, VendorId.TGPP)
                        .unsigned32(AvpCode.AUTH_APPLICATION_ID, app & 0xffffffffL)
                        .endGroup();
            } else {
                w.unsigned32(AvpCode.AUTH_APPLICATION_ID, app & 0xffffffffL);
            }
        }
        // RFC 6733 §5.3.6: Firmware-Revision is not mandatory (no M bit).
        w.unsigned32(AvpCode.FIRMWARE_REVISION, VendorId.IETF, false, local.firmwareRevision);
    }

    /** Our Host-IP-Address, Vendor-Id and Product-Name, encoded once: what a CEA must carry besides the usual three. */
    public static byte[] capabilityIdentity(LocalPeer local) {
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer(64);
        DiameterWriter w = new DiameterWriter().begin(buf, 0, 0, 0, 0, 0);
        w.address(AvpCode.HOST_IP_ADDRESS, local.hostIpAddress);
        w.unsigned32(AvpCode.VENDOR_ID, local.vendorId);
        w.utf8(AvpCode.PRODUCT_NAME, VendorId.IETF, false, local.productName);
        w.end();
        byte[] avps = new byte[buf.readableBytes() - io.gyro.diameter.codec.DiameterHeader.LENGTH];
        buf.getBytes(io.gyro.diameter.codec.DiameterHeader.LENGTH, avps);
        return avps;
    }

    public static ByteBuf cer(ByteBuf out, LocalPeer local, int hopByHop, int endToEnd) {
        DiameterWriter w = new DiameterWriter().begin(out, DiameterHeader.FLAG_REQUEST,
                CommandCode.CAPABILITIES_EXCHANGE, ApplicationId.COMMON, hopByHop, endToEnd);
        capabilities(w, local);
        return w.end();
    }

    public static ByteBuf cea(ByteBuf out, LocalPeer local, int hopByHop, int endToEnd, int resultCode, String errorMessage) {
        int flags = io.gyro.diameter.dictionary.ResultCode.isProtocolError(resultCode) ? DiameterHeader.FLAG_ERROR : 0;
        DiameterWriter w = new DiameterWriter().begin(out, flags, CommandCode.CAPABILITIES_EXCHANGE,
                ApplicationId.COMMON, hopByHop, endToEnd);
        w.unsigned32(AvpCode.RESULT_CODE, resultCode);
        capabilities(w, local);
        if (errorMessage != null) {
            // RFC 6733 §4.5: Error-Message MUST NOT have the M bit.
            w.utf8(AvpCode.ERROR_MESSAGE, VendorId.IETF, false, errorMessage);
        }
        return w.end();
    }

    public static ByteBuf dwr(ByteBuf out, LocalPeer local, int hopByHop, int endToEnd) {
        DiameterWriter w = new DiameterWriter().begin(out, DiameterHeader.FLAG_REQUEST, CommandCode.DEVICE_WATCHDOG,
                ApplicationId.COMMON, hopByHop, endToEnd);
        w.octets(AvpCode.ORIGIN_HOST, local.originHostBytes);
        w.octets(AvpCode.ORIGIN_REALM, local.originRealmBytes);
        w.unsigned32(AvpCode.ORIGIN_STATE_ID, local.originStateId);
        return w.end();
    }

    public static ByteBuf dwa(ByteBuf out, LocalPeer local, int hopByHop, int endToEnd) {
        DiameterWriter w = new DiameterWriter().begin(out, 0, CommandCode.DEVICE_WATCHDOG, ApplicationId.COMMON,
                hopByHop, endToEnd);
        w.unsigned32(AvpCode.RESULT_CODE, io.gyro.diameter.dictionary.ResultCode.DIAMETER_SUCCESS);
        w.octets(AvpCode.ORIGIN_HOST, local.originHostBytes);
        w.octets(AvpCode.ORIGIN_REALM, local.originRealmBytes);
        w.unsigned32(AvpCode.ORIGIN_STATE_ID, local.originStateId);
        return w.end();
    }

    public static ByteBuf dpr(ByteBuf out, LocalPeer local, int hopByHop, int endToEnd, int disconnectCause) {
        DiameterWriter w = new DiameterWriter().begin(out, DiameterHeader.FLAG_REQUEST, CommandCode.DISCONNECT_PEER,
                ApplicationId.COMMON, hopByHop, endToEnd);
        w.octets(AvpCode.ORIGIN_HOST, local.originHostBytes);
        w.octets(AvpCode.ORIGIN_REALM, local.originRealmBytes);
        w.enumerated(AvpCode.DISCONNECT_CAUSE, disconnectCause);
        return w.end();
    }

    public static ByteBuf dpa(ByteBuf out, LocalPeer local, int hopByHop, int endToEnd) {
        DiameterWriter w = new DiameterWriter().begin(out, 0, CommandCode.DISCONNECT_PEER, ApplicationId.COMMON,
                hopByHop, endToEnd);
        w.unsigned32(AvpCode.RESULT_CODE, io.gyro.diameter.dictionary.ResultCode.DIAMETER_SUCCESS);
        w.octets(AvpCode.ORIGIN_HOST, local.originHostBytes);
        w.octets(AvpCode.ORIGIN_REALM, local.originRealmBytes);
        return w.end();
    }
}
