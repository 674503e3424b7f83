package io.gyro.diameter.dictionary;

import static io.gyro.diameter.dictionary.AvpType.ADDRESS;
import static io.gyro.diameter.dictionary.AvpType.GROUPED;
import static io.gyro.diameter.dictionary.AvpType.UNKNOWN;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The AVPs Gyro understands, with their data formats, read from the AVP table {@code avps.tsv}
 * beside this class (its README.md says the columns and the sources). The table is loaded once,
 * when this class is initialised, into flat arrays indexed by AVP code: lookups are array reads
 * that allocate nothing, for the validator calls {@link #type} or {@link #rule} for every AVP of
 * every request, on the event loop. A broken row stops the initialisation with a message naming
 * its line.
 *
 * <p>An AVP not listed here is unknown: with the M bit set the request is refused with
 * DIAMETER_AVP_UNSUPPORTED (RFC 6733 §4.1), without it the AVP is ignored. Every known AVP has its
 * data checked against its type: the length of fixed-size types, the family of an Address, the
 * members of a Grouped AVP.
 *
 * <p>The M-bit rule of each AVP ({@link #mandatoryBitRule}) is recorded, not enforced. RFC 6733
 * §4.1 makes a receiver reject a message for the M bit only when the AVP carrying it is one it does
 * not recognise; the rules of the flag tables (§4.5, RFC 4006 §8, TS 32.299 Table 7.2.0.1) bind
 * the sender. Real PGWs set M on AVPs whose rule is "may" or "must not" (TS 29.061 itself is
 * inconsistent about it), and refusing them with DIAMETER_INVALID_AVP_BITS would refuse service
 * over a bit that changes nothing in how a recognised AVP is read. So M is accepted on every known
 * AVP, whatever its rule: lenient on flags, strict on types.
 */
public final class AvpDictionary {
    private AvpDictionary() {
    }

    /** The AVP table, on the class path beside this class. */
    public static final String TABLE = "avps.tsv";

    /** Vendor-0 codes go up to RFC 8506's 669; 3999 (the unknown AVP of the fixtures) stays out. */
    private static final int IETF_SIZE = 1024;
    /** 3GPP codes of TS 32.299 Rel-15 and the specifications it draws on go up to 4406 (TS 32.299). */
    private static final int TGPP_SIZE = 8192;
    private static final byte[] IETF = new byte[IETF_SIZE];
    private static final byte[] TGPP = new byte[TGPP_SIZE];
    private static final byte[] IETF_RULES = new byte[IETF_SIZE];
    private static final byte[] TGPP_RULES = new byte[TGPP_SIZE];
    private static final byte[] IETF_MANDATORY_BIT = new byte[IETF_SIZE];
    private static final byte[] TGPP_MANDATORY_BIT = new byte[TGPP_SIZE];
    private static final String[] IETF_NAMES = new String[IETF_SIZE];
    private static final String[] TGPP_NAMES = new String[TGPP_SIZE];
    private static final List<AvpDefinition> DEFINITIONS;
    private static final Map<String, AvpDefinition> BY_NAME = new HashMap<>();

    /** {@link #rule}: not in the dictionary. */
    public static final int RULE_UNKNOWN = 0;
    /** {@link #rule}: data of any length (strings, identities, URIs, IPFilterRules). */
    public static final int RULE_ANY_LENGTH = 1;
    /** {@link #rule}: an Address (RFC 6733 §4.3.1), whose length depends on its family. */
    public static final int RULE_ADDRESS = 2;
    /** {@link #rule}: a grouped AVP. */
    public static final int RULE_GROUPED = 3;
    /** {@link #rule}: from here on, the rule is the exact data length of a fixed-size type (4 or 8). */
    public static final int RULE_FIXED = 4;

    static {
        List<AvpDefinition> rows = AvpTable.load(TABLE);
        for (AvpDefinition row : rows) {
            add(row);
        }
        DEFINITIONS = Collections.unmodifiableList(rows);
    }

    private static void add(AvpDefinition row) {
        boolean ietf = row.vendorId() == VendorId.IETF;
        int size = ietf ? IETF_SIZE : TGPP_SIZE;
        if (row.code() >= size) {
            throw AvpTable.broken(TABLE, row.line(), "code " + row.code() + " is beyond the lookup table of vendor "
                    + row.vendorId() + " (" + size + " codes): enlarge " + (ietf ? "IETF_SIZE" : "TGPP_SIZE")
                    + " in AvpDictionary");
        }
        int code = (int) row.code();
        (ietf ? IETF : TGPP)[code] = (byte) row.type().ordinal();
        (ietf ? IETF_RULES : TGPP_RULES)[code] = ruleOf(row.type());
        (ietf ? IETF_MANDATORY_BIT : TGPP_MANDATORY_BIT)[code] = (byte) row.mandatoryBit().ordinal();
        (ietf ? IETF_NAMES : TGPP_NAMES)[code] = row.name();
        BY_NAME.put(row.name(), row);
    }

    private static byte ruleOf(AvpType type) {
        if (type.fixedLength >= 0) {
            if (type.fixedLength < RULE_FIXED) {
                throw new IllegalStateException(type + " is shorter than the rules can say");
            }
            return (byte) type.fixedLength;
        }
        return (byte) (type == UNKNOWN ? RULE_UNKNOWN : type == ADDRESS ? RULE_ADDRESS
                : type == GROUPED ? RULE_GROUPED : RULE_ANY_LENGTH);
    }

    /**
     * What the validator checks of an AVP's length, in one array read: {@link #RULE_UNKNOWN},
     * {@link #RULE_ANY_LENGTH}, {@link #RULE_ADDRESS}, {@link #RULE_GROUPED}, or the exact data
     * length of a fixed-size type (at least {@link #RULE_FIXED}). The same as {@link #type}, for a
     * walker that checks each AVP as it reads it.
     */
    public static int rule(long vendorId, long code) {
        if (vendorId == VendorId.IETF) {
            return code >= 0 && code < IETF_SIZE ? IETF_RULES[(int) code] : RULE_UNKNOWN;
        }
        if (vendorId == VendorId.TGPP) {
            return code >= 0 && code < TGPP_SIZE ? TGPP_RULES[(int) code] : RULE_UNKNOWN;
        }
        return RULE_UNKNOWN;
    }

    /** The format of an AVP, or {@link AvpType#UNKNOWN}. Never allocates. */
    public static AvpType type(long vendorId, long code) {
        if (vendorId == VendorId.IETF) {
            return code >= 0 && code < IETF_SIZE ? AvpType.ofOrdinal(IETF[(int) code]) : UNKNOWN;
        }
        if (vendorId == VendorId.TGPP) {
            return code >= 0 && code < TGPP_SIZE ? AvpType.ofOrdinal(TGPP[(int) code]) : UNKNOWN;
        }
        return UNKNOWN;
    }

    /**
     * The specification's rule for the M bit of an AVP, or {@link FlagRule#UNKNOWN}. Never
     * allocates. Informational: the class comment says why the validator does not enforce it.
     */
    public static FlagRule mandatoryBitRule(long vendorId, long code) {
        if (vendorId == VendorId.IETF) {
            return code >= 0 && code < IETF_SIZE ? FlagRule.ofOrdinal(IETF_MANDATORY_BIT[(int) code]) : FlagRule.UNKNOWN;
        }
        if (vendorId == VendorId.TGPP) {
            return code >= 0 && code < TGPP_SIZE ? FlagRule.ofOrdinal(TGPP_MANDATORY_BIT[(int) code]) : FlagRule.UNKNOWN;
        }
        return FlagRule.UNKNOWN;
    }

    /** The AVP's name as its specification spells it ("PS-Information"), or null when unknown. */
    public static String name(long vendorId, long code) {
        if (vendorId == VendorId.IETF) {
            return code >= 0 && code < IETF_SIZE ? IETF_NAMES[(int) code] : null;
        }
        if (vendorId == VendorId.TGPP) {
            return code >= 0 && code < TGPP_SIZE ? TGPP_NAMES[(int) code] : null;
        }
        return null;
    }

    /** Every row of the table, in the table's order. */
    public static List<AvpDefinition> definitions() {
        return DEFINITIONS;
    }

    /** The row named {@code name}, or null. */
    public static AvpDefinition definition(String name) {
        return BY_NAME.get(name);
    }
}
