package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.AvpDefinition;
import io.gyro.diameter.dictionary.AvpDictionary;
import io.gyro.diameter.dictionary.AvpType;
import io.gyro.diameter.dictionary.FlagRule;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.testing.Avps;
import io.gyro.diameter.testing.DictionaryMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TS 32.299 CCR as a third-party PGW sends it: Service-Information { PS-Information { ... } }
 * with its members' M bits set. Each AVP that Gyro refused with 5001 before its dictionary became
 * a table is accepted alone, by the validator and by the one-walk decoder; a known AVP with a
 * wrong length is still 5014, an unknown one with the M bit still 5001, each with Failed-AVP.
 */
class PsInformationValidationTest {
    private final MessageValidator validator = new MessageValidator();

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** (groups inside PS-Information, AVP, data as a PGW sends it). */
    static Stream<Arguments> refusedBefore() {
        return Stream.of(
                // TS 32.299 §7.2: Address AVPs, IPv4 and IPv6 (RFC 6733 §4.3.1)
                Arguments.of(List.of(), "PDP-Address", hex("0001 0a2d0001")),
                Arguments.of(List.of(), "SGSN-Address", hex("0001 c0a80a01")),
                Arguments.of(List.of(), "GGSN-Address", hex("0002 20010db8000000000000000000000001")),
                // TS 29.061 §16.4.7: RADIUS-style 3GPP-* AVPs
                Arguments.of(List.of(), "3GPP-IMSI-MCC-MNC", text("46001")),
                Arguments.of(List.of(), "3GPP-GGSN-MCC-MNC", text("46001")),
                Arguments.of(List.of(), "3GPP-NSAPI", text("5")),
                Arguments.of(List.of(), "3GPP-Selection-Mode", text("0")),
                Arguments.of(List.of(), "3GPP-Charging-Characteristics", text("0800")),
                Arguments.of(List.of(), "3GPP-MS-TimeZone", hex("8000")),
                Arguments.of(List.of(), "3GPP-IMEISV", text("3520990017614823")),
                // TS 32.299 §7.2
                Arguments.of(List.of(), "PDN-Connection-Charging-ID", hex("00003039")),
                Arguments.of(List.of(), "Serving-Node-Type", hex("00000002")),
                Arguments.of(List.of(), "Dynamic-Address-Flag", hex("00000001")),
                // TS 29.212 §5.3.5
                Arguments.of(List.of(), "Charging-Rule-Base-Name", text("internet-rb")),
                // QoS-Information (TS 29.212 §5.3.16): Max-Requested-Bandwidth-UL is code 516 (TS 29.214
                // §5.3.15); 1041 is APN-Aggregate-Max-Bitrate-UL (TS 29.212 §5.3.40). Both, each alone.
                Arguments.of(List.of("QoS-Information"), "Max-Requested-Bandwidth-UL", hex("05f5e100")),
                Arguments.of(List.of("QoS-Information"), "APN-Aggregate-Max-Bitrate-UL", hex("05f5e100")));
    }

    /** Service-Information { PS-Information { <groups> { avp } } }, every AVP with the M bit. */
    private static ByteBuf ccr(List<String> groups, AvpDefinition avp, byte[] data) {
        return DictionaryMessages.ccrWithServiceInformation(w -> {
            w.beginGroup(AvpCode.PS_INFORMATION, VendorId.TGPP);
            for (String group : groups) {
                AvpDefinition g = AvpDictionary.definition(group);
                w.beginGroup((int) g.code(), (int) g.vendorId());
            }
            DictionaryMessages.write(w, avp, data);
            for (int i = 0; i < groups.size(); i++) {
                w.endGroup();
            }
            w.endGroup();
        });
    }

    private void assertAccepted(ByteBuf frame, String what) {
        Validation validation = validator.validate(frame, 0, new Validation());
        assertTrue(validation.ok(), what + ": " + validation);
        CreditControlRequest ccr = new CreditControlRequest();
        Validation error = new Validation();
        Validation again = new Validation();
        assertEquals(CreditControlRequest.DECODED, ccr.validateAndDecode(frame, 0, validator, again, error),
                what + ": " + again + " / " + error);
        assertEquals(8613800000001L, ccr.msisdn, what);
        assertEquals(100, ccr.ratingGroup[0], what);
    }

    @ParameterizedTest(name = "PS-Information {0} {1} with the M bit")
    @MethodSource("refusedBefore")
    void aPgwsPsInformationMemberIsAccepted(List<String> groups, String name, byte[] data) {
        AvpDefinition avp = AvpDictionary.definition(name);
        assertNotNull(avp, name + " is a row of the table");
        assertTrue(avp.type().fixedLength < 0 || avp.type().fixedLength == data.length, "the data fits " + avp.type());
        ByteBuf frame = ccr(groups, avp, data);
        AvpReader written = Avps.find(frame, AvpCode.SERVICE_INFORMATION, AvpCode.PS_INFORMATION);
        assertNotNull(written);
        assertAccepted(frame, name);
    }

    /** (AVP, data of the wrong length for its type). */
    static Stream<Arguments> wrongLengths() {
        return Stream.of(
                Arguments.of("PDN-Connection-Charging-ID", hex("0000303900")),   // Unsigned32, 5 octets
                Arguments.of("Serving-Node-Type", hex("0002")),                // Enumerated, 2 octets
                Arguments.of("Start-Time", hex("0000000000000001")),           // Time, 8 octets
                Arguments.of("Max-Requested-Bandwidth-UL", hex("05f5e1")),     // Unsigned32, 3 octets
                Arguments.of("PDP-Address", hex("0001 0a2d00010000")),        // IPv4 Address, 6 octets of address
                Arguments.of("Traffic-Data-Volumes", hex("00")));             // Grouped: a 1-octet member cannot be an AVP
    }

    @ParameterizedTest(name = "{0} of the wrong length inside PS-Information is 5014")
    @MethodSource("wrongLengths")
    void aWrongLengthInsidePsInformationIsInvalidAvpLength(String name, byte[] data) {
        AvpDefinition avp = AvpDictionary.definition(name);
        ByteBuf frame = ccr(List.of(), avp, data);
        Validation validation = validator.validate(frame, 0, new Validation());
        assertEquals(ResultCode.DIAMETER_INVALID_AVP_LENGTH, validation.resultCode, validation.toString());
        int failed = validation.failedAvpOffset;
        if (avp.type() == AvpType.GROUPED) {
            // RFC 6733 §7.5: the member that does not parse goes into Failed-AVP, not its group.
            assertTrue(failed > 0 && validation.failedAvpLength > 0, validation.toString());
        } else {
            assertEquals(avp.code(), frame.getUnsignedInt(failed), validation.toString());
            assertEquals(avp.vendorId(), frame.getUnsignedInt(failed + 8));
            assertEquals(12 + data.length, validation.failedAvpLength);
        }
        Validation again = new Validation();
        assertEquals(CreditControlRequest.INVALID, new CreditControlRequest().validateAndDecode(frame, 0, validator,
                again, new Validation()));
        assertEquals(validation.toString(), again.toString());
    }

    /** RFC 6733 §4.1: an AVP the node does not recognise, with the M bit, fails the message (5001, Failed-AVP). */
    @Test
    void anUnknownMandatory3gppAvpInsidePsInformationIsUnsupported() {
        int unknownCode = 3998;
        assertEquals(AvpType.UNKNOWN, AvpDictionary.type(VendorId.TGPP, unknownCode));
        ByteBuf frame = DictionaryMessages.ccrWithServiceInformation(w -> w
                .beginGroup(AvpCode.PS_INFORMATION, VendorId.TGPP)
                .utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "46001")
                .unsigned32(unknownCode, VendorId.TGPP, true, 7)
                .endGroup());
        Validation validation = validator.validate(frame, 0, new Validation());
        assertEquals(ResultCode.DIAMETER_AVP_UNSUPPORTED, validation.resultCode, validation.toString());
        assertEquals(unknownCode, frame.getInt(validation.failedAvpOffset));
        assertEquals(VendorId.TGPP, frame.getInt(validation.failedAvpOffset + 8));
        assertEquals(16, validation.failedAvpLength);
        Validation again = new Validation();
        assertEquals(CreditControlRequest.INVALID, new CreditControlRequest().validateAndDecode(frame, 0, validator,
                again, new Validation()));
        assertEquals(validation.toString(), again.toString());

        ByteBuf answer = new ErrorAnswers().write(Unpooled.buffer(), frame, 0, frame.readableBytes(), validation,
                "ocs.example.com".getBytes(StandardCharsets.US_ASCII), "example.com".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ResultCode.DIAMETER_AVP_UNSUPPORTED, Avps.u32(answer, AvpCode.RESULT_CODE));
        AvpReader named = Avps.find(answer, AvpCode.FAILED_AVP, unknownCode);
        assertNotNull(named, "Failed-AVP carries the unknown AVP");
        assertEquals(VendorId.TGPP, named.vendorId());
        assertTrue(named.isMandatory());
        assertEquals(7, named.unsigned32());
    }

    @Test
    void anUnknown3gppAvpWithoutTheMBitIsIgnored() {
        ByteBuf frame = DictionaryMessages.ccrWithServiceInformation(w -> w
                .beginGroup(AvpCode.PS_INFORMATION, VendorId.TGPP)
                .unsigned32(3998, VendorId.TGPP, false, 7)
                .endGroup());
        assertAccepted(frame, "unknown AVP without M");
    }

    /**
     * Lenient on flags (RFC 6733 §4.1 rejects for the M bit only an AVP it does not recognise):
     * M set on AVPs whose rule says "must not" or "may" is accepted, their types still checked.
     */
    @Test
    void theMBitOnAKnownAvpWhoseRuleSaysMustNotOrMayIsAccepted() {
        AvpDefinition pra = AvpDictionary.definition("Presence-Reporting-Area-Information");
        AvpDefinition praId = AvpDictionary.definition("Presence-Reporting-Area-Identifier");
        AvpDefinition diagnostics = AvpDictionary.definition("Enhanced-Diagnostics");
        AvpDefinition ranNas = AvpDictionary.definition("RAN-NAS-Release-Cause");
        AvpDefinition userEquipment = AvpDictionary.definition("User-Equipment-Info");
        assertEquals(FlagRule.MUST_NOT, pra.mandatoryBit());
        assertEquals(FlagRule.MUST_NOT, ranNas.mandatoryBit());
        assertEquals(FlagRule.MAY, userEquipment.mandatoryBit());
        ByteBuf frame = DictionaryMessages.ccrWithServiceInformation(w -> {
            w.beginGroup(AvpCode.PS_INFORMATION, VendorId.TGPP);
            w.beginGroup((int) pra.code(), VendorId.TGPP);
            DictionaryMessages.write(w, praId, hex("0000ab"));
            w.endGroup();
            w.beginGroup((int) diagnostics.code(), VendorId.TGPP);
            DictionaryMessages.write(w, ranNas, hex("0101"));
            w.endGroup();
            w.beginGroup(AvpCode.USER_EQUIPMENT_INFO, VendorId.IETF)
                    .enumerated(AvpCode.USER_EQUIPMENT_INFO_TYPE, 0)
                    .octets(AvpCode.USER_EQUIPMENT_INFO_VALUE, VendorId.IETF, text("3520990017614823"), 0, 16)
                    .endGroup();
            w.endGroup();
        });
        AvpReader written = Avps.find(frame, AvpCode.SERVICE_INFORMATION, AvpCode.PS_INFORMATION, (int) pra.code());
        assertTrue(written.isMandatory(), "the M bit is set");
        assertAccepted(frame, "M on must-not and may AVPs");
        assertNotEquals(AvpType.UNKNOWN, AvpDictionary.type(VendorId.TGPP, ranNas.code()));
    }
}
