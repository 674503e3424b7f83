package io.gyro.rating.tariff;

import java.util.Locale;

/**
 * The role of the IMS node that asks for credit, as a service match's {@code roles} name it: the
 * values of Role-of-Node (AVP 829, vendor 10415, in IMS-Information, 3GPP TS 32.299 §7.2.77).
 * An S-CSCF charges the originating leg of a VoLTE call (our subscriber calls out) with
 * 0 and the terminating leg (our subscriber is called) with 1, so the catalogue can price an
 * incoming call apart from an outgoing one. Constants only; any thread.
 */
public final class NodeRole {

    /** The request carried no Role-of-Node: only matches without {@code roles} apply. */
    public static final int ABSENT = -1;
    /** ORIGINATING_ROLE: the served user is the calling party. */
    public static final int ORIGINATING = 0;
    /** TERMINATING_ROLE: the served user is the called party (an incoming call). */
    public static final int TERMINATING = 1;
    /** FORWARDING_ROLE: the served user's call is forwarded on. */
    public static final int FORWARDING = 2;

    private NodeRole() {
    }

    /**
     * A role from the catalogue: {@code originating}, {@code terminating} or {@code forwarding}
     * (case-insensitive). @return the Role-of-Node value, or -2 when {@code text} is none of them
     */
    public static int parse(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "originating": return ORIGINATING;
            case "terminating": return TERMINATING;
            case "forwarding": return FORWARDING;
            default: return -2;
        }
    }

    /** The names {@link #parse} knows, for error messages. */
    public static String names() {
        return "originating, terminating, forwarding";
    }

    /** The catalogue name of a Role-of-Node value, for messages; the number itself when it has none. */
    public static String name(int role) {
        switch (role) {
            case ORIGINATING: return "originating";
            case TERMINATING: return "terminating";
            case FORWARDING: return "forwarding";
            default: return String.valueOf(role);
        }
    }
}
