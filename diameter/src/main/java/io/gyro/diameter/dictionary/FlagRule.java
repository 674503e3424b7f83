package io.gyro.diameter.dictionary;

/**
 * What a specification's AVP flag table says of one flag bit of an AVP (RFC 6733 §4.5: the
 * "MUST", "MAY" and "MUST NOT" columns), as the AVP table spells it.
 */
public enum FlagRule {
    /** Not in the dictionary. */
    UNKNOWN(null),
    MUST("must"),
    MAY("may"),
    MUST_NOT("must-not");

    /** The rule's spelling in the AVP table; null for {@link #UNKNOWN}. */
    public final String tableName;

    FlagRule(String tableName) {
        this.tableName = tableName;
    }

    private static final FlagRule[] VALUES = values();

    static FlagRule ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /** The rule the AVP table spells {@code tableName} ("must", "may", "must-not"), or null. */
    public static FlagRule ofTableName(String tableName) {
        for (FlagRule rule : VALUES) {
            if (rule.tableName != null && rule.tableName.equals(tableName)) {
                return rule;
            }
        }
        return null;
    }
}
