package io.gyro.diameter.dictionary;

import java.util.List;

/**
 * One row of the AVP table ({@code avps.tsv}): an AVP's code, vendor, name, data format, flag
 * rules, the specification section that defines it and, for a Grouped AVP, the names of the
 * members its ABNF lists. Immutable; built once when {@link AvpDictionary} is initialised and read
 * by tests and error messages, never on the per-request path.
 *
 * @param line the line of the table the row was read from, for messages about it
 */
public record AvpDefinition(long code, long vendorId, String name, AvpType type, FlagRule mandatoryBit,
        FlagRule vendorBit, String source, List<String> members, int line) {

    public AvpDefinition {
        members = List.copyOf(members);
    }

    @Override
    public String toString() {
        return name + " (" + code + (vendorId == VendorId.IETF ? "" : ", vendor " + vendorId) + ")";
    }
}
