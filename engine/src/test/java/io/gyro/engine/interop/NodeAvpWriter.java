package io.gyro.engine.interop;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.DiameterWriter;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Writes a request with the exact AVP flags a given node sets, through our own
 * {@link DiameterWriter}. The writer fixes the M bit for most types (it writes what Gyro
 * sends); a node does not always do the same (TS 29.212 marks APN-Aggregate-Max-Bitrate-UL
 * "M must not", Magma clears M on 3GPP-SGSN-MCC-MNC, Kamailio on Event-Timestamp), so every
 * method here takes the M bit and the flags byte is set after the writer has written the
 * header. The V bit always follows the Vendor-Id (RFC 6733 §4.1: the header is 12 bytes
 * with it, 8 without), so it is not a parameter.
 *
 * <p>AVP header (RFC 6733 §4.1), the byte this class rewrites marked:
 * <pre>
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           AVP Code                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V M P r r r r r|  (flags: offset 4)  AVP Length                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Vendor-ID (only with V)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Test code: one instance per request being built, on the test thread.
 */
final class NodeAvpWriter {
    static final int TGPP = 10415;
    static final int CREDIT_CONTROL = 272;
    static final int CREDIT_CONTROL_APPLICATION = 4;

    private static final int FLAG_VENDOR = 0x80;
    private static final int FLAG_MANDATORY = 0x40;
    /** Seconds from 1900-01-01 (the Diameter Time epoch, RFC 6733 §4.3.1) to 1970-01-01. */
    private static final long NTP_OFFSET_SECONDS = 2_208_988_800L;

    private final DiameterWriter writer = new DiameterWriter();
    private ByteBuf out;

    /** Starts a Credit-Control-Request (R and P bits, as every node read here sets them) in {@code out}. */
    NodeAvpWriter beginCcr(ByteBuf out, int hopByHop, int endToEnd) {
        this.out = out;
        writer.begin(out, DiameterHeader.FLAG_REQUEST | DiameterHeader.FLAG_PROXIABLE, CREDIT_CONTROL,
                CREDIT_CONTROL_APPLICATION, hopByHop, endToEnd);
        return this;
    }

    ByteBuf end() {
        ByteBuf done = writer.end();
        out = null;
        return done;
    }

    private void flags(int avpStart, int vendor, boolean mandatory) {
        out.setByte(avpStart + 4, (vendor != 0 ? FLAG_VENDOR : 0) | (mandatory ? FLAG_MANDATORY : 0));
    }

    NodeAvpWriter u32(int code, int vendor, boolean mandatory, long value) {
        writer.unsigned32(code, vendor, mandatory, value);
        return this;
    }

    /** Enumerated and Integer32 share Unsigned32's four bytes on the wire. */
    NodeAvpWriter i32(int code, int vendor, boolean mandatory, int value) {
        return u32(code, vendor, mandatory, value & 0xffffffffL);
    }

    NodeAvpWriter u64(int code, int vendor, boolean mandatory, long value) {
        int start = out.writerIndex();
        writer.unsigned64(code, vendor, value);
        flags(start, vendor, mandatory);
        return this;
    }

    NodeAvpWriter utf8(int code, int vendor, boolean mandatory, CharSequence value) {
        writer.utf8(code, vendor, mandatory, value);
        return this;
    }

    NodeAvpWriter octets(int code, int vendor, boolean mandatory, byte[] value) {
        int start = out.writerIndex();
        writer.octets(code, vendor, value, 0, value.length);
        flags(start, vendor, mandatory);
        return this;
    }

    /** OctetString of ASCII text (3GPP-NSAPI "5", a MAC address, an IMEISV in digits). */
    NodeAvpWriter ascii(int code, int vendor, boolean mandatory, String value) {
        return octets(code, vendor, mandatory, value.getBytes(StandardCharsets.US_ASCII));
    }

    /** Address (RFC 6733 §4.3.1) of an IP address: AddressType 1 (IPv4, 4 bytes) or 2 (IPv6, 16 bytes). */
    NodeAvpWriter address(int code, int vendor, boolean mandatory, byte[] ip) {
        return address(code, vendor, mandatory, ip.length == 4 ? 1 : 2, ip);
    }

    /**
     * Address with any IANA address family: 8 is E.164, which the RestComm SMSC uses for
     * SMSC-Address and Originator-SCCP-Address with the digits in ASCII after the family.
     */
    NodeAvpWriter address(int code, int vendor, boolean mandatory, int family, byte[] data) {
        byte[] value = new byte[2 + data.length];
        value[0] = (byte) (family >>> 8);
        value[1] = (byte) family;
        System.arraycopy(data, 0, value, 2, data.length);
        return octets(code, vendor, mandatory, value);
    }

    /** Time (RFC 6733 §4.3.1): NTP seconds, from Unix epoch milliseconds. */
    NodeAvpWriter time(int code, int vendor, boolean mandatory, long epochMillis) {
        return u32(code, vendor, mandatory, epochMillis / 1000 + NTP_OFFSET_SECONDS);
    }

    NodeAvpWriter group(int code, int vendor, boolean mandatory) {
        int start = out.writerIndex();
        writer.beginGroup(code, vendor);
        flags(start, vendor, mandatory);
        return this;
    }

    NodeAvpWriter endGroup() {
        writer.endGroup();
        return this;
    }

    // ------------------------------------------------------------ encodings of 3GPP values

    /**
     * MCC and MNC in the BCD octets of TS 24.008 §10.5.1.3 (a PLMN in 3GPP-User-Location-Info,
     * TS 29.061 §16.4.7.2 item 22): MCC2|MCC1, MNC3|MCC3 (F for a two-digit MNC), MNC2|MNC1.
     */
    static byte[] plmn(String mccMnc) {
        int[] d = new int[mccMnc.length()];
        for (int i = 0; i < d.length; i++) {
            d[i] = mccMnc.charAt(i) - '0';
        }
        int mnc3 = d.length == 6 ? d[5] : 0xf;
        return new byte[]{(byte) (d[1] << 4 | d[0]), (byte) (mnc3 << 4 | d[2]), (byte) (d[4] << 4 | d[3])};
    }

    /**
     * 3GPP-User-Location-Info of type 130, TAI and ECGI (TS 29.061 §16.4.7.2 item 22, the
     * fields of TS 29.274 §8.21): type, TAI (PLMN, TAC), ECGI (PLMN, 4 bits spare and the
     * 28-bit E-UTRAN Cell Identifier).
     */
    static byte[] userLocationTaiEcgi(String mccMnc, int tac, int eci) {
        byte[] p = plmn(mccMnc);
        return new byte[]{(byte) 130, p[0], p[1], p[2], (byte) (tac >>> 8), (byte) tac,
                p[0], p[1], p[2], (byte) (eci >>> 24 & 0x0f), (byte) (eci >>> 16), (byte) (eci >>> 8), (byte) eci};
    }

    /**
     * 3GPP-User-Location-Info of type 0, CGI (TS 29.061 §16.4.7.2 item 22, TS 29.060 §7.7.51):
     * type, PLMN, LAC, CI, as a GTPv1 GGSN copies it from the Create PDP Context Request.
     */
    static byte[] userLocationCgi(String mccMnc, int lac, int ci) {
        byte[] p = plmn(mccMnc);
        return new byte[]{0, p[0], p[1], p[2], (byte) (lac >>> 8), (byte) lac, (byte) (ci >>> 8), (byte) ci};
    }

    static byte[] ipv4(int a, int b, int c, int d) {
        return new byte[]{(byte) a, (byte) b, (byte) c, (byte) d};
    }
}
