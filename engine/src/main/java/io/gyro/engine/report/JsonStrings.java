package io.gyro.engine.report;

import java.util.Arrays;

/**
 * The strings of record lines that margin keeps (kinds, package ids, service names), each made once and found again
 * by its raw bytes in the line: a journal holds few distinct ones (eight kinds, the catalogue's packages and
 * services), so after the first lines reading one allocates nothing. An open-addressing table keyed by the bytes as
 * written, escapes included (the same bytes always decode to the same string); it grows to {@value #MAX_SLOTS} slots
 * and is emptied when half of those are taken (only junk has that many distinct strings). Strings longer than
 * {@value #MAX_KEY_BYTES} bytes are decoded each time and not kept. Not thread-safe: one per {@link MarginLine}.
 */
final class JsonStrings {
    /** Longer raw strings are not kept: a package id is at most 32 characters, a service name 128. */
    static final int MAX_KEY_BYTES = 512;
    static final int MAX_SLOTS = 4096;
    private static final int INITIAL_SLOTS = 64;

    private byte[][] keys = new byte[INITIAL_SLOTS][];
    private int[] hashes = new int[INITIAL_SLOTS];
    private String[] values = new String[INITIAL_SLOTS];
    private int size;

    /** The string whose raw bytes (between the quotes, as {@link JsonScanner#string()} accepted them) these are. */
    String get(byte[] buf, int start, int end) {
        int length = end - start;
        if (length > MAX_KEY_BYTES) {
            return JsonScanner.decode(buf, start, end);
        }
        int hash = hash(buf, start, end);
        int mask = keys.length - 1;
        for (int i = hash & mask; keys[i] != null; i = (i + 1) & mask) {
            byte[] k = keys[i];
            if (hashes[i] == hash && Arrays.equals(k, 0, k.length, buf, start, end)) {
                return values[i];
            }
        }
        String s = JsonScanner.decode(buf, start, end);
        if (2 * (size + 1) > keys.length) {
            if (keys.length < MAX_SLOTS) {
                grow();
            } else {
                clear();
            }
        }
        put(hash, Arrays.copyOfRange(buf, start, end), s);
        return s;
    }

    /** Strings kept now. */
    int size() {
        return size;
    }

    private void put(int hash, byte[] key, String value) {
        int mask = keys.length - 1;
        int i = hash & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        hashes[i] = hash;
        values[i] = value;
        size++;
    }

    private void grow() {
        byte[][] oldKeys = keys;
        int[] oldHashes = hashes;
        String[] oldValues = values;
        keys = new byte[2 * oldKeys.length][];
        hashes = new int[keys.length];
        values = new String[keys.length];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                put(oldHashes[i], oldKeys[i], oldValues[i]);
            }
        }
    }

    private void clear() {
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
        size = 0;
    }

    private static int hash(byte[] buf, int start, int end) {
        int h = 1;
        for (int i = start; i < end; i++) {
            h = 31 * h + buf[i];
        }
        return h ^ (h >>> 16);
    }
}
