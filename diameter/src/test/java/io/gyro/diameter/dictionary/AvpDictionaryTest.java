package io.gyro.diameter.dictionary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AVP table loads whole, its lookups agree with its rows, spot facts match the specifications, broken rows are refused by line. */
class AvpDictionaryTest {

    @Test
    void everyRowOfTheTableIsLoaded() throws IOException {
        int rows = 0;
        try (InputStream in = AvpDictionary.class.getResourceAsStream(AvpDictionary.TABLE);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows++;
                }
            }
        }
        assertEquals(rows, AvpDictionary.definitions().size());
        assertTrue(rows >= 700, "the table has " + rows + " rows");
    }

    @Test
    void noTwoRowsShareAVendorAndCodeOrAName() {
        Set<Long> keys = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (AvpDefinition row : AvpDictionary.definitions()) {
            assertTrue(keys.add(AvpTable.key(row.vendorId(), row.code())), "twice: " + row);
            assertTrue(names.add(row.name()), "twice: " + row.name());
        }
    }

    @Test
    void lookupsAnswerWhatEachRowSays() {
        for (AvpDefinition row : AvpDictionary.definitions()) {
            assertEquals(row.type(), AvpDictionary.type(row.vendorId(), row.code()), row.toString());
            assertEquals(row.name(), AvpDictionary.name(row.vendorId(), row.code()), row.toString());
            assertEquals(row.mandatoryBit(), AvpDictionary.mandatoryBitRule(row.vendorId(), row.code()), row.toString());
            int rule = AvpDictionary.rule(row.vendorId(), row.code());
            switch (row.type()) {
                case GROUPED -> assertEquals(AvpDictionary.RULE_GROUPED, rule, row.toString());
                case ADDRESS -> assertEquals(AvpDictionary.RULE_ADDRESS, rule, row.toString());
                default -> assertEquals(row.type().fixedLength >= 0 ? row.type().fixedLength : AvpDictionary.RULE_ANY_LENGTH,
                        rule, row.toString());
            }
            assertEquals(row, AvpDictionary.definition(row.name()));
            for (String member : row.members()) {
                assertNotNull(AvpDictionary.definition(member), row + " lists " + member);
            }
        }
    }

    @Test
    void codesOutsideTheTableAreUnknown() {
        long[][] unknown = {{VendorId.IETF, 3999}, {VendorId.TGPP, 3998}, {VendorId.TGPP, 9010}, {5535, 9010},
                {VendorId.IETF, -1}, {VendorId.TGPP, 1L << 32}, {13019, 302}};
        for (long[] avp : unknown) {
            assertEquals(AvpType.UNKNOWN, AvpDictionary.type(avp[0], avp[1]));
            assertEquals(AvpDictionary.RULE_UNKNOWN, AvpDictionary.rule(avp[0], avp[1]));
            assertEquals(FlagRule.UNKNOWN, AvpDictionary.mandatoryBitRule(avp[0], avp[1]));
            assertNull(AvpDictionary.name(avp[0], avp[1]));
        }
    }

    /** Code, vendor, name and data format as the specification's AVP table gives them. */
    @ParameterizedTest(name = "{2} ({0}, vendor {1}) is {3}")
    @CsvSource({
            // RFC 6733 §4.5
            "263, 0, Session-Id, UTF8String",
            "264, 0, Origin-Host, DiameterIdentity",
            "257, 0, Host-IP-Address, Address",
            "55, 0, Event-Timestamp, Time",
            "279, 0, Failed-AVP, Grouped",
            "292, 0, Redirect-Host, DiameterURI",
            "287, 0, Accounting-Sub-Session-Id, Unsigned64",
            // RFC 4006 §8 / RFC 8506 §8
            "416, 0, CC-Request-Type, Enumerated",
            "415, 0, CC-Request-Number, Unsigned32",
            "421, 0, CC-Total-Octets, Unsigned64",
            "429, 0, Exponent, Integer32",
            "447, 0, Value-Digits, Integer64",
            "438, 0, Restriction-Filter-Rule, IPFilterRule",
            "451, 0, Tariff-Time-Change, Time",
            "456, 0, Multiple-Services-Credit-Control, Grouped",
            "666, 0, Redirect-Address-IPAddress, Address",
            // RFC 7155 §4.2.5
            "30, 0, Called-Station-Id, UTF8String",
            // TS 29.061 §16.4.7
            "1, 10415, 3GPP-IMSI, UTF8String",
            "8, 10415, 3GPP-IMSI-MCC-MNC, UTF8String",
            "21, 10415, 3GPP-RAT-Type, OctetString",
            "22, 10415, 3GPP-User-Location-Info, OctetString",
            "23, 10415, 3GPP-MS-TimeZone, OctetString",
            // TS 32.299 §7.2
            "873, 10415, Service-Information, Grouped",
            "874, 10415, PS-Information, Grouped",
            "872, 10415, Reporting-Reason, Enumerated",
            "1227, 10415, PDP-Address, Address",
            "1228, 10415, SGSN-Address, Address",
            "847, 10415, GGSN-Address, Address",
            "2050, 10415, PDN-Connection-Charging-ID, Unsigned32",
            "2047, 10415, Serving-Node-Type, Enumerated",
            "2051, 10415, Dynamic-Address-Flag, Enumerated",
            "2000, 10415, SMS-Information, Grouped",
            "897, 10415, Address-Data, UTF8String",
            "1201, 10415, Recipient-Address, Grouped",
            "1263, 10415, Access-Network-Information, OctetString",
            "4406, 10415, 3GPP-PS-Data-Off-Status, Enumerated",
            // TS 29.212 §5.3
            "1004, 10415, Charging-Rule-Base-Name, UTF8String",
            "1016, 10415, QoS-Information, Grouped",
            "1028, 10415, QoS-Class-Identifier, Enumerated",
            "1041, 10415, APN-Aggregate-Max-Bitrate-UL, Unsigned32",
            "1032, 10415, RAT-Type, Enumerated",
            "1050, 10415, AN-GW-Address, Address",
            "2812, 10415, User-Location-Info-Time, Time",
            "2819, 10415, RAN-NAS-Release-Cause, OctetString",
            // TS 29.214 §5.3.15
            "516, 10415, Max-Requested-Bandwidth-UL, Unsigned32",
            // TS 29.219 §5.3
            "2904, 10415, SL-Request-Type, Enumerated",
            "2902, 10415, Policy-Counter-Status, UTF8String",
    })
    void specificationFacts(long code, long vendor, String name, String type) {
        assertEquals(name, AvpDictionary.name(vendor, code));
        assertEquals(AvpType.ofSpecName(type), AvpDictionary.type(vendor, code));
    }

    /** The M-bit column of RFC 6733 §4.5, RFC 4006 §8 and the 3GPP tables. */
    @ParameterizedTest(name = "M bit of {0} (vendor {1}): {2}")
    @CsvSource({
            "263, 0, must",
            "269, 0, must-not",   // Product-Name
            "281, 0, must-not",   // Error-Message
            "267, 0, must-not",   // Firmware-Revision
            "458, 0, may",        // User-Equipment-Info
            "411, 0, may",        // CC-Correlation-Id
            "874, 10415, must",   // PS-Information
            "1050, 10415, must-not", // AN-GW-Address
    })
    void mandatoryBitRules(long code, long vendor, String rule) {
        assertEquals(FlagRule.ofTableName(rule), AvpDictionary.mandatoryBitRule(vendor, code));
    }

    /** The named codes the Java code uses are rows of the table under the same name (TGPP_ standing for 3GPP-). */
    @Test
    void everyAvpCodeConstantNamesItsRow() throws IllegalAccessException {
        int checked = 0;
        for (Field field : AvpCode.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != int.class) {
                continue;
            }
            int code = field.getInt(null);
            String expected = field.getName().replaceFirst("^TGPP_", "3GPP_").replace('_', '-');
            String ietf = AvpDictionary.name(VendorId.IETF, code);
            String tgpp = AvpDictionary.name(VendorId.TGPP, code);
            assertTrue(expected.equalsIgnoreCase(ietf) || expected.equalsIgnoreCase(tgpp),
                    field.getName() + " = " + code + " is " + ietf + " (vendor 0) / " + tgpp + " (vendor 10415)");
            checked++;
        }
        assertTrue(checked > 80);
    }

    private static final String HEADER = "# code\tvendor\tname\ttype\tM\tV\tsource\tmembers\n";
    private static final String GOOD = "263\t0\tSession-Id\tUTF8String\tmust\tmust-not\tRFC 6733 §8.8\t\n";

    private static List<AvpDefinition> parse(String table) throws IOException {
        return AvpTable.parse("test.tsv", new BufferedReader(new StringReader(table)));
    }

    private static void assertBroken(String row, String line, String because) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> parse(HEADER + GOOD + row));
        assertTrue(e.getMessage().startsWith("test.tsv line " + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(because), e.getMessage());
    }

    @Test
    void aWellFormedTableParses() throws IOException {
        List<AvpDefinition> rows = parse(HEADER + GOOD
                + "443\t0\tSubscription-Id\tGrouped\tmust\tmust-not\tRFC 4006 §8.46\tSubscription-Id-Type\n"
                + "450\t0\tSubscription-Id-Type\tEnumerated\tmust\tmust-not\tRFC 4006 §8.47\n");
        assertEquals(3, rows.size());
        assertEquals(List.of("Subscription-Id-Type"), rows.get(1).members());
        assertEquals(3, rows.get(1).line());
        assertEquals(FlagRule.MUST_NOT, rows.get(2).vendorBit());
    }

    @Test
    void anUnknownTypeNamesItsLine() {
        assertBroken("1\t0\tUser-Name\tUTF8Strin\tmust\tmust-not\tRFC 6733 §8.14\t\n", "3", "unknown type 'UTF8Strin'");
    }

    @Test
    void aDuplicateCodeNamesBothLines() {
        assertBroken("263\t0\tSession-Id-Again\tUTF8String\tmust\tmust-not\tRFC 6733 §8.8\t\n", "3",
                "duplicate AVP code 263 of vendor 0, already defined on line 2");
    }

    @Test
    void theSameCodeOfTwoVendorsIsNoDuplicate() throws IOException {
        assertEquals(2, parse(HEADER + GOOD + "263\t10415\tOther\tUTF8String\tmust\tmust\tTS 32.299 §7.2\t\n").size());
    }

    @Test
    void aDuplicateNameNamesItsLine() {
        assertBroken("264\t0\tSession-Id\tDiameterIdentity\tmust\tmust-not\tRFC 6733 §6.3\t\n", "3", "duplicate name");
    }

    @Test
    void aBadNumberNamesItsLine() {
        assertBroken("26x\t0\tOrigin-Host\tDiameterIdentity\tmust\tmust-not\tRFC 6733 §6.3\t\n", "3", "code '26x'");
        assertBroken("264\t-1\tOrigin-Host\tDiameterIdentity\tmust\tmust-not\tRFC 6733 §6.3\t\n", "3", "vendor '-1'");
        assertBroken("4294967296\t0\tOrigin-Host\tDiameterIdentity\tmust\tmust-not\tRFC 6733 §6.3\t\n", "3", "32 bits");
    }

    @Test
    void anUnknownVendorOrWrongFlagRuleNamesItsLine() {
        assertBroken("302\t13019\tLogical-Access-ID\tOctetString\tmust\tmust\tTS 32.299 §7.2\t\n", "3", "vendor 13019");
        assertBroken("264\t0\tOrigin-Host\tDiameterIdentity\tMUST\tmust-not\tRFC 6733 §6.3\t\n", "3", "M rule 'MUST'");
        assertBroken("874\t10415\tPS-Information\tGrouped\tmust\tmust-not\tTS 32.299 §7.2\t\n", "3", "V rule");
    }

    @Test
    void aWrongColumnCountOrSourceNamesItsLine() {
        assertBroken("264\t0\tOrigin-Host\tDiameterIdentity\tmust\tmust-not\n", "3", "columns");
        assertBroken("264\t0\tOrigin-Host\tDiameterIdentity\tmust\tmust-not\tsomewhere\t\n", "3", "names no RFC or TS");
    }

    @Test
    void membersMustBeRowsOfAGroupedAvp() {
        assertBroken("443\t0\tSubscription-Id\tGrouped\tmust\tmust-not\tRFC 4006 §8.46\tNo-Such-Avp\n", "3",
                "lists member No-Such-Avp");
        assertBroken("1\t0\tUser-Name\tUTF8String\tmust\tmust-not\tRFC 6733 §8.14\tSession-Id\n", "3",
                "only a Grouped AVP has members");
    }
}
