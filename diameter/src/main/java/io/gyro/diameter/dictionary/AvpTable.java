package io.gyro.diameter.dictionary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the AVP table ({@code avps.tsv}, described in the README.md beside it) into
 * {@link AvpDefinition}s. Every problem is an {@link IllegalStateException} whose message starts
 * with the table's name and the line, so that a broken row stops {@link AvpDictionary}'s class
 * initialisation with a message that says where to look. Runs once, at start-up.
 */
final class AvpTable {
    private AvpTable() {
    }

    /** Columns: code, vendor, name, type, M, V, source and (Grouped only, may be left off) members. */
    private static final int COLUMNS = 8;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");
    /** RFC 6733 §4.1: the AVP Code is 32 bits. */
    private static final long MAX_CODE = 0xffff_ffffL;

    /** The table on the class path, beside {@link AvpDictionary}. */
    static List<AvpDefinition> load(String resource) {
        try (InputStream in = AvpTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + ": not found on the class path");
            }
            return parse(resource, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(resource + ": cannot be read", e);
        }
    }

    /** Parses a whole table, {@code tableName} naming it in messages. */
    static List<AvpDefinition> parse(String tableName, BufferedReader in) throws IOException {
        List<AvpDefinition> rows = new ArrayList<>();
        Map<Long, AvpDefinition> byKey = new HashMap<>();
        Map<String, AvpDefinition> byName = new HashMap<>();
        int lineNumber = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            AvpDefinition row = row(tableName, lineNumber, line);
            AvpDefinition sameKey = byKey.putIfAbsent(key(row.vendorId(), row.code()), row);
            if (sameKey != null) {
                throw broken(tableName, lineNumber, "duplicate AVP code " + row.code() + " of vendor " + row.vendorId()
                        + ", already defined on line " + sameKey.line() + " as " + sameKey.name());
            }
            AvpDefinition sameName = byName.putIfAbsent(row.name(), row);
            if (sameName != null) {
                throw broken(tableName, lineNumber, "duplicate name " + row.name() + ", already on line " + sameName.line());
            }
            rows.add(row);
        }
        for (AvpDefinition row : rows) {
            for (String member : row.members()) {
                if (!byName.containsKey(member)) {
                    throw broken(tableName, row.line(), row.name() + " lists member " + member
                            + ", which is not a row of the table");
                }
            }
        }
        return rows;
    }

    /** The key of an AVP in maps: its vendor in the high 32 bits, its code in the low 32. */
    static long key(long vendorId, long code) {
        return vendorId << 32 | code;
    }

    private static AvpDefinition row(String tableName, int lineNumber, String line) {
        String[] columns = line.split("\t", -1);
        if (columns.length != COLUMNS && columns.length != COLUMNS - 1) {
            throw broken(tableName, lineNumber, "expected " + COLUMNS + " tab-separated columns (the last, members,"
                    + " may be left off), found " + columns.length);
        }
        long code = number(tableName, lineNumber, "code", columns[0]);
        if (code > MAX_CODE) {
            throw broken(tableName, lineNumber, "code " + code + " does not fit the 32 bits of an AVP Code");
        }
        long vendor = number(tableName, lineNumber, "vendor", columns[1]);
        if (vendor != VendorId.IETF && vendor != VendorId.TGPP) {
            throw broken(tableName, lineNumber, "vendor " + vendor + " is neither " + VendorId.IETF + " nor "
                    + VendorId.TGPP);
        }
        String name = columns[2];
        if (!NAME.matcher(name).matches()) {
            throw broken(tableName, lineNumber, "name '" + name + "' is not an AVP name");
        }
        AvpType type = AvpType.ofSpecName(columns[3]);
        if (type == null) {
            throw broken(tableName, lineNumber, "unknown type '" + columns[3] + "' (RFC 6733 §4.2, §4.3 name one of "
                    + specNames() + ")");
        }
        FlagRule mandatory = flagRule(tableName, lineNumber, "M", columns[4]);
        FlagRule vendorBit = flagRule(tableName, lineNumber, "V", columns[5]);
        // RFC 6733 §4.1: the V bit says whether the Vendor-ID field is present; vendor 0 never has one.
        FlagRule expectedVendorBit = vendor == VendorId.IETF ? FlagRule.MUST_NOT : FlagRule.MUST;
        if (vendorBit != expectedVendorBit) {
            throw broken(tableName, lineNumber, "V rule of a vendor " + vendor + " AVP must be "
                    + expectedVendorBit.tableName + ", not " + vendorBit.tableName);
        }
        String source = columns[6].trim();
        if (!source.startsWith("RFC ") && !source.startsWith("TS ")) {
            throw broken(tableName, lineNumber, "source '" + source + "' names no RFC or TS");
        }
        List<String> members = columns.length == COLUMNS ? members(tableName, lineNumber, columns[7]) : List.of();
        if (!members.isEmpty() && type != AvpType.GROUPED) {
            throw broken(tableName, lineNumber, name + " is " + type.specName + ", only a Grouped AVP has members");
        }
        if (members.contains(name)) {
            throw broken(tableName, lineNumber, name + " lists itself as a member");
        }
        return new AvpDefinition(code, vendor, name, type, mandatory, vendorBit, source, members, lineNumber);
    }

    private static List<String> members(String tableName, int lineNumber, String column) {
        if (column.isBlank()) {
            return List.of();
        }
        List<String> members = Arrays.asList(column.split(","));
        Set<String> seen = new HashSet<>();
        for (String member : members) {
            if (!NAME.matcher(member).matches()) {
                throw broken(tableName, lineNumber, "member '" + member + "' is not an AVP name");
            }
            if (!seen.add(member)) {
                throw broken(tableName, lineNumber, "member " + member + " is listed twice");
            }
        }
        return members;
    }

    private static long number(String tableName, int lineNumber, String column, String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw broken(tableName, lineNumber, column + " '" + text + "' is not a decimal number");
        }
        return Long.parseLong(text);
    }

    private static FlagRule flagRule(String tableName, int lineNumber, String flag, String text) {
        FlagRule rule = FlagRule.ofTableName(text);
        if (rule == null) {
            throw broken(tableName, lineNumber, flag + " rule '" + text + "' is none of must, may, must-not");
        }
        return rule;
    }

    private static String specNames() {
        List<String> names = new ArrayList<>();
        for (AvpType type : AvpType.values()) {
            if (type.specName != null) {
                names.add(type.specName);
            }
        }
        return String.join(", ", names);
    }

    static IllegalStateException broken(String tableName, int lineNumber, String message) {
        return new IllegalStateException(tableName + " line " + lineNumber + ": " + message);
    }
}
