package io.gyro.engine.core;

import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.rating.tariff.FinalUnitAction;
import io.gyro.rating.tariff.ServiceKind;

/**
 * What the charging core did with one credit-control request, as values: per request whether the subscriber was
 * served, and per Multiple-Services-Credit-Control what came of it (granted units and their limits, a zero grant
 * with a final-unit action, out of credit, no tariff ...). The core fills it and knows no Result-Code; the Gy
 * handler ({@code io.gyro.engine.gy.CreditControlAnswers}) turns it into the answer (STYLE rule 4).
 *
 * <p>One reusable instance per core; charging thread only; filling it allocates nothing.
 */
public final class CreditOutcome {
    public static final int MAX_MSCC = CreditControlRequest.MAX_MSCC;

    /** The request as a whole. */
    public enum Request {
        /** The subscriber was found and served; see the per-MSCC outcomes. */
        SERVED,
        /** No subscriber (or account) for the request's identities. */
        USER_UNKNOWN,
        /** The subscriber exists but may not start a session or event (not ACTIVE). */
        SERVICE_DENIED
    }

    /** One MSCC (or, for a CCR-EVENT without MSCC, the request's single service). */
    public enum Unit {
        /** Units granted (and reserved); the limits below apply. Also a debit or refund done by an event. */
        GRANTED,
        /** Nothing to grant or report (no RSU, final report, or an MSCC that asked for nothing): success, no grant. */
        NO_GRANT,
        /** Not written in the answer at all (the final CCR-T reports of rating groups that got no grant). */
        OMITTED,
        /** Nothing left, and the package sends the user somewhere: a zero grant with the final-unit action. */
        ZERO_GRANT_FINAL_UNITS,
        /** Nothing left and no final-unit redirect: the credit limit is reached. */
        CREDIT_LIMIT,
        /** No service or no tariff for it. */
        RATING_FAILED,
        /** The package denies the service. */
        DENIED,
        /** The session has no room for another rating group. */
        RESOURCES_EXCEEDED,
        /** Anything else the rater could not do. */
        UNABLE
    }

    public Request request = Request.SERVED;
    public int count;
    public final Unit[] unit = new Unit[MAX_MSCC];
    public final long[] ratingGroup = new long[MAX_MSCC];
    public final long[] serviceIdentifier = new long[MAX_MSCC];
    public final ServiceKind[] kind = new ServiceKind[MAX_MSCC];
    public final long[] grantedUnits = new long[MAX_MSCC];
    public final long[] validityTimeSeconds = new long[MAX_MSCC];
    public final long[] quotaThresholdUnits = new long[MAX_MSCC];
    public final long[] tariffChangeMs = new long[MAX_MSCC];
    /** Non-null when the answer carries a Final-Unit-Indication for this MSCC. */
    public final FinalUnitAction[] finalUnitAction = new FinalUnitAction[MAX_MSCC];
    public final String[] redirectUrl = new String[MAX_MSCC];
    public final String[] filterId = new String[MAX_MSCC];

    /** How long the session is kept after this request (its longest validity plus the grace). */
    public long keepMs;

    // --- CCR-EVENT (RFC 4006 §6.3)
    /** Requested-Action the event was served with (DIRECT_DEBITING when the request had none). */
    public int requestedAction;
    /** CHECK_BALANCE: whether the subscriber can pay every unit asked about. */
    public boolean enoughCredit;
    /** PRICE_ENQUIRY: the list price of every unit asked about, in micros. */
    public long totalPriceMicros;

    public CreditOutcome clear() {
        request = Request.SERVED;
        for (int i = 0; i < count; i++) {
            finalUnitAction[i] = null;
            redirectUrl[i] = null;
            filterId[i] = null;
            kind[i] = null;
        }
        count = 0;
        keepMs = 0;
        requestedAction = -1;
        enoughCredit = true;
        totalPriceMicros = 0;
        return this;
    }

    /** Starts the next MSCC's outcome; returns its index. */
    public int add(long ratingGroup, long serviceIdentifier, Unit unit) {
        int i = count++;
        this.ratingGroup[i] = ratingGroup;
        this.serviceIdentifier[i] = serviceIdentifier;
        this.unit[i] = unit;
        this.kind[i] = null;
        this.grantedUnits[i] = 0;
        this.validityTimeSeconds[i] = 0;
        this.quotaThresholdUnits[i] = 0;
        this.tariffChangeMs[i] = 0;
        this.finalUnitAction[i] = null;
        this.redirectUrl[i] = null;
        this.filterId[i] = null;
        return i;
    }
}
