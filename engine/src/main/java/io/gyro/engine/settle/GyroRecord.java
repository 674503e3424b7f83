package io.gyro.engine.settle;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.rating.tariff.ServiceKind;

/**
 * One of Gyro's charging records with the fields settlement and the CDR export read, filled either from a JSON
 * line of {@code <data>/journal/cdr-*.jsonl} ({@link #parseJson}) or from a line of the CDR export. Reused from
 * record to record; caller's thread.
 *
 * <p>The JSON is read by a byte scanner that knows only the members it needs and skips every other value (the
 * account after-state, the explanation), so members added later do no harm. {@code imsi}, {@code visitedPlmn},
 * {@code calledNumber}, {@code usageStartMs}, {@code usageStopMs} and {@code packageId} are read when a line has
 * them, as a number or a string; the engine names the visited network {@code visitedMccMnc} (read as the visited
 * PLMN, as {@code visitedPlmn} is) and writes {@code serviceName} beside the service's index.
 */
final class GyroRecord {
    static final long NONE = Long.MIN_VALUE;
    private static final CdrKind[] KINDS = CdrKind.values();
    private static final byte[][] KIND_NAMES = new byte[KINDS.length][];

    static {
        for (int i = 0; i < KINDS.length; i++) {
            KIND_NAMES[i] = KINDS[i].name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    long seq;
    long tsMs;
    CdrKind kind;
    long msisdn;
    /** -1 when the record has none. */
    long imsi;
    int service;
    /** The catalogue's unit of {@link #service}; null when unknown. */
    ServiceKind unit;
    long ratingGroup;
    long units;
    long retailMicros;
    long wholesaleMicros;
    long usageStartMs;
    long usageStopMs;
    final Text sessionId = new Text();
    final Text visitedPlmn = new Text();
    final Text calledNumber = new Text();
    final Text packageId = new Text();
    final Text serviceName = new Text();
    private final Text scratch = new Text();

    void clear() {
        seq = 0;
        tsMs = 0;
        kind = null;
        msisdn = 0;
        imsi = -1;
        service = -1;
        unit = null;
        ratingGroup = NONE;
        units = 0;
        retailMicros = 0;
        wholesaleMicros = 0;
        usageStartMs = NONE;
        usageStopMs = NONE;
        sessionId.clear();
        visitedPlmn.clear();
        calledNumber.clear();
        packageId.clear();
        serviceName.clear();
    }

    /** Kinds that carry usage the host bills: session reports and one-off events. */
    boolean isUsage() {
        return kind == CdrKind.SESSION_INTERIM || kind == CdrKind.SESSION_END || kind == CdrKind.EVENT;
    }

    /**
     * Reads the JSON object in {@code b[s, e)}.
     *
     * @return null, or why the line is not a record
     */
    String parseJson(byte[] b, int s, int e) {
        clear();
        int i = skipSpace(b, s, e);
        if (i >= e || b[i] != '{') {
            return "not a JSON object";
        }
        i++;
        boolean seenSeq = false;
        while (true) {
            i = skipSpace(b, i, e);
            if (i < e && b[i] == '}') {
                break;
            }
            if (i >= e || b[i] != '"') {
                return "expected a member name at byte " + (i - s);
            }
            int ks = i + 1;
            int ke = ks;
            while (ke < e && b[ke] != '"') {
                ke++;
            }
            i = skipSpace(b, ke + 1, e);
            if (i >= e || b[i] != ':') {
                return "expected ':' at byte " + (i - s);
            }
            i = skipSpace(b, i + 1, e);
            if (i >= e) {
                return "line ends in a member";
            }
            int vs = i;
            int ve;
            boolean string = b[i] == '"';
            if (string) {
                ve = i + 1;
                while (ve < e && b[ve] != '"') {
                    ve += b[ve] == '\\' ? 2 : 1;
                }
                if (ve >= e) {
                    return "a string is not closed";
                }
                i = ve + 1;
                vs++;
            } else if (b[i] == '[' || b[i] == '{') {
                i = skipNested(b, i, e);
                if (i < 0) {
                    return "an array or object is not closed";
                }
                ve = i;
            } else {
                while (i < e && b[i] != ',' && b[i] != '}' && b[i] != ' ') {
                    i++;
                }
                ve = i;
            }
            String bad = member(b, ks, ke, vs, ve, string);
            if (bad != null) {
                return bad;
            }
            if (ke - ks == 3 && b[ks] == 's' && b[ks + 1] == 'e' && b[ks + 2] == 'q') {
                seenSeq = true;
            }
            i = skipSpace(b, i, e);
            if (i < e && b[i] == ',') {
                i++;
            } else if (i < e && b[i] == '}') {
                break;
            } else {
                return "expected ',' or '}' at byte " + (i - s);
            }
        }
        if (!seenSeq || kind == null) {
            return "a record needs seq and kind";
        }
        return null;
    }

    private String member(byte[] b, int ks, int ke, int vs, int ve, boolean string) {
        int n = ke - ks;
        switch (n) {
            case 2:
                if (is(b, ks, "ts")) {
                    return null;
                }
                break;
            case 3:
                if (is(b, ks, "seq")) {
                    seq = number(b, vs, ve);
                    return seq == NONE ? "seq is not a number" : null;
                }
                break;
            case 4:
                if (is(b, ks, "tsMs")) {
                    tsMs = number(b, vs, ve);
                    return tsMs == NONE ? "tsMs is not a number" : null;
                }
                if (is(b, ks, "kind")) {
                    for (int k = 0; k < KINDS.length; k++) {
                        if (equal(b, vs, ve, KIND_NAMES[k])) {
                            kind = KINDS[k];
                            return null;
                        }
                    }
                    return "unknown kind";
                }
                if (is(b, ks, "imsi")) {
                    scratch.set(b, vs, ve);
                    imsi = scratch.digits();
                    return null;
                }
                break;
            case 5:
                if (is(b, ks, "units")) {
                    units = number(b, vs, ve);
                    return units == NONE ? "units is not a number" : null;
                }
                break;
            case 6:
                if (is(b, ks, "msisdn")) {
                    scratch.set(b, vs, ve);
                    msisdn = scratch.digits();
                    return null;
                }
                break;
            case 7:
                if (is(b, ks, "service")) {
                    long v = number(b, vs, ve);
                    service = v == NONE ? -1 : (int) v;
                    return null;
                }
                break;
            case 9:
                if (is(b, ks, "sessionId")) {
                    sessionId.setJsonEscaped(b, vs, ve);
                    return null;
                }
                if (is(b, ks, "packageId")) {
                    packageId.setJsonEscaped(b, vs, ve);
                    return null;
                }
                break;
            case 11:
                if (is(b, ks, "ratingGroup")) {
                    ratingGroup = number(b, vs, ve);
                    return null;
                }
                if (is(b, ks, "visitedPlmn")) {
                    visitedPlmn.setJsonEscaped(b, vs, ve);
                    return null;
                }
                if (is(b, ks, "serviceName")) {
                    serviceName.setJsonEscaped(b, vs, ve);
                    return null;
                }
                if (is(b, ks, "usageStopMs")) {
                    usageStopMs = number(b, vs, ve);
                    return null;
                }
                break;
            case 12:
                if (is(b, ks, "retailMicros")) {
                    retailMicros = number(b, vs, ve);
                    return retailMicros == NONE ? "retailMicros is not a number" : null;
                }
                if (is(b, ks, "calledNumber")) {
                    calledNumber.setJsonEscaped(b, vs, ve);
                    return null;
                }
                if (is(b, ks, "usageStartMs")) {
                    usageStartMs = number(b, vs, ve);
                    return null;
                }
                break;
            case 13:
                if (is(b, ks, "visitedMccMnc")) {
                    // the engine writes the visited network's MCC-MNC digits as a number (46001), home left out
                    visitedPlmn.setJsonEscaped(b, vs, ve);
                    return null;
                }
                break;
            case 15:
                if (is(b, ks, "wholesaleMicros")) {
                    wholesaleMicros = number(b, vs, ve);
                    return wholesaleMicros == NONE ? "wholesaleMicros is not a number" : null;
                }
                break;
            default:
                break;
        }
        return null;
    }

    private static boolean is(byte[] b, int at, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (b[at + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean equal(byte[] b, int s, int e, byte[] name) {
        if (e - s != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (b[s + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** A JSON integer (or one in a string), or {@link #NONE}. */
    static long number(byte[] b, int s, int e) {
        if (s >= e) {
            return NONE;
        }
        boolean negative = b[s] == '-';
        int i = negative ? s + 1 : s;
        if (i >= e || e - i > 18) {
            return NONE;
        }
        long v = 0;
        for (; i < e; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return NONE;
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private static int skipSpace(byte[] b, int i, int e) {
        while (i < e && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** Past the array or object opening at {@code i}, strings inside honoured; -1 when it does not close. */
    private static int skipNested(byte[] b, int i, int e) {
        int depth = 0;
        while (i < e) {
            byte c = b[i];
            if (c == '"') {
                i++;
                while (i < e && b[i] != '"') {
                    i += b[i] == '\\' ? 2 : 1;
                }
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
            i++;
        }
        return -1;
    }
}
