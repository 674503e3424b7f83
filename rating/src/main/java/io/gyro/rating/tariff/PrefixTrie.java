package io.gyro.rating.tariff;

import java.util.Arrays;

/**
 * Longest-prefix match of a called number on a digit trie held in flat int arrays, so a lookup
 * is O(number length) and allocates nothing. The number is normalised while it is read: a
 * leading '+' counts as the international prefix "00" (so +86... and 0086... match alike) and
 * anything but a digit is skipped. Immutable after {@link #build}; any thread.
 */
public final class PrefixTrie {

    private int[] children; // node * 10 + digit -> child node, 0 = none (node 0 is the root)
    private int[] value;    // node -> zone index, -1 = none
    private int nodes;

    public PrefixTrie() {
        children = new int[10 * 64];
        value = new int[64];
        Arrays.fill(value, -1);
        nodes = 1;
    }

    /**
     * Adds a prefix. @return the zone already holding this exact prefix, or -1.
     */
    public int put(CharSequence prefix, int zone) {
        int node = 0;
        int len = prefix.length();
        int i = 0;
        if (len > 0 && prefix.charAt(0) == '+') {
            node = child(child(0, 0), 0);
            i = 1;
        }
        for (; i < len; i++) {
            char c = prefix.charAt(i);
            if (c >= '0' && c <= '9') {
                node = child(node, c - '0');
            }
        }
        int old = value[node];
        value[node] = zone;
        return old;
    }

    private int child(int node, int digit) {
        int slot = node * 10 + digit;
        int c = children[slot];
        if (c == 0) {
            if (nodes == value.length) {
                value = Arrays.copyOf(value, nodes * 2);
                Arrays.fill(value, nodes, value.length, -1);
                children = Arrays.copyOf(children, nodes * 20);
            }
            c = nodes++;
            children[slot] = c;
        }
        return c;
    }

    /** Trims the arrays after the last {@link #put}. */
    public PrefixTrie build() {
        children = Arrays.copyOf(children, nodes * 10);
        value = Arrays.copyOf(value, nodes);
        return this;
    }

    /** @return the zone of the longest matching prefix, or {@code fallback} when none matches */
    public int lookup(CharSequence number, int fallback) {
        if (number == null) {
            return fallback;
        }
        int best = fallback;
        int node = 0;
        int len = number.length();
        int i = 0;
        if (len > 0 && number.charAt(0) == '+') {
            for (int z = 0; z < 2; z++) {
                node = children[node * 10];
                if (node == 0) {
                    return best;
                }
                if (value[node] >= 0) {
                    best = value[node];
                }
            }
            i = 1;
        }
        for (; i < len; i++) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            node = children[node * 10 + (c - '0')];
            if (node == 0) {
                break;
            }
            if (value[node] >= 0) {
                best = value[node];
            }
        }
        return best;
    }
}
