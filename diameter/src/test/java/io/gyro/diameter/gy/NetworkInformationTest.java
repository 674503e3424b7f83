package io.gyro.diameter.gy;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.DiameterWriter;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the network tells the OCS besides the units (TS 32.299 §7.2.158 PS-Information, TS 29.061 §16.4.7.2):
 * the visited PLMN from 3GPP-User-Location-Info, the APN, the radio access, IMS Role-of-Node, usage split by
 * Tariff-Change-Usage, and an Auth-Application-Id that contradicts the header. Every case is decoded twice, by
 * the one-pass walk and by validate-then-decode, and both must agree.
 */
class NetworkInformationTest {
    private static final int TGPP = (int) VendorId.TGPP;

    private static ByteBuf ccr(int applicationId, Consumer<DiameterWriter> body) {
        DiameterWriter w = new DiameterWriter();
        w.begin(Unpooled.buffer(), DiameterHeader.FLAG_REQUEST | DiameterHeader.FLAG_PROXIABLE,
                CommandCode.CREDIT_CONTROL, 4, 1, 2);
        w.utf8(AvpCode.SESSION_ID, "pgw.example.net;1;1");
        w.utf8(AvpCode.ORIGIN_HOST, "pgw.example.net");
        w.utf8(AvpCode.ORIGIN_REALM, "example.net");
        w.utf8(AvpCode.DESTINATION_REALM, "example.com");
        w.unsigned32(AvpCode.AUTH_APPLICATION_ID, applicationId);
        w.utf8(AvpCode.SERVICE_CONTEXT_ID, "32251@3gpp.org");
        w.enumerated(AvpCode.CC_REQUEST_TYPE, 2);
        w.unsigned32(AvpCode.CC_REQUEST_NUMBER, 1);
        body.accept(w);
        return w.end();
    }

    /** Both decoding paths, which must agree; returns the one-pass result. */
    private static CreditControlRequest decode(ByteBuf frame) {
        CreditControlRequest slow = new CreditControlRequest();
        Validation v = new MessageValidator().validate(frame, 0, new Validation());
        assertTrue(v.ok(), v.toString());
        assertTrue(slow.decode(frame, 0, new Validation()));
        CreditControlRequest fast = new CreditControlRequest();
        assertTrue(fast.onePass(frame, 0, new Validation()), "the one walk takes a valid CCR");
        assertEquals(slow.userLocationMccMnc, fast.userLocationMccMnc);
        assertEquals(slow.ratType, fast.ratType);
        assertEquals(slow.tgppRatType, fast.tgppRatType);
        assertEquals(slow.calledStationIdString(), fast.calledStationIdString());
        assertEquals(slow.usuAfterChangeTotalOctets[0], fast.usuAfterChangeTotalOctets[0]);
        return fast;
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource({
            // type, octets after the type, MCC-MNC
            "TAI+ECGI (130), 54f400 0001 54f400 00000101, 45400",
            "ECGI (129),     64f010 00000a01,             46001",
            "TAI (128),      130062 1234,                 310260",
            "CGI (0),        64f060 0001 0002,            46006",
            "unknown (50),   64f010 0001 0002,            -1",
    })
    void userLocationInfoGivesThePlmn(String name, String octets, int mccMnc) {
        int type = Integer.parseInt(name.replaceAll(".*\\((\\d+)\\).*", "$1"));
        byte[] uli = hex(String.format("%02x", type) + octets.replace(" ", ""));
        CreditControlRequest r = decode(ccr(4, w -> {
            w.beginGroup(AvpCode.SERVICE_INFORMATION, TGPP).beginGroup(AvpCode.PS_INFORMATION, TGPP);
            w.octets(AvpCode.TGPP_USER_LOCATION_INFO, TGPP, uli, 0, uli.length);
            w.endGroup().endGroup();
        }));
        assertEquals(mccMnc, r.userLocationMccMnc);
        assertEquals(-1, r.sgsnMccMnc);
        assertEquals(mccMnc, r.visitedMccMnc(), "without 3GPP-SGSN-MCC-MNC the location's PLMN is the visited one");
    }

    @Test
    void sgsnMccMncWinsOverTheLocation() {
        byte[] uli = hex("8254f4000001");
        CreditControlRequest r = decode(ccr(4, w -> {
            w.beginGroup(AvpCode.SERVICE_INFORMATION, TGPP).beginGroup(AvpCode.PS_INFORMATION, TGPP);
            w.utf8(AvpCode.TGPP_SGSN_MCC_MNC, TGPP, "46001");
            w.octets(AvpCode.TGPP_USER_LOCATION_INFO, TGPP, uli, 0, uli.length);
            w.endGroup().endGroup();
        }));
        assertEquals(45400, r.userLocationMccMnc);
        assertEquals(46001, r.visitedMccMnc());
    }

    @Test
    void apnAndRadioFromPsInformation() {
        CreditControlRequest r = decode(ccr(4, w -> {
            w.beginGroup(AvpCode.SERVICE_INFORMATION, TGPP).beginGroup(AvpCode.PS_INFORMATION, TGPP);
            w.utf8(AvpCode.CALLED_STATION_ID, "video.example.cn");
            w.octets(AvpCode.TGPP_RAT_TYPE, TGPP, new byte[] {6}, 0, 1); // EUTRAN in TS 29.061 numbering
            w.endGroup().endGroup();
        }));
        assertEquals("video.example.cn", r.calledStationIdString());
        assertEquals(6, r.tgppRatType, "3GPP-RAT-Type EUTRAN, as TS 29.061 numbers it");
        assertEquals(-1, r.ratType);
    }

    @Test
    void ratTypeOfTs29212AndTopLevelApn() {
        CreditControlRequest r = decode(ccr(4, w -> {
            w.utf8(AvpCode.CALLED_STATION_ID, "cmnet");
            w.beginGroup(AvpCode.SERVICE_INFORMATION, TGPP).beginGroup(AvpCode.PS_INFORMATION, TGPP);
            w.enumerated(1032, TGPP, 1000); // RAT-Type UTRAN
            w.endGroup().endGroup();
        }));
        assertEquals("cmnet", r.calledStationIdString());
        assertEquals(1000, r.ratType);
    }

    @Test
    void usageAfterTheTariffChangeIsKeptApart() {
        CreditControlRequest r = decode(ccr(4, w -> {
            w.beginGroup(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL).unsigned32(AvpCode.RATING_GROUP, 100);
            w.beginGroup(AvpCode.USED_SERVICE_UNIT).unsigned64(AvpCode.CC_TOTAL_OCTETS, 30_000_000)
                    .enumerated(452, 0).endGroup(); // UNIT_BEFORE_TARIFF_CHANGE
            w.beginGroup(AvpCode.USED_SERVICE_UNIT).unsigned64(AvpCode.CC_TOTAL_OCTETS, 20_000_000)
                    .enumerated(452, 1).endGroup(); // UNIT_AFTER_TARIFF_CHANGE
            w.endGroup();
        }));
        assertEquals(50_000_000, r.usuTotalOctets[0]);
        assertEquals(20_000_000, r.usuAfterChangeTotalOctets[0]);
    }

    @Test
    void roleOfNodeFromImsInformation() {
        CreditControlRequest r = decode(ccr(4, w -> {
            w.beginGroup(AvpCode.SERVICE_INFORMATION, TGPP).beginGroup(AvpCode.IMS_INFORMATION, TGPP);
            w.enumerated(829, TGPP, 1);
            w.utf8(AvpCode.CALLED_PARTY_ADDRESS, TGPP, "tel:+8613800138000");
            w.endGroup().endGroup();
        }));
        assertEquals(1, r.roleOfNode);
        assertEquals("+8613800138000", r.calledPartyString());
    }

    @Test
    void imsInformationOfTheTerminatingLegAsOurWriterSendsIt() {
        byte[] host = "scscf.ims".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuf frame = new CreditControlRequestWriter().begin(Unpooled.buffer(), 1, 2, "scscf;1;1", host, host,
                        "example.com", "32260@3gpp.org", 1, 0)
                .msisdn(8617000000005L)
                .beginMscc(300, -1).requestedTime(60).endMscc()
                .imsInformation(1, "tel:+8613800138000", "tel:+8617000000005")
                .end();
        CreditControlRequest r = decode(frame);
        assertEquals(1, r.roleOfNode);
        assertEquals("+8617000000005", r.calledPartyString(), "the called party is our subscriber");
    }

    /** A CCR like {@link #ccr} with its Auth-Application-Id inside Vendor-Specific-Application-Id, or nowhere. */
    private static ByteBuf ccrWithoutTopLevelApplicationId(boolean insideVendorSpecific) {
        DiameterWriter w = new DiameterWriter();
        w.begin(Unpooled.buffer(), DiameterHeader.FLAG_REQUEST | DiameterHeader.FLAG_PROXIABLE,
                CommandCode.CREDIT_CONTROL, 4, 1, 2);
        w.utf8(AvpCode.SESSION_ID, "scscf;1;1").utf8(AvpCode.ORIGIN_HOST, "scscf.ims").utf8(AvpCode.ORIGIN_REALM, "ims")
                .utf8(AvpCode.DESTINATION_REALM, "example.com");
        if (insideVendorSpecific) {
            w.beginGroup(AvpCode.VENDOR_SPECIFIC_APPLICATION_ID).unsigned32(AvpCode.VENDOR_ID, 10415)
                    .unsigned32(AvpCode.AUTH_APPLICATION_ID, 4).endGroup();
        }
        w.utf8(AvpCode.SERVICE_CONTEXT_ID, "32260@3gpp.org").enumerated(AvpCode.CC_REQUEST_TYPE, 1)
                .unsigned32(AvpCode.CC_REQUEST_NUMBER, 0);
        return w.end();
    }

    @Test
    void authApplicationIdOnlyInsideVendorSpecificApplicationIdIsAccepted() {
        ByteBuf frame = ccrWithoutTopLevelApplicationId(true);
        Validation v = new MessageValidator().validate(frame, 0, new Validation());
        assertTrue(v.ok(), "Kamailio's ims_charging envelope: " + v);
        Validation error = new Validation();
        assertEquals(CreditControlRequest.DECODED,
                new CreditControlRequest().validateAndDecode(frame, 0, new MessageValidator(), new Validation(), error));
    }

    @Test
    void noAuthApplicationIdAnywhereIsMissing() {
        Validation v = new MessageValidator().validate(ccrWithoutTopLevelApplicationId(false), 0, new Validation());
        assertEquals(ResultCode.DIAMETER_MISSING_AVP, v.resultCode);
        assertEquals(AvpCode.AUTH_APPLICATION_ID, v.missingAvpCode);
    }

    @Test
    void e164WithAPlusIsTheSubscriber() {
        CreditControlRequest r = decode(ccr(4, w -> w.beginGroup(AvpCode.SUBSCRIPTION_ID)
                .enumerated(AvpCode.SUBSCRIPTION_ID_TYPE, 0).utf8(AvpCode.SUBSCRIPTION_ID_DATA, "+8617000000001")
                .endGroup()));
        assertEquals(8617000000001L, r.msisdn, "an IMS node writes the E.164 number with '+'");
    }

    @ParameterizedTest(name = "Address-Type {0}, {1} -> {2} international {3}")
    @CsvSource({
            "1, 447700900123,   447700900123,   true",   // MSISDN: international form, country code first
            "6, 13800138000,    13800138000,    false",  // Others: as dialled
            "1, +447700900123,  +447700900123,  false",  // already written with '+'
            "1, 00447700900123, 00447700900123, false",  // already with the international prefix
    })
    void smsRecipientOfTypeMsisdnIsInternational(int addressType, String data, String called, boolean international) {
        CreditControlRequest r = decode(ccr(4, w -> {
            w.beginGroup(AvpCode.SERVICE_INFORMATION, TGPP).beginGroup(AvpCode.SMS_INFORMATION, TGPP)
                    .beginGroup(2026, TGPP).beginGroup(AvpCode.RECIPIENT_ADDRESS, TGPP)
                    .enumerated(899, TGPP, addressType).utf8(AvpCode.ADDRESS_DATA, TGPP, data)
                    .endGroup().endGroup().endGroup().endGroup();
        }));
        assertEquals(called, r.calledPartyString());
        assertEquals(international, r.calledPartyInternational);
    }

    @Test
    void authApplicationIdThatContradictsTheHeaderIsRefused() {
        ByteBuf frame = ccr(5, w -> { });
        CreditControlRequest r = new CreditControlRequest();
        assertFalse(r.onePass(frame, 0, new Validation()), "not the one walk: it is refused");
        Validation validation = new Validation();
        Validation error = new Validation();
        assertEquals(CreditControlRequest.REFUSED, r.validateAndDecode(frame, 0, new MessageValidator(), validation, error));
        assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE, error.resultCode);
        assertEquals(AvpCode.AUTH_APPLICATION_ID, frame.getInt(error.failedAvpOffset), "Failed-AVP is the AVP");
    }
}
