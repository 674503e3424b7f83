package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.testing.Avps;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every well-formed fixture passes the validator; header and AVP readers see the fields the RFC layout put there. */
class FixtureValidationTest {

    @ParameterizedTest
    @ValueSource(strings = {"cer", "cea", "dwr", "dwa", "dpr", "dpa", "ccr-initial", "ccr-update", "ccr-termination",
            "ccr-event", "cca-grant", "cca-final-redirect", "cca-final-terminate", "cca-event-cost"})
    void wellFormedFixturesValidate(String name) {
        ByteBuf frame = Fixtures.buffer(name);
        assertEquals(frame.readableBytes(), DiameterHeader.messageLength(frame, 0));
        assertEquals(DiameterHeader.VERSION, DiameterHeader.version(frame, 0));
        Validation v = new MessageValidator().validate(frame, 0, new Validation());
        assertTrue(v.ok(), name + ": " + v);
    }

    @Test
    void capabilitiesExchangeRequestFields() {
        ByteBuf cer = Fixtures.buffer("cer");
        assertTrue(DiameterHeader.isRequest(cer, 0));
        assertEquals(CommandCode.CAPABILITIES_EXCHANGE, DiameterHeader.commandCode(cer, 0));
        assertEquals(0, DiameterHeader.applicationId(cer, 0));
        assertEquals(0x11223344, DiameterHeader.hopByHop(cer, 0));
        assertEquals(0x55667788, DiameterHeader.endToEnd(cer, 0));
        assertEquals("pgw.example.net", Avps.utf8(cer, AvpCode.ORIGIN_HOST));
        assertEquals(1700000000L, Avps.u32(cer, AvpCode.ORIGIN_STATE_ID));
        assertEquals(16777302L, Avps.u32(cer, AvpCode.VENDOR_SPECIFIC_APPLICATION_ID, AvpCode.AUTH_APPLICATION_ID));
        AvpReader product = Avps.find(cer, AvpCode.PRODUCT_NAME);
        assertFalse(product.isMandatory(), "RFC 6733 §4.5: Product-Name MUST NOT set M");
        AvpReader ip = Avps.find(cer, AvpCode.HOST_IP_ADDRESS);
        assertEquals(6, ip.dataLength());
        assertEquals(1, cer.getUnsignedShort(ip.dataOffset()), "AddressType IPv4");
    }

    @Test
    void creditControlAnswerFields() {
        ByteBuf cca = Fixtures.buffer("cca-final-redirect");
        assertFalse(DiameterHeader.isRequest(cca, 0));
        assertEquals(DiameterHeader.FLAG_PROXIABLE, DiameterHeader.flags(cca, 0));
        assertEquals(2001, Avps.u32(cca, AvpCode.RESULT_CODE));
        assertEquals(Enumerations.FUA_REDIRECT, Avps.u32(cca, AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL,
                AvpCode.FINAL_UNIT_INDICATION, AvpCode.FINAL_UNIT_ACTION));
        assertEquals("http://topup.example.com/", Avps.utf8(cca, AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL,
                AvpCode.FINAL_UNIT_INDICATION, AvpCode.REDIRECT_SERVER, AvpCode.REDIRECT_SERVER_ADDRESS));
        ByteBuf cost = Fixtures.buffer("cca-event-cost");
        AvpReader exponent = Avps.find(cost, AvpCode.COST_INFORMATION, AvpCode.UNIT_VALUE, AvpCode.EXPONENT);
        assertEquals(-2, exponent.integer32());
        assertEquals(156, Avps.u32(cost, AvpCode.COST_INFORMATION, AvpCode.CURRENCY_CODE));
    }

    @Test
    void groupedWalkStopsAtTheEndOfTheGroup() {
        ByteBuf ccr = Fixtures.buffer("ccr-update");
        AvpReader mscc = Avps.find(ccr, AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL);
        AvpReader member = mscc.enter(new AvpReader());
        int members = 0;
        while (member.next()) {
            members++;
        }
        assertFalse(member.malformed());
        assertEquals(3, members, "Rating-Group, Requested-Service-Unit, Used-Service-Unit");
        assertEquals(3, Avps.count(ccr, AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL));
    }
}
