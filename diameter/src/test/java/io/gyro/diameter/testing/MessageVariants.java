package io.gyro.diameter.testing;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpDictionary;
import io.gyro.diameter.dictionary.AvpType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.net.URISyntaxException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * The inputs the codec's equivalence and fast-path tests share: every fixture, the fuzz seeds, seeded corruptions
 * and frames cut around each AVP header, so that each test compares two implementations on the same corpus.
 */
public final class MessageVariants {
    /** Every message fixture, well formed and malformed. */
    public static final List<String> ALL_FIXTURES = List.of("cer", "cea", "dwr", "dwa", "dpr", "dpa", "ccr-initial",
            "ccr-update", "ccr-termination", "ccr-event", "cca-grant", "cca-final-redirect", "cca-final-terminate",
            "cca-event-cost", "malformed/avp-length-below-header", "malformed/avp-length-past-end",
            "malformed/bad-cc-request-type", "malformed/cer-no-common-application", "malformed/length-not-multiple-of-4",
            "malformed/missing-cc-request-type", "malformed/missing-session-id", "malformed/oversize",
            "malformed/reserved-header-bits", "malformed/subscription-id-without-data",
            "malformed/unknown-avp-mandatory", "malformed/unknown-avp-optional", "malformed/unknown-command",
            "malformed/unsigned32-length-5", "malformed/version-2", "malformed/wrong-application");

    private MessageVariants() {
    }

    /** The directory of the CCR fuzz test's seed inputs. */
    public static Path fuzzSeeds() {
        try {
            return Path.of(MessageVariants.class.getResource(
                    "/io/gyro/diameter/fuzz/CreditControlRequestFuzzTestInputs/decodeValidatedRequests").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** Header offsets of the AVPs in [from, to), members of grouped AVPs included. */
    public static void avpOffsets(ByteBuf frame, int from, int to, List<Integer> out) {
        AvpReader reader = new AvpReader().wrap(frame, from, to);
        for (int at = reader.first(); (at = reader.readAt(at)) != AvpReader.END; ) {
            out.add(reader.avpOffset());
            if (AvpDictionary.type(reader.vendorId(), reader.code()) == AvpType.GROUPED) {
                avpOffsets(frame, reader.dataOffset(), reader.dataOffset() + reader.dataLength(), out);
            }
        }
    }

    /**
     * One seeded corruption: up to three bytes changed past the header (random, 0, 0xff, the V bit alone, one bit
     * flipped), then perhaps the message cut (length field saying so, or still claiming the whole) or its length
     * field claiming more than the frame, so that reads fail at every place they can.
     */
    public static byte[] corrupt(byte[] original, SplittableRandom random) {
        byte[] message = original.clone();
        int changes = random.nextInt(4);
        for (int c = 0; c < changes; c++) {
            int at = DiameterHeader.LENGTH + random.nextInt(Math.max(1, message.length - DiameterHeader.LENGTH));
            if (at >= message.length) {
                continue;
            }
            switch (random.nextInt(5)) {
                case 0 -> message[at] = (byte) random.nextInt(256);
                case 1 -> message[at] = 0;
                case 2 -> message[at] = (byte) 0xff;
                case 3 -> message[at] = (byte) 0x80; // the V bit alone, when it lands on the flags
                default -> message[at] ^= (byte) (1 << random.nextInt(8));
            }
        }
        int length = message.length;
        switch (random.nextInt(6)) {
            case 0 -> {
                length = Math.max(DiameterHeader.LENGTH, random.nextInt(message.length + 1) & ~3);
                message = Arrays.copyOf(message, length);
            }
            case 1 -> message = Arrays.copyOf(message, DiameterHeader.LENGTH + random.nextInt(message.length - 19));
            case 2 -> length = message.length + 4 * (1 + random.nextInt(8));
            default -> {
            }
        }
        message[1] = (byte) (length >>> 16);
        message[2] = (byte) (length >>> 8);
        message[3] = (byte) length;
        return message;
    }

    /**
     * Each AVP of {@code original}, at every depth, with its flags as they are and with the V bit set, and the
     * frame cut 2 to 16 bytes into it while the length field still claims the whole message; each variant is
     * handed to {@code check} with a name saying which it is.
     */
    public static void forEachCutAtEveryAvp(String name, byte[] original, BiConsumer<String, byte[]> check) {
        List<Integer> avps = new ArrayList<>();
        avpOffsets(Unpooled.wrappedBuffer(original), DiameterHeader.LENGTH, original.length, avps);
        for (int avp : avps) {
            for (int flags : new int[] {original[avp + 4], original[avp + 4] | AvpReader.FLAG_VENDOR}) {
                for (int cut : new int[] {0, 2, 4, 8, 10, 12, 16}) {
                    byte[] variant = original.clone();
                    variant[avp + 4] = (byte) flags;
                    if (cut > 0 && avp + cut < variant.length) {
                        variant = Arrays.copyOf(variant, avp + cut);
                    }
                    check.accept(name + " AVP at " + avp + " flags " + flags + " cut " + cut, variant);
                }
            }
        }
    }

    /** Each message as it is, then {@code perMessage} corruptions of it ({@link #corrupt}) from one seeded random. */
    public static void forEachWithCorruptions(Map<String, byte[]> messages, int perMessage, long seed,
                                              BiConsumer<String, byte[]> check) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Map.Entry<String, byte[]> message : messages.entrySet()) {
            check.accept(message.getKey(), message.getValue());
            for (int i = 0; i < perMessage; i++) {
                check.accept(message.getKey() + " corruption " + i, corrupt(message.getValue(), random));
            }
        }
    }

    /** {@link #forEachCutAtEveryAvp} of every message but the fuzz seeds and the malformed fixtures. */
    public static void forEachCutOfWellFormed(Map<String, byte[]> messages, BiConsumer<String, byte[]> check) {
        for (Map.Entry<String, byte[]> message : messages.entrySet()) {
            if (!message.getKey().startsWith("fuzz") && !message.getKey().startsWith("malformed")) {
                forEachCutAtEveryAvp(message.getKey(), message.getValue(), check);
            }
        }
    }

    /** Every public instance field of a decoder (not its frame), sorted by name, arrays element by element. */
    public static String publicFields(Object decoder) {
        List<String> values = new ArrayList<>();
        for (Field field : decoder.getClass().getFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.getType() == ByteBuf.class) {
                continue;
            }
            try {
                field.setAccessible(true);   // the reference decoders are package-private classes
                Object value = field.get(decoder);
                String text = value instanceof long[] longs ? Arrays.toString(longs)
                        : value instanceof int[] ints ? Arrays.toString(ints)
                        : value instanceof boolean[] flags ? Arrays.toString(flags)
                        : String.valueOf(value);
                values.add(field.getName() + '=' + text);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        values.sort(null);
        return values.toString();
    }
}
