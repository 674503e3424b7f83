package io.gyro.diameter.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Loads the hex fixtures of {@code src/test/resources/messages}: hex digits in any spacing,
 * {@code #} starts a comment that runs to the end of the line. The fixtures were assembled from
 * the RFC layouts by {@code src/test/python/assemble_fixtures.py}, not by Gyro's writer.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** The bytes of {@code messages/<name>.hex}, e.g. {@code "ccr-initial"} or {@code "malformed/version-2"}. */
    public static byte[] bytes(String name) {
        String resource = "/messages/" + name + ".hex";
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An unpooled (untracked) buffer over the fixture; nothing to release. */
    public static ByteBuf buffer(String name) {
        return Unpooled.wrappedBuffer(bytes(name));
    }

    static byte[] parseHex(String text) {
        StringBuilder digits = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            int comment = line.indexOf('#');
            String data = comment >= 0 ? line.substring(0, comment) : line;
            for (int i = 0; i < data.length(); i++) {
                char c = data.charAt(i);
                if (!Character.isWhitespace(c)) {
                    digits.append(c);
                }
            }
        }
        return HexFormat.of().parseHex(digits);
    }

    /** Hex of the readable bytes, 4 bytes a group, for readable assertion failures. */
    public static String hex(ByteBuf buf) {
        return hex(ByteBufUtil.getBytes(buf));
    }

    public static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                out.append(i % 4 == 0 ? (i % 32 == 0 ? "\n" : "  ") : "");
            }
            out.append(String.format("%02x", bytes[i]));
        }
        return out.toString();
    }
}
