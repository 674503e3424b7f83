package io.gyro.rating;

/** Why a request was {@link Outcome#DENIED}. */
public enum DenialReason {
    NONE,
    /** Visited network in a zone that is not allowed, unknown, or that no package of the subscriber prices. */
    ROAMING_NOT_ALLOWED,
    /** Called number in a blocked destination zone (premium-rate numbers). */
    DESTINATION_BLOCKED
}
