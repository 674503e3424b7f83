package io.gyro.engine.gy;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlAnswerWriter;
import io.gyro.engine.core.CreditOutcome;
import io.gyro.engine.pipeline.RingEvent;
import io.gyro.rating.tariff.FinalUnitAction;
import io.gyro.rating.tariff.ServiceKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Credit-Control-Answers (RFC 4006 §3.2) from the charging core's outcomes: the only place where an outcome becomes a
 * Result-Code (STYLE rule 4). Answers go into pooled buffers the caller hands to Netty. Charging thread only.
 */
public final class CreditControlAnswers {
    private final CreditControlAnswerWriter writer = new CreditControlAnswerWriter();
    private final byte[] originHost;
    private final byte[] originRealm;

    /** Each answer written is counted here by its top-level Result-Code. */
    private final io.gyro.engine.status.Counters counters;

    public CreditControlAnswers(byte[] originHost, byte[] originRealm) {
        this(originHost, originRealm, new io.gyro.engine.status.Counters());
    }

    public CreditControlAnswers(byte[] originHost, byte[] originRealm, io.gyro.engine.status.Counters counters) {
        this.counters = counters;
        this.originHost = originHost;
        this.originRealm = originRealm;
    }

    /** Result-Code of a request the core did not serve. */
    static int resultCode(CreditOutcome.Request request) {
        switch (request) {
            case USER_UNKNOWN:
                return ResultCode.DIAMETER_USER_UNKNOWN;
            case SERVICE_DENIED:
                return ResultCode.DIAMETER_END_USER_SERVICE_DENIED;
            default:
                return ResultCode.DIAMETER_SUCCESS;
        }
    }

    /** Result-Code of one MSCC (RFC 4006 §8.16 for the credit-control ones). */
    static int resultCode(CreditOutcome.Unit unit) {
        switch (unit) {
            case GRANTED:
            case NO_GRANT:
            case OMITTED:
            case ZERO_GRANT_FINAL_UNITS:
                return ResultCode.DIAMETER_SUCCESS;
            case CREDIT_LIMIT:
                return ResultCode.DIAMETER_CREDIT_LIMIT_REACHED;
            case RATING_FAILED:
                return ResultCode.DIAMETER_RATING_FAILED;
            case DENIED:
                return ResultCode.DIAMETER_END_USER_SERVICE_DENIED;
            case RESOURCES_EXCEEDED:
                return ResultCode.DIAMETER_RESOURCES_EXCEEDED;
            default:
                return ResultCode.DIAMETER_UNABLE_TO_COMPLY;
        }
    }

    /** The answer to a served CCR-I/U/T: one MSCC per outcome, in request order. */
    public ByteBuf session(RingEvent e, CreditOutcome outcome) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(512);
        counters.answered(ResultCode.DIAMETER_SUCCESS);
        writer.begin(out, e.hopByHop, e.endToEnd, e.sessionId, e.sessionIdLength, ResultCode.DIAMETER_SUCCESS,
                originHost, originRealm, e.ccRequestType, e.ccRequestNumber);
        for (int i = 0; i < outcome.count; i++) {
            CreditOutcome.Unit unit = outcome.unit[i];
            if (unit == CreditOutcome.Unit.OMITTED) {
                continue;
            }
            writer.beginMscc(outcome.ratingGroup[i], outcome.serviceIdentifier[i], resultCode(unit));
            if (unit == CreditOutcome.Unit.GRANTED) {
                granted(outcome.kind[i], outcome.grantedUnits[i]);
                if (outcome.validityTimeSeconds[i] > 0) {
                    writer.validityTime(outcome.validityTimeSeconds[i]);
                }
                if (outcome.quotaThresholdUnits[i] > 0) {
                    writer.volumeQuotaThreshold(outcome.quotaThresholdUnits[i]);
                }
                if (outcome.tariffChangeMs[i] > 0) {
                    writer.tariffTimeChange(outcome.tariffChangeMs[i]);
                }
            } else if (unit == CreditOutcome.Unit.ZERO_GRANT_FINAL_UNITS) {
                granted(outcome.kind[i], 0);
                if (outcome.validityTimeSeconds[i] > 0) {
                    writer.validityTime(outcome.validityTimeSeconds[i]);
                }
            }
            if (outcome.finalUnitAction[i] != null) {
                finalUnit(outcome.finalUnitAction[i], outcome.redirectUrl[i], outcome.filterId[i]);
            }
            writer.endMscc();
        }
        return writer.end();
    }

    /**
     * The answer to a served CCR-EVENT (RFC 4006 §6.3): a single-service event carries its result at the top level
     * and its units in Granted-Service-Unit; otherwise one MSCC per service.
     */
    public ByteBuf event(RingEvent e, CreditOutcome outcome, int currencyNumericCode) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(512);
        int action = outcome.requestedAction;
        boolean single = e.msccCount <= 1 && e.singleService || e.msccCount == 0;
        int topResult = single ? resultCode(outcome.unit[0]) : ResultCode.DIAMETER_SUCCESS;
        counters.answered(topResult);
        writer.begin(out, e.hopByHop, e.endToEnd, e.sessionId, e.sessionIdLength, topResult,
                originHost, originRealm, e.ccRequestType, e.ccRequestNumber);
        writer.requestedAction(action);
        if (single) {
            if (topResult == ResultCode.DIAMETER_SUCCESS && action == Enumerations.DIRECT_DEBITING) {
                writer.raw().beginGroup(AvpCode.GRANTED_SERVICE_UNIT)
                        .unsigned64(AvpCode.CC_SERVICE_SPECIFIC_UNITS, outcome.grantedUnits[0]).endGroup();
            }
        } else {
            for (int i = 0; i < outcome.count; i++) {
                int result = resultCode(outcome.unit[i]);
                writer.beginMscc(outcome.ratingGroup[i], outcome.serviceIdentifier[i], result);
                if (result == ResultCode.DIAMETER_SUCCESS && action == Enumerations.DIRECT_DEBITING) {
                    writer.grantedServiceSpecificUnits(outcome.grantedUnits[i]);
                }
                writer.endMscc();
            }
        }
        if (action == Enumerations.CHECK_BALANCE) {
            writer.checkBalanceResult(outcome.enoughCredit ? Enumerations.ENOUGH_CREDIT : Enumerations.NO_CREDIT);
        } else if (action == Enumerations.PRICE_ENQUIRY) {
            // Unit-Value = Value-Digits × 10^Exponent; micros have exponent -6 (RFC 4006 §8.8).
            writer.costInformation(outcome.totalPriceMicros, -6, currencyNumericCode);
        }
        return writer.end();
    }

    /** An answer with only a Result-Code (a request refused as a whole). */
    public ByteBuf simple(RingEvent e, int resultCode) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(256);
        counters.answered(resultCode);
        return writer.begin(out, e.hopByHop, e.endToEnd, e.sessionId, e.sessionIdLength, resultCode,
                originHost, originRealm, e.ccRequestType, e.ccRequestNumber).end();
    }

    /** An older (or repeated with another type) CC-Request-Number: 5004 naming the AVP, nothing charged. */
    public ByteBuf failedRequestNumber(RingEvent e) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(256);
        writer.begin(out, e.hopByHop, e.endToEnd, e.sessionId, e.sessionIdLength,
                ResultCode.DIAMETER_INVALID_AVP_VALUE, originHost, originRealm, e.ccRequestType, e.ccRequestNumber);
        writer.raw().utf8(AvpCode.ERROR_MESSAGE, "CC-Request-Number older than the last one of this session");
        writer.raw().beginGroup(AvpCode.FAILED_AVP).unsigned32(AvpCode.CC_REQUEST_NUMBER, e.ccRequestNumber).endGroup();
        return writer.end();
    }

    private void granted(ServiceKind kind, long units) {
        switch (kind) {
            case BYTES:
                writer.grantedOctets(units);
                break;
            case SECONDS:
                writer.grantedTime(units);
                break;
            default:
                writer.grantedServiceSpecificUnits(units);
        }
    }

    private void finalUnit(FinalUnitAction action, String redirectUrl, String filterId) {
        switch (action) {
            case REDIRECT:
                writer.finalUnitRedirect(redirectUrl == null ? "" : redirectUrl);
                break;
            case RESTRICT_ACCESS:
                writer.finalUnit(Enumerations.FUA_RESTRICT_ACCESS, filterId);
                break;
            default:
                writer.finalUnit(Enumerations.FUA_TERMINATE, null);
        }
    }
}
