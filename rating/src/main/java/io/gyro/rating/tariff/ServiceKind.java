package io.gyro.rating.tariff;

/**
 * The unit a service is counted in, as in RFC 4006 §8.17 Granted-Service-Unit: CC-Total-Octets
 * (BYTES), CC-Time (SECONDS), and events (SMS, one-off services, CC-Service-Specific-Units).
 */
public enum ServiceKind {
    /** Data volume in octets. Quantities may be written 10MB, 1KB, 3GB (binary multiples). */
    BYTES,
    /** Call time in seconds. Quantities may be written 60s, 100min, 1h. */
    SECONDS,
    /** Countable events: an SMS, a one-off purchase. */
    EVENTS,
    /** Any other service-specific unit defined by configuration. */
    UNITS;

    /** The word used in the catalogue file. */
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
