package io.gyro.rating.tariff;

import java.util.Locale;

/**
 * Parses catalogue quantities with their unit suffix and checks the suffix fits the unit kind:
 * {@code 10MB} is bytes, {@code 100min} is seconds, a bare number is in the service's own unit.
 * Data multiples are binary (1 KB = 1024 bytes), as Chinese operators bill.
 */
public final class Quantity {

    private Quantity() {
    }

    /**
     * @return the quantity in base units of {@code kind}
     * @throws IllegalArgumentException with a message naming the expected units
     */
    public static long parse(String text, ServiceKind kind) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)))) {
            end++;
        }
        if (end == 0) {
            if (s.startsWith("-")) {
                throw new IllegalArgumentException("'" + text + "' is negative; quantities cannot be below zero");
            }
            throw new IllegalArgumentException("'" + text + "' is not a quantity; write e.g. " + example(kind));
        }
        if (end < s.length() && s.charAt(end) == '.') {
            throw new IllegalArgumentException("'" + text + "' has decimals; write a whole number of a smaller unit, e.g. "
                    + example(kind));
        }
        long n;
        try {
            n = Long.parseLong(s.substring(0, end));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        String suffix = s.substring(end).trim();
        long mult = multiplier(suffix, kind);
        if (mult < 0) {
            throw new IllegalArgumentException("unit mismatch: '" + text + "' is not a " + kind.yamlName()
                    + " quantity; write e.g. " + example(kind));
        }
        try {
            return Math.multiplyExact(n, mult);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    private static long multiplier(String suffix, ServiceKind kind) {
        if (suffix.isEmpty()) {
            return 1;
        }
        switch (kind) {
            case BYTES:
                switch (suffix) {
                    case "b": case "bytes": case "byte": return 1;
                    case "kb": case "k": return 1024L;
                    case "mb": case "m": return 1024L * 1024;
                    case "gb": case "g": return 1024L * 1024 * 1024;
                    case "tb": return 1024L * 1024 * 1024 * 1024;
                    default: return -1;
                }
            case SECONDS:
                switch (suffix) {
                    case "s": case "sec": case "seconds": return 1;
                    case "min": case "mins": case "minutes": return 60;
                    case "h": case "hours": return 3600;
                    default: return -1;
                }
            case EVENTS:
                switch (suffix) {
                    case "sms": case "events": case "event": case "x": return 1;
                    default: return -1;
                }
            default:
                return suffix.equals("units") ? 1 : -1;
        }
    }

    /** A sample quantity for error messages. */
    public static String example(ServiceKind kind) {
        switch (kind) {
            case BYTES: return "10MB, 1KB or 3GB";
            case SECONDS: return "60s, 6s or 100min";
            case EVENTS: return "1 or 50";
            default: return "1";
        }
    }

    /** Appends a quantity readably: 1MB, 10KB, 60 s, 1 event. For explanations, not parsing. */
    public static StringBuilder format(long units, ServiceKind kind, StringBuilder out) {
        switch (kind) {
            case BYTES:
                if (units > 0 && units % (1024L * 1024 * 1024) == 0) {
                    return out.append(units / (1024L * 1024 * 1024)).append("GB");
                }
                if (units > 0 && units % (1024L * 1024) == 0) {
                    return out.append(units / (1024L * 1024)).append("MB");
                }
                if (units > 0 && units % 1024 == 0) {
                    return out.append(units / 1024).append("KB");
                }
                return out.append(units).append(" bytes");
            case SECONDS:
                return out.append(units).append(" s");
            case EVENTS:
                return out.append(units).append(units == 1 ? " event" : " events");
            default:
                return out.append(units).append(" units");
        }
    }
}
