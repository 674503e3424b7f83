package io.gyro.engine.interop;

import io.gyro.engine.interop.NodeConnection.Cca;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each PS-Information member a PGW/GGSN sends (README, "PS-Information members"), alone inside
 * Service-Information/PS-Information, with V and M set, in a plain CCR-I for rating group 100:
 * the answer must be 2001 with 2001 in the MSCC. An AVP the dictionary does not know fails
 * with 5001 DIAMETER_AVP_UNSUPPORTED and names it in Failed-AVP (RFC 6733 §4.1), so each row
 * checks one dictionary entry: code, vendor, and the data format (a fixed-size type of the
 * wrong length would be 5014).
 *
 * <p>Vendor 10415 and the type of each row come from TS 32.299 §7.2 / TS 29.061 §16.4.7 /
 * TS 29.212 §5.3 / TS 29.214 §5.3 as the freeDiameter 1.5.0 dictionary tabulates them.
 * Max-Requested-Bandwidth-UL is 516 (TS 29.214 §5.3.15); 1041 is APN-Aggregate-Max-Bitrate-UL
 * (TS 29.212 §5.3.40), which TS 29.212 marks "M must not" but which is sent here with M as
 * the brief asked: both rows are kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PsInformationMemberTest {
    private static final int TGPP = NodeAvpWriter.TGPP;
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    @AutoClose
    private RunningEngine engine;
    private NodeConnection pgw;

    @BeforeAll
    void start(@TempDir Path dataDir) throws Exception {
        engine = RunningEngine.start(dataDir, 2);
        pgw = engine.connect("pgw.interop.test", "interop.test");
    }

    private static Arguments row(String name, int code, Consumer<NodeAvpWriter> member) {
        return Arguments.of(name + " (" + code + ")", member);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static Stream<Arguments> members() {
        return Stream.of(
                row("PDP-Address, Address", 1227, w -> w.address(1227, TGPP, true, NodeAvpWriter.ipv4(10, 45, 0, 2))),
                row("SGSN-Address, Address", 1228, w -> w.address(1228, TGPP, true, NodeAvpWriter.ipv4(10, 1, 2, 3))),
                row("GGSN-Address, Address", 847, w -> w.address(847, TGPP, true, NodeAvpWriter.ipv4(10, 1, 9, 9))),
                row("3GPP-IMSI-MCC-MNC, UTF8String", 8, w -> w.utf8(8, TGPP, true, "46099")),
                row("3GPP-GGSN-MCC-MNC, UTF8String", 9, w -> w.utf8(9, TGPP, true, "46001")),
                row("3GPP-NSAPI, OctetString", 10, w -> w.octets(10, TGPP, true, ascii("5"))),
                row("3GPP-Selection-Mode, UTF8String", 12, w -> w.utf8(12, TGPP, true, "0")),
                row("3GPP-Charging-Characteristics, UTF8String", 13, w -> w.utf8(13, TGPP, true, "0800")),
                row("3GPP-MS-TimeZone, OctetString", 23, w -> w.octets(23, TGPP, true, new byte[]{0x23, 0x00})),
                row("3GPP-IMEISV, OctetString", 20, w -> w.octets(20, TGPP, true, ascii("3516920100000101"))),
                row("PDN-Connection-Charging-ID, Unsigned32", 2050, w -> w.u32(2050, TGPP, true, 0x0a000005)),
                row("Serving-Node-Type, Enumerated", 2047, w -> w.i32(2047, TGPP, true, 2)), // GTPSGW
                row("Dynamic-Address-Flag, Enumerated", 2051, w -> w.i32(2051, TGPP, true, 1)), // Dynamic
                row("Charging-Rule-Base-Name, UTF8String", 1004, w -> w.utf8(1004, TGPP, true, "rb-internet")),
                row("QoS-Information { Max-Requested-Bandwidth-UL, Unsigned32 }", 516,
                        w -> w.group(1016, TGPP, true).u32(516, TGPP, true, 50_000_000).endGroup()),
                row("QoS-Information { APN-Aggregate-Max-Bitrate-UL, Unsigned32 }", 1041,
                        w -> w.group(1016, TGPP, true).u32(1041, TGPP, true, 50_000_000).endGroup()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("members")
    void aloneInPsInformationWithTheMBitIsAccepted(String name, Consumer<NodeAvpWriter> member) throws Exception {
        String sessionId = "pgw.interop.test;ps-member;" + SESSIONS.incrementAndGet();
        Cca cca = pgw.send((out, hbh, e2e) -> {
            NodeAvpWriter w = new NodeAvpWriter().beginCcr(out, hbh, e2e)
                    .utf8(263, 0, true, sessionId)
                    .utf8(264, 0, true, "pgw.interop.test")
                    .utf8(296, 0, true, "interop.test")
                    .utf8(283, 0, true, RunningEngine.REALM)
                    .u32(258, 0, true, 4)
                    .utf8(461, 0, true, "32251@3gpp.org")
                    .i32(416, 0, true, 1)
                    .u32(415, 0, true, 0)
                    .group(443, 0, true).i32(450, 0, true, 0).utf8(444, 0, true, "8617000000001").endGroup()
                    .i32(455, 0, true, 1)
                    .group(456, 0, true).u32(432, 0, true, 100).group(437, 0, true).endGroup().endGroup()
                    .group(873, TGPP, true).group(874, TGPP, true);
            member.accept(w);
            return w.endGroup().endGroup().end();
        });
        assertEquals(2001, cca.resultCode(), () -> name + ": " + cca);
        assertEquals(2001, cca.onlyMscc().resultCode(), () -> name + ": " + cca);
    }
}
