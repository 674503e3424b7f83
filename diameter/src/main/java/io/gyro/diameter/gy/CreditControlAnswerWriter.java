package io.gyro.diameter.gy;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.DiameterWriter;
import io.gyro.diameter.dictionary.ApplicationId;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;

/**
 * Writes a Credit-Control-Answer (RFC 4006 §3.2) in wire order: Session-Id, Result-Code,
 * Origin-Host, Origin-Realm, Auth-Application-Id, CC-Request-Type, CC-Request-Number, then the
 * MSCCs and the event AVPs. Reused by one thread; allocates nothing but the target buffer.
 *
 * <pre>
 * [ MSCC ]  Granted-Service-Unit { CC-Total-Octets | CC-Time | CC-Service-Specific-Units }
 *           Rating-Group, Service-Identifier, Validity-Time, Result-Code,
 *           Final-Unit-Indication { Final-Unit-Action, Redirect-Server | Filter-Id },
 *           Volume-Quota-Threshold (3GPP), Tariff-Time-Change
 * </pre>
 */
public final class CreditControlAnswerWriter {
    private final DiameterWriter writer = new DiameterWriter();

    /** Starts a CCA. The Session-Id bytes come from wherever the caller kept them. */
    public CreditControlAnswerWriter begin(ByteBuf out, int hopByHop, int endToEnd,
                                           byte[] sessionId, int sessionIdLength, int resultCode,
                                           byte[] originHost, byte[] originRealm,
                                           int ccRequestType, long ccRequestNumber) {
        writer.begin(out, DiameterHeader.FLAG_PROXIABLE, CommandCode.CREDIT_CONTROL, ApplicationId.CREDIT_CONTROL,
                hopByHop, endToEnd);
        writer.octets(AvpCode.SESSION_ID, VendorId.IETF, sessionId, 0, sessionIdLength);
        writer.unsigned32(AvpCode.RESULT_CODE, resultCode);
        writer.octets(AvpCode.ORIGIN_HOST, originHost);
        writer.octets(AvpCode.ORIGIN_REALM, originRealm);
        writer.unsigned32(AvpCode.AUTH_APPLICATION_ID, ApplicationId.CREDIT_CONTROL);
        writer.enumerated(AvpCode.CC_REQUEST_TYPE, ccRequestType);
        writer.unsigned32(AvpCode.CC_REQUEST_NUMBER, ccRequestNumber);
        return this;
    }

    public CreditControlAnswerWriter beginMscc(long ratingGroup, long serviceIdentifier, int resultCode) {
        writer.beginGroup(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL);
        if (ratingGroup >= 0) {
            writer.unsigned32(AvpCode.RATING_GROUP, ratingGroup);
        }
        if (serviceIdentifier >= 0) {
            writer.unsigned32(AvpCode.SERVICE_IDENTIFIER, serviceIdentifier);
        }
        writer.unsigned32(AvpCode.RESULT_CODE, resultCode);
        return this;
    }

    public CreditControlAnswerWriter grantedOctets(long octets) {
        writer.beginGroup(AvpCode.GRANTED_SERVICE_UNIT).unsigned64(AvpCode.CC_TOTAL_OCTETS, octets).endGroup();
        return this;
    }

    public CreditControlAnswerWriter grantedTime(long seconds) {
        writer.beginGroup(AvpCode.GRANTED_SERVICE_UNIT).unsigned32(AvpCode.CC_TIME, seconds).endGroup();
        return this;
    }

    public CreditControlAnswerWriter grantedServiceSpecificUnits(long units) {
        writer.beginGroup(AvpCode.GRANTED_SERVICE_UNIT).unsigned64(AvpCode.CC_SERVICE_SPECIFIC_UNITS, units).endGroup();
        return this;
    }

    public CreditControlAnswerWriter validityTime(long seconds) {
        writer.unsigned32(AvpCode.VALIDITY_TIME, seconds);
        return this;
    }

    /** TS 32.299 §7.2.223 Volume-Quota-Threshold (vendor 10415). */
    public CreditControlAnswerWriter volumeQuotaThreshold(long octets) {
        writer.unsigned32(AvpCode.VOLUME_QUOTA_THRESHOLD, VendorId.TGPP, octets);
        return this;
    }

    public CreditControlAnswerWriter tariffTimeChange(long epochMillis) {
        writer.time(AvpCode.TARIFF_TIME_CHANGE, epochMillis);
        return this;
    }

    /** RFC 4006 §8.34 Final-Unit-Indication with TERMINATE or RESTRICT_ACCESS (filterId may be null). */
    public CreditControlAnswerWriter finalUnit(int finalUnitAction, CharSequence filterId) {
        writer.beginGroup(AvpCode.FINAL_UNIT_INDICATION);
        writer.enumerated(AvpCode.FINAL_UNIT_ACTION, finalUnitAction);
        if (filterId != null && filterId.length() > 0) {
            writer.utf8(AvpCode.FILTER_ID, filterId);
        }
        writer.endGroup();
        return this;
    }

    /** RFC 4006 §8.34/§8.37 Final-Unit-Indication REDIRECT to a URL (the top-up page). */
    public CreditControlAnswerWriter finalUnitRedirect(CharSequence url) {
        writer.beginGroup(AvpCode.FINAL_UNIT_INDICATION);
        writer.enumerated(AvpCode.FINAL_UNIT_ACTION, Enumerations.FUA_REDIRECT);
        writer.beginGroup(AvpCode.REDIRECT_SERVER);
        writer.enumerated(AvpCode.REDIRECT_ADDRESS_TYPE, Enumerations.REDIRECT_URL);
        writer.utf8(AvpCode.REDIRECT_SERVER_ADDRESS, url);
        writer.endGroup();
        writer.endGroup();
        return this;
    }

    public CreditControlAnswerWriter endMscc() {
        writer.endGroup();
        return this;
    }

    /** RFC 4006 §8.7 Cost-Information: Unit-Value (digits × 10^exponent) and ISO 4217 currency. */
    public CreditControlAnswerWriter costInformation(long valueDigits, int exponent, int currencyCode) {
        writer.beginGroup(AvpCode.COST_INFORMATION);
        writer.beginGroup(AvpCode.UNIT_VALUE);
        writer.unsigned64(AvpCode.VALUE_DIGITS, valueDigits);
        if (exponent != 0) {
            writer.integer32(AvpCode.EXPONENT, exponent);
        }
        writer.endGroup();
        writer.unsigned32(AvpCode.CURRENCY_CODE, currencyCode);
        writer.endGroup();
        return this;
    }

    public CreditControlAnswerWriter checkBalanceResult(int result) {
        writer.enumerated(AvpCode.CHECK_BALANCE_RESULT, result);
        return this;
    }

    public CreditControlAnswerWriter requestedAction(int action) {
        writer.enumerated(AvpCode.REQUESTED_ACTION, action);
        return this;
    }

    /** Top-level Granted-Service-Unit of a single-service (no MSCC) answer, e.g. an SMS event. */
    public DiameterWriter raw() {
        return writer;
    }

    public ByteBuf end() {
        return writer.end();
    }
}
