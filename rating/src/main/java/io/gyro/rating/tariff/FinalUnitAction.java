package io.gyro.rating.tariff;

/** What the network does when the final units are used up: RFC 4006 §8.35 Final-Unit-Action. */
public enum FinalUnitAction {
    /** TERMINATE (0): end the service. */
    TERMINATE,
    /** REDIRECT (1): send the subscriber's traffic to a top-up URL (Redirect-Server, §8.37). */
    REDIRECT,
    /** RESTRICT_ACCESS (2): allow only what the Filter-Id / restriction filter permits. */
    RESTRICT_ACCESS
}
