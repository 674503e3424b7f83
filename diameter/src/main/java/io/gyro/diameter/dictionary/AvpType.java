package io.gyro.diameter.dictionary;

/** Basic AVP data formats (RFC 6733 §4.2, §4.3) and the data length each one requires. */
public enum AvpType {
    UNKNOWN(-1),
    OCTET_STRING(-1),
    UTF8_STRING(-1),
    DIAMETER_IDENTITY(-1),
    DIAMETER_URI(-1),
    /** RFC 6733 §4.3.1: 2 octets of family, then the address (4 for IPv4, 16 for IPv6). */
    ADDRESS(-1),
    INTEGER32(4),
    INTEGER64(8),
    UNSIGNED32(4),
    UNSIGNED64(8),
    ENUMERATED(4),
    /** NTP seconds, 4 octets (RFC 6733 §4.3.1). */
    TIME(4),
    GROUPED(-1);

    /** Exact data length the type requires, or -1 when any length is allowed. */
    public final int fixedLength;

    AvpType(int fixedLength) {
        this.fixedLength = fixedLength;
    }

    private static final AvpType[] VALUES = values();

    static AvpType ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
