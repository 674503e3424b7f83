package io.gyro.engine.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * The fields of one charging-record line that margin needs, read with Jackson's streaming parser from the documented
 * JSON-lines format (field names as {@code CdrRecord} writes them; unknown fields and the bucket arrays skipped), and
 * the rule of what counts ({@link #counts()}). Reusable; not thread-safe: one per reading thread.
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

    private static final JsonFactory JSON = new JsonFactory();

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
        try (JsonParser p = JSON.createParser(buf, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_ARRAY || v == JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                switch (name) {
                    case "kind" -> kind = p.getValueAsString();
                    case "tsMs" -> tsMs = p.getValueAsLong(Long.MIN_VALUE);
                    case "msisdn" -> msisdn = p.getValueAsLong();
                    case "packageId" -> packageId = p.getValueAsString();
                    case "service" -> service = p.getValueAsInt(-1);
                    case "serviceName" -> serviceName = p.getValueAsString();
                    case "retailMicros" -> retailMicros = p.getValueAsLong();
                    case "wholesaleMicros" -> wholesaleMicros = p.getValueAsLong();
                    case "uncollectedMicros" -> uncollectedMicros = p.getValueAsLong();
                    default -> {
                    }
                }
            }
            return t == JsonToken.END_OBJECT && kind != null && tsMs != Long.MIN_VALUE;
        } catch (IOException | RuntimeException e) {
            return false;
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
