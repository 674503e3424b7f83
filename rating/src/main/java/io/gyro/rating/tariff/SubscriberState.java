package io.gyro.rating.tariff;

/** Subscriber state a package asks for after a renewal; what it means on the network is the engine's. */
public enum SubscriberState {
    /** Fee paid (or none due): allowances created, service as usual. */
    ACTIVE,
    /** Fee could not be paid: no new allowances; pay-as-you-go use with money only, renewal retried on top-up. */
    SUSPENDED,
    /** Fee could not be paid: every chargeable service refused until the fee is paid. */
    BARRED
}
