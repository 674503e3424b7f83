package io.gyro.diameter.testing;

import io.gyro.diameter.codec.DiameterWriter;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.AvpDefinition;
import io.gyro.diameter.dictionary.AvpType;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * CCRs built around a Service-Information (TS 32.299 §7.2) whose content a test writes, and a
 * well-formed value for every data format of the AVP table, each AVP written with the M bit (and,
 * for vendor 10415, the V bit and Vendor-Id), as a PGW that sets M everywhere would send it.
 */
public final class DictionaryMessages {
    private DictionaryMessages() {
    }

    /**
     * A CCR-INITIAL (RFC 4006 §3.1) with an MSISDN, one MSCC and
     * {@code Service-Information { <serviceInformation> }}; unpooled, nothing to release.
     */
    public static ByteBuf ccrWithServiceInformation(Consumer<DiameterWriter> serviceInformation) {
        CreditControlRequestWriter ccr = new CreditControlRequestWriter().begin(Unpooled.buffer(), 0x11223344,
                0x55667788, "pgw.example.net;1700000000;7", "pgw.example.net".getBytes(StandardCharsets.US_ASCII),
                "example.net".getBytes(StandardCharsets.US_ASCII), "example.com", "32251@3gpp.org",
                Enumerations.INITIAL_REQUEST, 0)
                .msisdn(8613800000001L)
                .beginMscc(100, -1).requestedEmpty().endMscc();
        DiameterWriter w = ccr.raw();
        w.beginGroup(AvpCode.SERVICE_INFORMATION, VendorId.TGPP);
        serviceInformation.accept(w);
        w.endGroup();
        return ccr.end();
    }

    /** Writes {@code avp} with the M bit and {@code data} as its data (padding added). */
    public static void write(DiameterWriter w, AvpDefinition avp, byte[] data) {
        w.octets((int) avp.code(), (int) avp.vendorId(), data, 0, data.length);
    }

    /** Writes {@code avp}, which is not Grouped, with the M bit and a well-formed value of its type. */
    public static void writeWellFormed(DiameterWriter w, AvpDefinition avp) {
        write(w, avp, wellFormed(avp.type()));
    }

    /** A well-formed value of each non-grouped data format (RFC 6733 §4.2, §4.3). */
    public static byte[] wellFormed(AvpType type) {
        switch (type) {
            case OCTET_STRING:
                return new byte[] {0x01, 0x23, 0x45};
            case UTF8_STRING:
                return "caf\u00e9 46001".getBytes(StandardCharsets.UTF_8);
            case DIAMETER_IDENTITY:
                return "pgw.example.net".getBytes(StandardCharsets.US_ASCII);
            case DIAMETER_URI:
                return "aaa://pgw.example.net:3868;transport=tcp".getBytes(StandardCharsets.US_ASCII);
            case IP_FILTER_RULE:
                return "permit out ip from any to 10.0.0.0/8".getBytes(StandardCharsets.US_ASCII);
            case ADDRESS:
                // RFC 6733 §4.3.1: AddressType 1 (IPv4), then 4 octets.
                return new byte[] {0, 1, 10, 20, 30, 40};
            case INTEGER32:
            case ENUMERATED:
                return ByteBuffer.allocate(4).putInt(1).array();
            case UNSIGNED32:
                return ByteBuffer.allocate(4).putInt(0x8000_0001).array();
            case TIME:
                return ByteBuffer.allocate(4).putInt((int) (1_700_000_000L + DiameterWriter.NTP_EPOCH_OFFSET_SECONDS)).array();
            case INTEGER64:
                return ByteBuffer.allocate(8).putLong(-2).array();
            case UNSIGNED64:
                return ByteBuffer.allocate(8).putLong(5_000_000_000L).array();
            case FLOAT32:
                return ByteBuffer.allocate(4).putFloat(1.5f).array();
            case FLOAT64:
                return ByteBuffer.allocate(8).putDouble(1.5).array();
            default:
                throw new IllegalArgumentException("no single value for " + type);
        }
    }
}
