package io.gyro.engine.report;

import java.util.Arrays;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The fields of one charging-record line that margin needs, read in place from the documented JSON-lines format
 * (field names as {@code CdrRecord} writes them; unknown fields and the bucket arrays skipped), and the rule of what
 * counts ({@link #counts()}). Reusable; not thread-safe: one per reading thread. Reading a line allocates nothing once
 * its strings have been seen ({@link JsonStrings}): the margin alarm reads every record the engine writes, and a
 * parser object per line was most of the engine's garbage at 48,000 records/s.
 *
 * <p>A line is one JSON object (RFC 8259, as strict as Jackson's default parser: {@link JsonScanner}), with only
 * whitespace around it (and a UTF-8 byte order mark before it). Of its members, as in a JSON tree the last of a name
 * counts:
 * <ul>
 *   <li>{@code kind}, {@code packageId}, {@code serviceName}: a string; null is the same as no member;</li>
 *   <li>{@code tsMs}, {@code msisdn}, {@code retailMicros}, {@code wholesaleMicros}, {@code uncollectedMicros}: an
 *       integer that fits in a long, {@code service} one that fits in an int (no fraction, no exponent); null is the
 *       same as no member;</li>
 *   <li>one of these with a value of any other type makes the line unreadable.</li>
 * </ul>
 *
 * <p>What counts as revenue and wholesale cost (README "Margin"):
 * <ul>
 *   <li>usage, {@code SESSION_INTERIM}, {@code SESSION_END} and {@code EVENT}: revenue is the retail money debited
 *       ({@code retailMicros}; allowance-paid units bring none), cost the {@code wholesaleMicros} of all units;</li>
 *   <li>{@code REFUND}: its negative {@code retailMicros} lowers revenue (and its wholesale, 0 today, the cost);</li>
 *   <li>{@code FEE} (package periods and add-ons bought): revenue of the subscriber's base package, no cost, under
 *       the service {@value #FEES};</li>
 *   <li>{@code TOP_UP} (money in, not a sale), {@code STALE_RELEASE} (reservations handed back) and
 *       {@code ADJUSTMENT} (allowances granted without a fee, an unpaid period) do not count.</li>
 * </ul>
 */
public final class MarginLine {
    /** The service fees are reported under. */
    public static final String FEES = "(fees)";
    /** The package of records written before records named it. */
    public static final String UNKNOWN_PACKAGE = "(unknown)";

    enum Counted { USAGE, REFUND, FEE, NONE }

    // the members read, by index into NAMES (and bit of wrongType)
    private static final int KIND = 0;
    private static final int TS_MS = 1;
    private static final int MSISDN = 2;
    private static final int PACKAGE_ID = 3;
    private static final int SERVICE = 4;
    private static final int SERVICE_NAME = 5;
    private static final int RETAIL_MICROS = 6;
    private static final int WHOLESALE_MICROS = 7;
    private static final int UNCOLLECTED_MICROS = 8;
    private static final byte[][] NAMES = {
            "kind".getBytes(US_ASCII), "tsMs".getBytes(US_ASCII), "msisdn".getBytes(US_ASCII),
            "packageId".getBytes(US_ASCII), "service".getBytes(US_ASCII), "serviceName".getBytes(US_ASCII),
            "retailMicros".getBytes(US_ASCII), "wholesaleMicros".getBytes(US_ASCII),
            "uncollectedMicros".getBytes(US_ASCII)};
    /** Longer than any of NAMES: an escaped member name decoded this far cannot be one of ours. */
    private static final int MAX_NAME_CHARS = 32;

    private final JsonScanner scanner = new JsonScanner();
    private final JsonStrings strings = new JsonStrings();
    /** A member name written with escapes, decoded. */
    private final byte[] name = new byte[MAX_NAME_CHARS];
    /** Bit per member (by index) whose last value had the wrong type. */
    private int wrongType;

    String kind;
    long tsMs;
    long msisdn;
    String packageId;
    int service;
    String serviceName;
    long retailMicros;
    long wholesaleMicros;
    long uncollectedMicros;

    /**
     * Parses one line. Returns false (fields undefined) when it is not a JSON object with a kind and a time: the
     * caller counts it as unreadable.
     */
    boolean parse(byte[] buf, int offset, int length) {
        kind = null;
        tsMs = Long.MIN_VALUE;
        msisdn = 0;
        packageId = null;
        service = -1;
        serviceName = null;
        retailMicros = 0;
        wholesaleMicros = 0;
        uncollectedMicros = 0;
        wrongType = 0;
        JsonScanner s = scanner.wrap(buf, offset, length);
        s.skipByteOrderMark();
        if (!s.take('{')) {
            return false;
        }
        if (!s.take('}')) {
            do {
                if (!s.string() || !s.take(':')) {
                    return false;
                }
                int member = member(buf);
                int type = s.value(2);
                if (type == JsonScanner.MALFORMED) {
                    return false;
                }
                if (member >= 0) {
                    read(member, type, buf);
                }
            } while (s.take(','));
            if (!s.take('}')) {
                return false;
            }
        }
        return s.atEnd() && wrongType == 0 && kind != null && tsMs != Long.MIN_VALUE;
    }

    /** Which of NAMES the member name just read is; -1 for any other. */
    private int member(byte[] buf) {
        JsonScanner s = scanner;
        if (!s.stringEscaped) {
            return indexOf(buf, s.stringStart, s.stringEnd);
        }
        int n = s.stringAscii(name);
        return n < 0 ? -1 : indexOf(name, 0, n);
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = 0; i < NAMES.length; i++) {
            if (Arrays.equals(NAMES[i], 0, NAMES[i].length, b, from, to)) {
                return i;
            }
        }
        return -1;
    }

    /** Takes the value just read (of {@code type}) as {@code member}'s, or marks the member as of the wrong type. */
    private void read(int member, int type, byte[] buf) {
        JsonScanner s = scanner;
        boolean ok;
        if (type == JsonScanner.NULL) {
            ok = true;
        } else if (member == KIND || member == PACKAGE_ID || member == SERVICE_NAME) {
            ok = type == JsonScanner.STRING;
        } else if (member == SERVICE) {
            ok = type == JsonScanner.INTEGER && s.integer >= Integer.MIN_VALUE && s.integer <= Integer.MAX_VALUE;
        } else {
            ok = type == JsonScanner.INTEGER;
        }
        if (!ok) {
            wrongType |= 1 << member;
            return;
        }
        wrongType &= ~(1 << member);
        boolean isNull = type == JsonScanner.NULL;
        String string = type == JsonScanner.STRING ? strings.get(buf, s.stringStart, s.stringEnd) : null;
        long integer = isNull ? 0 : s.integer;
        switch (member) {
            case KIND -> kind = string;
            case TS_MS -> tsMs = isNull ? Long.MIN_VALUE : integer;
            case MSISDN -> msisdn = integer;
            case PACKAGE_ID -> packageId = string;
            case SERVICE -> service = isNull ? -1 : (int) integer;
            case SERVICE_NAME -> serviceName = string;
            case RETAIL_MICROS -> retailMicros = integer;
            case WHOLESALE_MICROS -> wholesaleMicros = integer;
            case UNCOLLECTED_MICROS -> uncollectedMicros = integer;
            default -> throw new IllegalStateException("member " + member);
        }
    }

    /** How this record counts (see the class comment). */
    Counted counts() {
        return switch (kind) {
            case "SESSION_INTERIM", "SESSION_END", "EVENT" -> Counted.USAGE;
            case "REFUND" -> Counted.REFUND;
            case "FEE" -> Counted.FEE;
            default -> Counted.NONE;
        };
    }

    /** The UTC day of the record (days since 1970-01-01). */
    long epochDay() {
        return Math.floorDiv(tsMs, 86_400_000L);
    }

    /** The package the record counts for. */
    String packageOrUnknown() {
        return packageId == null || packageId.isEmpty() ? UNKNOWN_PACKAGE : packageId;
    }

    /**
     * The service the record counts under: {@value #FEES} for a fee; else its name, from the record or, for a record
     * written before records named it, from the data directory's service order ({@code services}, may be empty);
     * else {@code "#<index>"}.
     */
    String serviceOf(Counted how, java.util.List<String> services) {
        if (how == Counted.FEE) {
            return FEES;
        }
        if (serviceName != null && !serviceName.isEmpty()) {
            return serviceName;
        }
        if (service >= 0 && service < services.size()) {
            return services.get(service);
        }
        return "#" + service;
    }
}
