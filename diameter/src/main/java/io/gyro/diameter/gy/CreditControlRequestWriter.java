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
 * Writes Credit-Control-Requests as a PGW/GGSN (or an SMSC, an IMS node) would send them
 * (RFC 4006 §3.1, TS 32.299 §6.4.2). Used by the load generator and the tests; reusable by one
 * thread.
 */
public final class CreditControlRequestWriter {
    private final DiameterWriter writer = new DiameterWriter();
    private boolean serviceInformationOpen;

    public CreditControlRequestWriter begin(ByteBuf out, int hopByHop, int endToEnd, CharSequence sessionId,
                                            byte[] originHost, byte[] originRealm, CharSequence destinationRealm,
                                            CharSequence serviceContextId, int ccRequestType, long ccRequestNumber) {
        serviceInformationOpen = false;
        writer.begin(out, DiameterHeader.FLAG_REQUEST | DiameterHeader.FLAG_PROXIABLE, CommandCode.CREDIT_CONTROL,
                ApplicationId.CREDIT_CONTROL, hopByHop, endToEnd);
        writer.utf8(AvpCode.SESSION_ID, sessionId);
        writer.octets(AvpCode.ORIGIN_HOST, originHost);
        writer.octets(AvpCode.ORIGIN_REALM, originRealm);
        writer.utf8(AvpCode.DESTINATION_REALM, destinationRealm);
        writer.unsigned32(AvpCode.AUTH_APPLICATION_ID, ApplicationId.CREDIT_CONTROL);
        writer.utf8(AvpCode.SERVICE_CONTEXT_ID, serviceContextId);
        writer.enumerated(AvpCode.CC_REQUEST_TYPE, ccRequestType);
        writer.unsigned32(AvpCode.CC_REQUEST_NUMBER, ccRequestNumber);
        return this;
    }

    /** Subscription-Id of the given type (END_USER_E164 for an MSISDN, END_USER_IMSI). */
    public CreditControlRequestWriter subscriptionId(int type, CharSequence data) {
        writer.beginGroup(AvpCode.SUBSCRIPTION_ID)
                .enumerated(AvpCode.SUBSCRIPTION_ID_TYPE, type)
                .utf8(AvpCode.SUBSCRIPTION_ID_DATA, data)
                .endGroup();
        return this;
    }

    public CreditControlRequestWriter msisdn(long msisdn) {
        return subscriptionId(Enumerations.END_USER_E164, digits(msisdn));
    }

    public CreditControlRequestWriter requestedAction(int action) {
        writer.enumerated(AvpCode.REQUESTED_ACTION, action);
        return this;
    }

    public CreditControlRequestWriter eventTimestamp(long epochMillis) {
        writer.time(AvpCode.EVENT_TIMESTAMP, epochMillis);
        return this;
    }

    public CreditControlRequestWriter multipleServicesIndicator() {
        writer.enumerated(AvpCode.MULTIPLE_SERVICES_INDICATOR, Enumerations.MULTIPLE_SERVICES_SUPPORTED);
        return this;
    }

    public CreditControlRequestWriter terminationCause(int cause) {
        writer.enumerated(AvpCode.TERMINATION_CAUSE, cause);
        return this;
    }

    public CreditControlRequestWriter beginMscc(long ratingGroup, long serviceIdentifier) {
        closeServiceInformation();
        writer.beginGroup(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL);
        if (serviceIdentifier >= 0) {
            writer.unsigned32(AvpCode.SERVICE_IDENTIFIER, serviceIdentifier);
        }
        if (ratingGroup >= 0) {
            writer.unsigned32(AvpCode.RATING_GROUP, ratingGroup);
        }
        return this;
    }

    /** An empty Requested-Service-Unit: the server chooses the quota (RFC 4006 §8.18). */
    public CreditControlRequestWriter requestedEmpty() {
        writer.beginGroup(AvpCode.REQUESTED_SERVICE_UNIT).endGroup();
        return this;
    }

    public CreditControlRequestWriter requestedOctets(long octets) {
        writer.beginGroup(AvpCode.REQUESTED_SERVICE_UNIT).unsigned64(AvpCode.CC_TOTAL_OCTETS, octets).endGroup();
        return this;
    }

    public CreditControlRequestWriter requestedTime(long seconds) {
        writer.beginGroup(AvpCode.REQUESTED_SERVICE_UNIT).unsigned32(AvpCode.CC_TIME, seconds).endGroup();
        return this;
    }

    public CreditControlRequestWriter requestedUnits(long units) {
        writer.beginGroup(AvpCode.REQUESTED_SERVICE_UNIT).unsigned64(AvpCode.CC_SERVICE_SPECIFIC_UNITS, units).endGroup();
        return this;
    }

    /** Used-Service-Unit with octets in and out, and a 3GPP Reporting-Reason (-1 for none). */
    public CreditControlRequestWriter usedOctets(long input, long output, int reportingReason) {
        writer.beginGroup(AvpCode.USED_SERVICE_UNIT)
                .unsigned64(AvpCode.CC_TOTAL_OCTETS, input + output)
                .unsigned64(AvpCode.CC_INPUT_OCTETS, input)
                .unsigned64(AvpCode.CC_OUTPUT_OCTETS, output);
        if (reportingReason >= 0) {
            writer.enumerated(AvpCode.REPORTING_REASON, VendorId.TGPP, reportingReason);
        }
        writer.endGroup();
        return this;
    }

    /**
     * Used-Service-Unit of {@code octets} with Tariff-Change-Usage (RFC 4006 §8.27: 0 UNIT_BEFORE_TARIFF_CHANGE,
     * 1 UNIT_AFTER_TARIFF_CHANGE, 2 UNIT_INDETERMINATE), as a client that splits usage at a Tariff-Time-Change sends it.
     */
    public CreditControlRequestWriter usedOctetsAtTariffChange(long octets, int tariffChangeUsage) {
        writer.beginGroup(AvpCode.USED_SERVICE_UNIT)
                .enumerated(TARIFF_CHANGE_USAGE, tariffChangeUsage)
                .unsigned64(AvpCode.CC_TOTAL_OCTETS, octets)
                .endGroup();
        return this;
    }

    private static final int TARIFF_CHANGE_USAGE = 452;

    public CreditControlRequestWriter usedTime(long seconds, int reportingReason) {
        writer.beginGroup(AvpCode.USED_SERVICE_UNIT).unsigned32(AvpCode.CC_TIME, seconds);
        if (reportingReason >= 0) {
            writer.enumerated(AvpCode.REPORTING_REASON, VendorId.TGPP, reportingReason);
        }
        writer.endGroup();
        return this;
    }

    public CreditControlRequestWriter usedUnits(long units) {
        writer.beginGroup(AvpCode.USED_SERVICE_UNIT).unsigned64(AvpCode.CC_SERVICE_SPECIFIC_UNITS, units).endGroup();
        return this;
    }

    /** Reporting-Reason at MSCC level (TS 32.299: FINAL, QUOTA_EXHAUSTED, ...). */
    public CreditControlRequestWriter reportingReason(int reason) {
        writer.enumerated(AvpCode.REPORTING_REASON, VendorId.TGPP, reason);
        return this;
    }

    public CreditControlRequestWriter endMscc() {
        writer.endGroup();
        return this;
    }

    /** Top-level Rating-Group for single-service requests (no MSCC). */
    public CreditControlRequestWriter ratingGroup(long ratingGroup) {
        writer.unsigned32(AvpCode.RATING_GROUP, ratingGroup);
        return this;
    }

    private void openServiceInformation() {
        if (!serviceInformationOpen) {
            writer.beginGroup(AvpCode.SERVICE_INFORMATION, VendorId.TGPP);
            serviceInformationOpen = true;
        }
    }

    /** Service-Information/PS-Information/3GPP-SGSN-MCC-MNC: the visited network when roaming. */
    public CreditControlRequestWriter visitedNetwork(CharSequence mccMnc) {
        openServiceInformation();
        writer.beginGroup(AvpCode.PS_INFORMATION, VendorId.TGPP)
                .utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, mccMnc)
                .endGroup();
        return this;
    }

    /**
     * Service-Information/PS-Information with the APN (Called-Station-Id) and, when not null, the
     * 3GPP-User-Location-Info octets (TS 29.061 §16.4.7.2: location type, then the PLMN in TBCD, then the cell).
     */
    public CreditControlRequestWriter psInformation(CharSequence apn, byte[] userLocationInfo) {
        openServiceInformation();
        writer.beginGroup(AvpCode.PS_INFORMATION, VendorId.TGPP);
        if (apn != null) {
            writer.utf8(AvpCode.CALLED_STATION_ID, apn);
        }
        if (userLocationInfo != null) {
            writer.octets(AvpCode.TGPP_USER_LOCATION_INFO, VendorId.TGPP, userLocationInfo, 0, userLocationInfo.length);
        }
        writer.endGroup();
        return this;
    }

    /** Service-Information/IMS-Information/Called-Party-Address (voice). */
    public CreditControlRequestWriter calledParty(CharSequence address) {
        openServiceInformation();
        writer.beginGroup(AvpCode.IMS_INFORMATION, VendorId.TGPP)
                .utf8(AvpCode.CALLED_PARTY_ADDRESS, VendorId.TGPP, address)
                .endGroup();
        return this;
    }

    /**
     * Service-Information/IMS-Information as an S-CSCF sends it for a VoLTE call (TS 32.299 §7.2.77):
     * Node-Functionality S-CSCF, Role-of-Node (0 originating, 1 terminating, 2 forwarding; -1 leaves it out), and
     * Calling-/Called-Party-Address (null leaves one out). On the terminating leg the called party is our subscriber.
     */
    public CreditControlRequestWriter imsInformation(int roleOfNode, CharSequence callingParty,
                                                     CharSequence calledParty) {
        openServiceInformation();
        writer.beginGroup(AvpCode.IMS_INFORMATION, VendorId.TGPP)
                .enumerated(NODE_FUNCTIONALITY, VendorId.TGPP, NODE_FUNCTIONALITY_S_CSCF);
        if (roleOfNode >= 0) {
            writer.enumerated(ROLE_OF_NODE, VendorId.TGPP, roleOfNode);
        }
        if (callingParty != null) {
            writer.utf8(AvpCode.CALLING_PARTY_ADDRESS, VendorId.TGPP, callingParty);
        }
        if (calledParty != null) {
            writer.utf8(AvpCode.CALLED_PARTY_ADDRESS, VendorId.TGPP, calledParty);
        }
        writer.endGroup();
        return this;
    }

    /** Role-of-Node and Node-Functionality (TS 32.299 §7.2), in IMS-Information; Node-Functionality 0 is S-CSCF. */
    private static final int ROLE_OF_NODE = 829;
    private static final int NODE_FUNCTIONALITY = 862;
    private static final int NODE_FUNCTIONALITY_S_CSCF = 0;

    /** Service-Information/SMS-Information/Recipient-Address/Address-Data (SMS). */
    public CreditControlRequestWriter smsRecipient(CharSequence address) {
        openServiceInformation();
        writer.beginGroup(AvpCode.SMS_INFORMATION, VendorId.TGPP)
                .beginGroup(AvpCode.RECIPIENT_ADDRESS, VendorId.TGPP)
                .utf8(AvpCode.ADDRESS_DATA, VendorId.TGPP, address)
                .endGroup()
                .endGroup();
        return this;
    }

    public DiameterWriter raw() {
        return writer;
    }

    private void closeServiceInformation() {
        if (serviceInformationOpen) {
            writer.endGroup();
            serviceInformationOpen = false;
        }
    }

    public ByteBuf end() {
        closeServiceInformation();
        return writer.end();
    }

    private final StringBuilder digits = new StringBuilder(20);

    private CharSequence digits(long value) {
        digits.setLength(0);
        return digits.append(value);
    }
}
