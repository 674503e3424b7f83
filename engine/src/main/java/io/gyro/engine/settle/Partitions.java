package io.gyro.engine.settle;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Spill files that split one side of a settlement by subscriber (a hash, so each partition holds every record of
 * its subscribers): ten million host lines are not held at once, one partition's worth is. Binary rows written
 * with {@link DataOutputStream}; the caller defines the row. Caller's thread.
 */
final class Partitions implements Closeable {
    private final Path dir;
    private final String prefix;
    private final DataOutputStream[] out;

    Partitions(Path dir, String prefix, int count) throws IOException {
        this.dir = dir;
        this.prefix = prefix;
        this.out = new DataOutputStream[count];
        for (int i = 0; i < count; i++) {
            out[i] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(i)), 1 << 16));
        }
    }

    /** The partition of a subscriber among {@code count}. */
    static int of(long subscriber, int count) {
        long z = subscriber;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (int) Math.floorMod(z ^ (z >>> 33), (long) count);
    }

    DataOutputStream out(long subscriber) {
        return out[of(subscriber, out.length)];
    }

    Path file(int partition) {
        return dir.resolve(prefix + "-" + partition + ".bin");
    }

    DataInputStream in(int partition) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file(partition)), 1 << 16));
    }

    @Override
    public void close() throws IOException {
        for (DataOutputStream o : out) {
            o.close();
        }
    }

    void delete() throws IOException {
        for (int i = 0; i < out.length; i++) {
            Files.deleteIfExists(file(i));
        }
    }

    /** A short text: a length byte and up to 255 UTF-8 bytes. */
    static void writeText(DataOutputStream o, byte[] b, int length) throws IOException {
        int n = Math.min(length, 255);
        o.writeByte(n);
        o.write(b, 0, n);
    }

    static void writeText(DataOutputStream o, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeText(o, b, b.length);
    }

    static String readText(DataInputStream in) throws IOException {
        int n = in.readUnsignedByte();
        if (n == 0) {
            return "";
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
