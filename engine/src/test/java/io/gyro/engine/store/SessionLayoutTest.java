package io.gyro.engine.store;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A session stored by the previous version (layout 3: 112-byte slots ending at chargedUnits) is still read after an
 * upgrade, its grid position taken as its raw used units; an unknown layout is refused.
 */
class SessionLayoutTest {

    private static Bytes<?> layout3(int layout) {
        Bytes<?> b = Bytes.allocateElasticOnHeap(512);
        b.writeLong(8617000000001L).writeLong(42).writeLong(3).writeLong(1_000).writeLong(2_000).writeLong(9_000)
                .writeLong(77);
        b.writeInt(layout).writeInt(2).writeInt(1).writeInt(3).writeInt(0);
        b.write(new byte[32]);
        b.writeLong(100).writeLong(10_485_760).writeLong(300_000).writeLong(5_000).writeInt(0).writeInt(1);
        b.writeLong(7).writeLong(1_024);
        for (int p = 1; p < Session.MAX_BUCKETS_PER_SLOT; p++) {
            b.writeLong(0).writeLong(0);
        }
        b.writeLong(524_288); // chargedUnits
        b.write(new byte[] {1, 2, 3});
        return b;
    }

    @Test
    void layoutThreeSessionIsReadWithItsGridAtTheUsedUnits() {
        Bytes<?> b = layout3(3);
        Session s = SessionMarshaller.INSTANCE.read(b, b.readRemaining(), new Session());
        assertEquals(1, s.slotCount());
        assertEquals(100, s.ratingGroup(0));
        assertEquals(10_485_760, s.grantedUnits(0));
        assertEquals(524_288, s.chargedUnits(0));
        assertEquals(524_288, s.ratedUnits(0), "no slack known: the grid restarts at the used units");
        assertEquals(0, s.moneyMicros(0));
        assertEquals(0, s.grantedAtMs(0));
        assertEquals(3, s.answerLength());
        assertEquals(SessionMarshaller.HEADER_BYTES + SessionMarshaller.SLOT_BYTES + 3, SessionMarshaller.INSTANCE.size(s),
                "written back in the current layout");
    }

    @Test
    void unknownLayoutIsRefused() {
        Bytes<?> b = layout3(2);
        assertThrows(IllegalStateException.class, () -> SessionMarshaller.INSTANCE.read(b, b.readRemaining(), new Session()));
    }
}
