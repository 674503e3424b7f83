package io.gyro.engine.store;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * A mutable {@code long} map key, so that a lookup by MSISDN, IMSI or account id does not box a
 * {@link Long} per call. Each store owns one instance and is used by one thread only.
 */
final class LongKey {
    long value;

    LongKey set(long v) {
        this.value = v;
        return this;
    }

    /** Serialises the key as 8 bytes (native order, as Chronicle Bytes writes longs). */
    static final class Marshaller implements SizedReader<LongKey>, SizedWriter<LongKey>,
            EnumMarshallable<Marshaller> {
        static final Marshaller INSTANCE = new Marshaller();

        private Marshaller() {
        }

        @Override
        public long size(LongKey toWrite) {
            return Long.BYTES;
        }

        @Override
        public void write(Bytes<?> out, long size, LongKey toWrite) {
            out.writeLong(toWrite.value);
        }

        @Override
        public LongKey read(Bytes<?> in, long size, LongKey using) {
            LongKey k = using != null ? using : new LongKey();
            k.value = in.readLong();
            return k;
        }

        @Override
        public Marshaller readResolve() {
            return INSTANCE;
        }
    }
}
