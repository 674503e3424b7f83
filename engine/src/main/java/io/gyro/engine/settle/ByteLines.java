package io.gyro.engine.settle;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Lines of a file as byte ranges of one reused buffer, without a String per line: the host file and the
 * journal's JSON lines are read through it, tens of millions of lines per run. A line ends at LF; a CR before it
 * is dropped. Caller's thread; one reader per file.
 */
final class ByteLines implements Closeable {
    /** Longer lines are an error, not a reason to hold the file in memory. */
    static final int MAX_LINE_BYTES = 1 << 24;

    private final InputStream in;
    private byte[] buf = new byte[1 << 20];
    private int pos;
    private int limit;
    private boolean eof;
    private int start;
    private int end;
    private long number;

    ByteLines(InputStream in) {
        this.in = in;
    }

    /** Moves to the next line. @return false at the end of the file */
    boolean next() throws IOException {
        int scanFrom = pos;
        while (true) {
            for (int i = scanFrom; i < limit; i++) {
                if (buf[i] == '\n') {
                    take(i);
                    pos = i + 1;
                    return true;
                }
            }
            if (eof) {
                if (pos < limit) {
                    take(limit);
                    pos = limit;
                    return true;
                }
                return false;
            }
            int scanned = limit - pos;
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            if (limit == buf.length) {
                if (buf.length >= MAX_LINE_BYTES) {
                    throw new IOException("line " + (number + 1) + " is longer than " + MAX_LINE_BYTES + " bytes");
                }
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
            scanFrom = scanned;
        }
    }

    private void take(int lineEnd) {
        start = pos;
        end = lineEnd > start && buf[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
        number++;
    }

    byte[] buffer() { return buf; }
    int start() { return start; }
    int end() { return end; }
    /** 1-based number of the current line. */
    long number() { return number; }

    boolean isBlank() {
        for (int i = start; i < end; i++) {
            if (buf[i] != ' ' && buf[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
