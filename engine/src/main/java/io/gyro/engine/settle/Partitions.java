package io.gyro.engine.settle;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Spill files that split one side of a settlement by subscriber (a hash, so each partition holds every record of
 * its subscribers): ten million host lines are not held at once, one partition's worth is. Rows are fixed fields
 * and short texts in a per-partition buffer written to a {@link FileChannel}; the caller defines the row. One
 * writer thread per instance.
 */
final class Partitions implements Closeable {
    /** Room a row may take at most: a few longs and three texts of at most 255 bytes. */
    static final int MAX_ROW = 128 + 3 * 256;
    private static final int BUFFER = 1 << 16;

    private final Path dir;
    private final String prefix;
    private final FileChannel[] channels;
    private final ByteBuffer[] buffers;

    Partitions(Path dir, String prefix, int count) throws IOException {
        this.dir = dir;
        this.prefix = prefix;
        this.channels = new FileChannel[count];
        this.buffers = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            channels[i] = FileChannel.open(file(i), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            buffers[i] = ByteBuffer.allocate(BUFFER);
        }
    }

    int count() {
        return channels.length;
    }

    /** The partition of a subscriber among {@code count}. */
    static int of(long subscriber, int count) {
        long z = subscriber;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (int) Math.floorMod(z ^ (z >>> 33), (long) count);
    }

    /** The buffer to write one row of {@code subscriber} into, with room for {@link #MAX_ROW} bytes. */
    ByteBuffer row(long subscriber) throws IOException {
        int p = of(subscriber, channels.length);
        ByteBuffer b = buffers[p];
        if (b.remaining() < MAX_ROW) {
            flush(p);
        }
        return b;
    }

    private void flush(int p) throws IOException {
        ByteBuffer b = buffers[p];
        b.flip();
        while (b.hasRemaining()) {
            channels[p].write(b);
        }
        b.clear();
    }

    Path file(int partition) {
        return dir.resolve(prefix + "-" + partition + ".bin");
    }

    @Override
    public void close() throws IOException {
        for (int p = 0; p < channels.length; p++) {
            if (channels[p].isOpen()) {
                flush(p);
                channels[p].close();
            }
        }
    }

    /** A short text: a length byte and up to 255 UTF-8 bytes. */
    static void putText(ByteBuffer b, byte[] bytes, int length) {
        int n = Math.min(length, 255);
        b.put((byte) n);
        b.put(bytes, 0, n);
    }

    static void putText(ByteBuffer b, String s) {
        if (s.isEmpty()) {
            b.put((byte) 0);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        putText(b, bytes, bytes.length);
    }

    /** Reads back the rows of one partition file, in big chunks. One reader thread. */
    static final class Reader implements Closeable {
        private final Path file;
        private final FileChannel channel;
        private final ByteBuffer b = ByteBuffer.allocate(1 << 20);
        /** File position of {@code b[0]}. */
        private long base;
        private boolean eof;

        Reader(Path file) throws IOException {
            this.file = file;
            channel = FileChannel.open(file, StandardOpenOption.READ);
            b.limit(0);
        }

        Path file() {
            return file;
        }

        /** The file position of what {@link #buffer()} reads next. */
        long position() {
            return base + b.position();
        }

        /** Steps over a text: most texts are never shown, so they are not made into Strings (see {@link #texts}). */
        void skipText() {
            int n = b.get() & 0xff;
            b.position(b.position() + n);
        }

        /** Makes the next row readable from {@link #buffer()}. @return false at the end */
        boolean next() throws IOException {
            if (b.remaining() < MAX_ROW && !eof) {
                base += b.position();
                b.compact();
                while (b.hasRemaining()) {
                    if (channel.read(b) < 0) {
                        eof = true;
                        break;
                    }
                }
                b.flip();
            }
            if (!b.hasRemaining()) {
                return false;
            }
            if (b.remaining() < 9 && eof) {
                throw new EOFException("a spill file ends in a row");
            }
            return true;
        }

        ByteBuffer buffer() {
            return b;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** {@code count} texts written one after the other at {@code position} of an open spill file. */
    static String[] texts(FileChannel channel, long position, int count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(count * 256);
        while (b.hasRemaining() && channel.read(b, position + b.position()) > 0) {
            // read until full or at the end
        }
        b.flip();
        String[] out = new String[count];
        for (int i = 0; i < count; i++) {
            int n = b.get() & 0xff;
            out[i] = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
            b.position(b.position() + n);
        }
        return out;
    }

    /** Deletes the files. */
    void delete() throws IOException {
        for (int i = 0; i < channels.length; i++) {
            Files.deleteIfExists(file(i));
        }
    }
}
