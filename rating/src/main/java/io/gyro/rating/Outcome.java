package io.gyro.rating;

/**
 * What a rating call decided. The rater only fills outcomes; the Gy/Sy adapters in the engine
 * map them to Diameter Result-Codes (e.g. NO_TARIFF to DIAMETER_RATING_FAILED 5031,
 * OUT_OF_CREDIT to DIAMETER_CREDIT_LIMIT_REACHED 4012).
 */
public enum Outcome {
    /** Quota: units granted (possibly fewer than requested, see finalUnits). */
    GRANTED,
    /** Charge: usage priced and (unless an enquiry) debited; see uncollectedMicros. */
    CHARGED,
    /** Quota: neither buckets nor money can pay a single unit. */
    OUT_OF_CREDIT,
    /** No package of the subscriber prices this service (unknown service, or not in the offer). */
    NO_TARIFF,
    /** Refused by policy; see {@link DenialReason}. */
    DENIED,
    /** The request itself is wrong (unknown package index, negative units); a bug upstream. */
    INVALID_REQUEST
}
