package io.gyro.diameter.dictionary;

/**
 * Basic AVP data formats (RFC 6733 §4.2) and the derived ones of §4.3, with the data length each
 * one requires and the name the AVP table ({@code avps.tsv}) spells it with.
 */
public enum AvpType {
    UNKNOWN(-1, null),
    OCTET_STRING(-1, "OctetString"),
    UTF8_STRING(-1, "UTF8String"),
    DIAMETER_IDENTITY(-1, "DiameterIdentity"),
    DIAMETER_URI(-1, "DiameterURI"),
    /** RFC 6733 §4.3.1: an OctetString holding an IPFilterRule (§4.3.3); any length. */
    IP_FILTER_RULE(-1, "IPFilterRule"),
    /** RFC 6733 §4.3.1: 2 octets of family, then the address (4 for IPv4, 16 for IPv6). */
    ADDRESS(-1, "Address"),
    INTEGER32(4, "Integer32"),
    INTEGER64(8, "Integer64"),
    UNSIGNED32(4, "Unsigned32"),
    UNSIGNED64(8, "Unsigned64"),
    /** RFC 6733 §4.2: IEEE 754-1985 single precision, 4 octets. */
    FLOAT32(4, "Float32"),
    /** RFC 6733 §4.2: IEEE 754-1985 double precision, 8 octets. */
    FLOAT64(8, "Float64"),
    /** RFC 6733 §4.3.1: derived from Integer32, 4 octets. */
    ENUMERATED(4, "Enumerated"),
    /** NTP seconds, 4 octets (RFC 6733 §4.3.1). */
    TIME(4, "Time"),
    GROUPED(-1, "Grouped");

    /** Exact data length the type requires, or -1 when any length is allowed. */
    public final int fixedLength;
    /** The type's name in RFC 6733 §4.2/§4.3 and in the AVP table; null for {@link #UNKNOWN}. */
    public final String specName;

    AvpType(int fixedLength, String specName) {
        this.fixedLength = fixedLength;
        this.specName = specName;
    }

    private static final AvpType[] VALUES = values();

    static AvpType ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /** The type the AVP table names {@code specName} ("Unsigned32", "Grouped"...), or null. */
    public static AvpType ofSpecName(String specName) {
        for (AvpType type : VALUES) {
            if (type.specName != null && type.specName.equals(specName)) {
                return type;
            }
        }
        return null;
    }
}
