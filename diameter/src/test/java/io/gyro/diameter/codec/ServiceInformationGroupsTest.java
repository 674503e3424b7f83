package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.AvpDefinition;
import io.gyro.diameter.dictionary.AvpDictionary;
import io.gyro.diameter.dictionary.AvpType;
import io.gyro.diameter.dictionary.Grammar;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.testing.DictionaryMessages;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated from the AVP table: every Grouped AVP found under Service-Information (TS 32.299 §7.2)
 * by following the members the table lists, placed where its ABNF puts it, holding one member of
 * each data format the table says it may hold, each with the M bit and a well-formed value. The
 * validator and the one-walk decoder accept every one.
 */
class ServiceInformationGroupsTest {
    /**
     * MessageValidator refuses a Grouped AVP at nesting depth 7 or more (its MAX_DEPTH of 8: the
     * top level is depth 0, so Service-Information is 0 and PS-Information 1). TS 32.299's deepest
     * path (Service-Information / PS-Information / Offline-Charging / Multiple-Services-Credit-Control /
     * Granted-Service-Unit / CC-Money / Unit-Value) fits; a group deeper than that would be tested with
     * its outermost ancestors below Service-Information left out, so that its members are still
     * checked. {@link #theDeepestPathsOfTheTableFitTheValidatorsNesting} keeps that honest.
     */
    private static final int DEEPEST_GROUP = 6;

    private static final AvpDefinition SERVICE_INFORMATION = AvpDictionary.definition("Service-Information");

    /** Each Grouped AVP reachable from Service-Information, with the shortest chain of groups leading to it. */
    static Map<AvpDefinition, List<AvpDefinition>> groupsUnderServiceInformation() {
        Map<AvpDefinition, List<AvpDefinition>> paths = new LinkedHashMap<>();
        paths.put(SERVICE_INFORMATION, List.of(SERVICE_INFORMATION));
        ArrayDeque<AvpDefinition> queue = new ArrayDeque<>(List.of(SERVICE_INFORMATION));
        while (!queue.isEmpty()) {
            AvpDefinition group = queue.removeFirst();
            for (String name : group.members()) {
                AvpDefinition member = AvpDictionary.definition(name);
                if (member.type() == AvpType.GROUPED && !paths.containsKey(member)) {
                    List<AvpDefinition> path = new ArrayList<>(paths.get(group));
                    path.add(member);
                    paths.put(member, path);
                    queue.addLast(member);
                }
            }
        }
        return paths;
    }

    static Stream<Arguments> groups() {
        return groupsUnderServiceInformation().entrySet().stream()
                .map(e -> Arguments.of(e.getKey().name(), e.getValue()));
    }

    /**
     * The members written inside {@code group}: the first member of each data format the table
     * lists for it, then the members RFC 4006 / RFC 6733 require of a vendor-0 group
     * ({@link Grammar#requiredMembers}), a required Grouped member written the same way.
     */
    private static void writeMembers(DiameterWriter w, AvpDefinition group) {
        Set<AvpType> written = EnumSet.noneOf(AvpType.class);
        List<Long> writtenCodes = new ArrayList<>();
        for (String name : group.members()) {
            AvpDefinition member = AvpDictionary.definition(name);
            if (member.type() != AvpType.GROUPED && written.add(member.type())) {
                DictionaryMessages.writeWellFormed(w, member);
                writtenCodes.add(member.code() << 32 | member.vendorId());
            }
        }
        writeRequiredMembers(w, group, writtenCodes);
    }

    /**
     * The members RFC 4006 / RFC 6733 require of a vendor-0 group ({@link Grammar#requiredMembers})
     * but for the (vendor-0) codes in {@code exceptCodes}; a Grouped one with its own members.
     */
    private static void writeRequiredMembers(DiameterWriter w, AvpDefinition group, List<Long> exceptCodes) {
        for (int code : Grammar.requiredMembers(group.vendorId(), group.code())) {
            AvpDefinition member = definition(VendorId.IETF, code);
            if (exceptCodes.contains((long) code << 32)) {
                continue;
            }
            if (member.type() == AvpType.GROUPED) {
                w.beginGroup(code, VendorId.IETF);
                writeMembers(w, member);
                w.endGroup();
            } else {
                DictionaryMessages.writeWellFormed(w, member);
            }
        }
    }

    private static AvpDefinition definition(long vendor, long code) {
        return AvpDictionary.definition(AvpDictionary.name(vendor, code));
    }

    /** How many levels of groups {@link #writeMembers} writes, {@code group} included. */
    private static int height(AvpDefinition group) {
        int below = 0;
        for (int code : Grammar.requiredMembers(group.vendorId(), group.code())) {
            AvpDefinition member = definition(VendorId.IETF, code);
            if (member.type() == AvpType.GROUPED) {
                below = Math.max(below, height(member));
            }
        }
        return 1 + below;
    }

    /** The path written: Service-Information first, and as much of the real path as the validator's nesting allows. */
    private static List<AvpDefinition> writablePath(List<AvpDefinition> path) {
        AvpDefinition group = path.get(path.size() - 1);
        int excess = (path.size() - 1) + height(group) - 1 - DEEPEST_GROUP;
        if (excess <= 0 || path.size() == 1) {
            return path;
        }
        List<AvpDefinition> shortened = new ArrayList<>();
        shortened.add(path.get(0));
        shortened.addAll(path.subList(1 + excess, path.size()));
        return shortened;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void everyGroupUnderServiceInformationIsAcceptedWithOneMemberOfEachType(String name, List<AvpDefinition> path) {
        List<AvpDefinition> written = writablePath(path);
        ByteBuf frame = DictionaryMessages.ccrWithServiceInformation(w -> {
            for (int i = 1; i < written.size(); i++) {
                AvpDefinition group = written.get(i);
                w.beginGroup((int) group.code(), (int) group.vendorId());
                if (i < written.size() - 1) {
                    // An ancestor such as Final-Unit-Indication needs its own required members too.
                    AvpDefinition next = written.get(i + 1);
                    writeRequiredMembers(w, group, List.of(next.code() << 32 | next.vendorId()));
                }
            }
            writeMembers(w, written.get(written.size() - 1));
            for (int i = 1; i < written.size(); i++) {
                w.endGroup();
            }
        });
        String where = written.stream().map(AvpDefinition::name).reduce((a, b) -> a + " / " + b).orElseThrow();
        MessageValidator validator = new MessageValidator();
        Validation validation = validator.validate(frame, 0, new Validation());
        assertTrue(validation.ok(), where + ": " + validation);
        Validation again = new Validation();
        Validation error = new Validation();
        assertEquals(CreditControlRequest.DECODED, new CreditControlRequest().validateAndDecode(frame, 0, validator,
                again, error), where + ": " + again + " / " + error);
    }

    /** The subtrees the brief names are all reached, and so tested, through the table's members. */
    @Test
    void theGeneratedCasesCoverTheServiceInformationSubtrees() {
        Map<AvpDefinition, List<AvpDefinition>> groups = groupsUnderServiceInformation();
        for (String name : List.of("PS-Information", "SMS-Information", "IMS-Information", "MMS-Information",
                "Subscription-Id", "QoS-Information", "Allocation-Retention-Priority", "Trigger", "Offline-Charging",
                "Envelope", "Time-Stamps", "SDP-Media-Component", "Inter-Operator-Identifier", "Originator-Address",
                "Recipient-Info", "Early-Media-Description", "Service-Specific-Info", "User-CSG-Information",
                "PS-Furnish-Charging-Information", "Presence-Reporting-Area-Information", "UWAN-User-Location-Info",
                "Enhanced-Diagnostics", "Service-Data-Container", "Traffic-Data-Volumes", "CPDT-Information")) {
            assertTrue(groups.containsKey(AvpDictionary.definition(name)), name);
        }
        Set<String> leaves = new HashSet<>();
        groups.keySet().forEach(g -> leaves.addAll(g.members()));
        for (String name : List.of("Serving-Node-Identity", "RAN-NAS-Release-Cause", "3GPP-PS-Data-Off-Status",
                "Access-Network-Information", "User-Location-Info-Time", "3GPP-NSAPI", "Dynamic-Address-Flag")) {
            assertTrue(leaves.contains(name), name);
        }
        assertTrue(groups.size() > 100, groups.size() + " groups");
        long leafMembers = groups.keySet().stream().flatMap(g -> g.members().stream())
                .filter(m -> AvpDictionary.definition(m).type() != AvpType.GROUPED).distinct().count();
        assertTrue(leafMembers > 300, leafMembers + " leaf members");
    }

    /** Every group of the table is tested at its real depth: none is past the validator's nesting (see DEEPEST_GROUP). */
    @Test
    void theDeepestPathsOfTheTableFitTheValidatorsNesting() {
        List<String> shortened = new ArrayList<>();
        groupsUnderServiceInformation().forEach((group, path) -> {
            if (writablePath(path).size() != path.size()) {
                shortened.add(group.name());
            }
        });
        assertEquals(List.of(), shortened.stream().sorted().toList());
        assertEquals(AvpCode.SERVICE_INFORMATION, SERVICE_INFORMATION.code());
    }
}
