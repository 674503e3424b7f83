package io.gyro.diameter.gy;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.DiameterWriter;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.AvpDictionary;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Grammar;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * A Credit-Control-Request (RFC 4006 §3.1, TS 32.299 §6.4.2) decoded into primitive fields of
 * a reusable object. Strings stay in the frame as (offset, length) pairs; numbers such as the
 * MSISDN, IMSI and MCC-MNC are parsed from their digits. The frame must stay alive (retained)
 * while the fields that point into it are read.
 *
 * <p>Requests without MSCC (RFC 4006 single-service form, common for SMS events) are presented
 * as one implicit MSCC built from the top-level Requested/Used-Service-Unit, Rating-Group and
 * Service-Identifier, with {@link #singleService} set.
 *
 * <p>The message must already have passed {@link io.gyro.diameter.codec.MessageValidator}, so
 * fixed-size AVPs have their sizes. Reused by one thread; {@link #decode} allocates nothing.
 */
public final class CreditControlRequest {
    public static final int MAX_MSCC = 16;
    /** Tariff-Change-Usage (RFC 4006 §8.27), in a Used-Service-Unit: 0 before, 1 after the change, 2 indeterminate. */
    private static final int TARIFF_CHANGE_USAGE = 452;
    private static final int UNIT_AFTER_TARIFF_CHANGE = 1;
    /** Reads the frame for every level of the message, and its header. */
    private final AvpReader message = new AvpReader();

    /*
     * Header words (RFC 6733 §3): Version and Message Length at 0, Command Flags and Command Code
     * at 4, Application-ID at 8, Hop-by-Hop Identifier at 12, End-to-End Identifier at 16.
     */
    private static final int FLAGS_AND_COMMAND = 4;
    private static final int HOP_BY_HOP = 12;
    private static final int END_TO_END = 16;
    private static final int RETRANSMITTED_BIT = DiameterHeader.FLAG_RETRANSMITTED << 24;

    public ByteBuf frame;
    public int hopByHop;
    public int endToEnd;
    public boolean retransmitted;

    public int sessionIdOffset;
    public int sessionIdLength;
    public int originHostOffset;
    public int originHostLength;
    public int serviceContextIdOffset;
    public int serviceContextIdLength;

    public int ccRequestType;
    public long ccRequestNumber;
    /** Requested-Action of an EVENT request, -1 when absent (RFC 4006 §8.41 default DIRECT_DEBITING). */
    public int requestedAction;
    public boolean multipleServicesIndicator;
    /** Event-Timestamp as Unix epoch milliseconds, or -1. */
    public long eventTimestampMs;
    /** Subscription-Id of type END_USER_E164 / END_USER_IMSI parsed from digits, or -1. */
    public long msisdn;
    public long imsi;
    /** 3GPP-SGSN-MCC-MNC digits as a number (46001), or -1 when absent (home network). */
    public int sgsnMccMnc;
    /**
     * The PLMN (MCC-MNC as a number, like {@link #sgsnMccMnc}) of the 3GPP-User-Location-Info's cell, tracking
     * area or routing area (TS 29.061 §16.4.7.2), or -1 when absent or of an unknown location type.
     */
    public int userLocationMccMnc;
    /** Called-Station-Id (the APN, RFC 7155 §4.2.1 / TS 32.299 §7.2.33), top level or in PS-Information, or length 0. */
    public int calledStationIdOffset;
    public int calledStationIdLength;
    /** RAT-Type (TS 29.212 §5.3.31: 1000 UTRAN, 1004 EUTRAN, 1006 NR ...), or -1 when absent. */
    public int ratType;
    /** The 3GPP-RAT-Type octet (TS 29.061 §16.4.7.2: 1 UTRAN, 6 EUTRAN, 10 NR ...), or -1 when absent. */
    public int tgppRatType;
    /** Role-of-Node of IMS-Information (0 originating, 1 terminating), or -1 when absent. */
    public int roleOfNode;
    /** The Auth-Application-Id AVP's value, or -1 when absent; RFC 4006 §3.1 wants the header's (4). */
    public long authApplicationId;
    private int authApplicationIdAt;
    private int authApplicationIdLength;
    /** Called-Party-Address (IMS) or the SMS recipient's Address-Data, or length 0. */
    public int calledPartyOffset;
    public int calledPartyLength;
    /**
     * The SMS recipient's Address-Type is MSISDN and its digits carry no international prefix: they are an
     * international number (country code first), to be rated as if written with '+'.
     */
    public boolean calledPartyInternational;
    public int terminationCause;

    public int msccCount;
    public boolean singleService;
    public final long[] ratingGroup = new long[MAX_MSCC];
    public final long[] serviceIdentifier = new long[MAX_MSCC];
    public final boolean[] rsuPresent = new boolean[MAX_MSCC];
    /** Requested units by kind, -1 when the RSU does not name that kind (an empty RSU leaves all -1). */
    public final long[] rsuTotalOctets = new long[MAX_MSCC];
    public final long[] rsuTime = new long[MAX_MSCC];
    public final long[] rsuServiceSpecificUnits = new long[MAX_MSCC];
    public final boolean[] usuPresent = new boolean[MAX_MSCC];
    /** Used units summed over every USU of the MSCC (CC-Total-Octets, or input + output). */
    public final long[] usuTotalOctets = new long[MAX_MSCC];
    public final long[] usuTime = new long[MAX_MSCC];
    public final long[] usuServiceSpecificUnits = new long[MAX_MSCC];
    /** Reporting-Reason from the MSCC or its USU, -1 when absent. */
    public final int[] reportingReason = new int[MAX_MSCC];
    /**
     * The part of the used units (already counted in usu*) reported in Used-Service-Units marked
     * Tariff-Change-Usage UNIT_AFTER_TARIFF_CHANGE (RFC 4006 §8.27, TS 32.299 §5.1.2.2.2): to be priced at the band
     * after the Tariff-Time-Change of the grant.
     */
    public final long[] usuAfterChangeTotalOctets = new long[MAX_MSCC];
    public final long[] usuAfterChangeTime = new long[MAX_MSCC];
    public final long[] usuAfterChangeServiceSpecificUnits = new long[MAX_MSCC];

    /**
     * Whether the last decode wrote the implicit MSCC (the last slot, where a single-service
     * request's top-level units are read): it is cleared again only then, which saves clearing
     * it for every MSCC request. Nothing else writes it.
     */
    private boolean implicitWritten;

    public CreditControlRequest() {
        clearMscc(MAX_MSCC - 1);
    }

    /** Every field but {@link #frame}, which the caller sets next. */
    private void clear() {
        sessionIdOffset = sessionIdLength = 0;
        originHostOffset = originHostLength = 0;
        serviceContextIdOffset = serviceContextIdLength = 0;
        ccRequestType = 0;
        ccRequestNumber = -1;
        requestedAction = -1;
        multipleServicesIndicator = false;
        eventTimestampMs = -1;
        msisdn = -1;
        imsi = -1;
        sgsnMccMnc = -1;
        userLocationMccMnc = -1;
        calledStationIdOffset = calledStationIdLength = 0;
        ratType = -1;
        tgppRatType = -1;
        roleOfNode = -1;
        authApplicationId = -1;
        authApplicationIdAt = authApplicationIdLength = 0;
        calledPartyOffset = calledPartyLength = 0;
        calledPartyInternational = false;
        terminationCause = -1;
        msccCount = 0;
        singleService = false;
    }

    private void clearMscc(int i) {
        ratingGroup[i] = -1;
        serviceIdentifier[i] = -1;
        rsuPresent[i] = false;
        rsuTotalOctets[i] = rsuTime[i] = rsuServiceSpecificUnits[i] = -1;
        usuPresent[i] = false;
        usuTotalOctets[i] = usuTime[i] = usuServiceSpecificUnits[i] = 0;
        usuAfterChangeTotalOctets[i] = usuAfterChangeTime[i] = usuAfterChangeServiceSpecificUnits[i] = 0;
        reportingReason[i] = -1;
    }

    /**
     * Decodes the validated CCR at {@code offset}. Returns false with {@code error} filled
     * (5004 DIAMETER_INVALID_AVP_VALUE, 5009 too many MSCC) when a value is unacceptable.
     *
     * <p>Every level of the message is walked with its cursor in local variables
     * ({@link AvpReader#headerAt}): reading an AVP stores nothing but the decoded fields, and a
     * grouped AVP is a (from, to) pair, not a second reader. A broken header ends its run, as it
     * ends a {@link AvpReader#readAt} loop.
     */
    public boolean decode(ByteBuf buf, int offset, Validation error) {
        clear();
        error.reset();
        frame = buf;
        // The reader covers the header too, so that the ids and flags are raw reads of a direct frame.
        int end = offset + DiameterHeader.messageLength(buf, offset);
        AvpReader m = message.wrap(buf, offset, end);
        hopByHop = m.integer32At(offset + HOP_BY_HOP);
        endToEnd = m.integer32At(offset + END_TO_END);
        retransmitted = (m.integer32At(offset + FLAGS_AND_COMMAND) & RETRANSMITTED_BIT) != 0;
        long topRatingGroup = -1;
        long topServiceIdentifier = -1;
        boolean topUnits = false;
        int implicit = MAX_MSCC - 1;
        if (implicitWritten) {
            clearMscc(implicit);
            implicitWritten = false;
        }

        for (int at = offset + DiameterHeader.LENGTH, next; at < end; at = next) {
            long header = m.headerAt(at, end);
            if (header == AvpReader.MALFORMED) {
                break;
            }
            next = AvpReader.nextAt(at, header);
            long vendor = m.vendorAt(at, header);
            int code = AvpReader.code(header);
            int data = at + AvpReader.headerLength(header);
            if (vendor != VendorId.IETF) {
                if (vendor == VendorId.TGPP) {
                    if (code == AvpCode.SERVICE_INFORMATION) {
                        ServiceInformation.read(this, m, data, at + AvpReader.avpLength(header));
                    } else {
                        ServiceInformation.network(this, m, code, data, at + AvpReader.avpLength(header));
                    }
                }
                continue;
            }
            switch (code) {
                case AvpCode.SESSION_ID:
                    sessionIdOffset = data;
                    sessionIdLength = at + AvpReader.avpLength(header) - data;
                    break;
                case AvpCode.ORIGIN_HOST:
                    originHostOffset = data;
                    originHostLength = at + AvpReader.avpLength(header) - data;
                    break;
                case AvpCode.AUTH_APPLICATION_ID:
                    authApplicationId(m, at, header, data);
                    break;
                case AvpCode.CALLED_STATION_ID:
                    calledStationIdOffset = data;
                    calledStationIdLength = at + AvpReader.avpLength(header) - data;
                    break;
                case AvpCode.SERVICE_CONTEXT_ID:
                    serviceContextIdOffset = data;
                    serviceContextIdLength = at + AvpReader.avpLength(header) - data;
                    break;
                case AvpCode.CC_REQUEST_TYPE:
                    ccRequestType = m.integer32At(data);
                    if (ccRequestType < Enumerations.INITIAL_REQUEST || ccRequestType > Enumerations.EVENT_REQUEST) {
                        return invalid(error, at, header, "CC-Request-Type must be 1..4");
                    }
                    break;
                case AvpCode.CC_REQUEST_NUMBER:
                    ccRequestNumber = m.unsigned32At(data);
                    break;
                case AvpCode.REQUESTED_ACTION:
                    requestedAction = m.integer32At(data);
                    if (requestedAction < Enumerations.DIRECT_DEBITING || requestedAction > Enumerations.PRICE_ENQUIRY) {
                        return invalid(error, at, header, "Requested-Action must be 0..3");
                    }
                    break;
                case AvpCode.MULTIPLE_SERVICES_INDICATOR:
                    multipleServicesIndicator = m.integer32At(data) == Enumerations.MULTIPLE_SERVICES_SUPPORTED;
                    break;
                case AvpCode.EVENT_TIMESTAMP:
                    eventTimestampMs = ntpSecondsToEpochMillis(m.unsigned32At(data));
                    break;
                case AvpCode.TERMINATION_CAUSE:
                    terminationCause = m.integer32At(data);
                    break;
                case AvpCode.SUBSCRIPTION_ID:
                    if (!subscriptionId(m, data, at + AvpReader.avpLength(header))) {
                        return invalid(error, at, header, "Subscription-Id-Type must be 0..4");
                    }
                    break;
                case AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL:
                    if (msccCount == MAX_MSCC - 1) {
                        error.failAvp(ResultCode.DIAMETER_AVP_OCCURS_TOO_MANY_TIMES, at, AvpReader.avpLength(header),
                                "too many Multiple-Services-Credit-Control AVPs");
                        return false;
                    }
                    clearMscc(msccCount);
                    mscc(m, data, at + AvpReader.avpLength(header), msccCount);
                    msccCount++;
                    break;
                case AvpCode.RATING_GROUP:
                    topRatingGroup = m.unsigned32At(data);
                    break;
                case AvpCode.SERVICE_IDENTIFIER:
                    topServiceIdentifier = m.unsigned32At(data);
                    break;
                case AvpCode.REQUESTED_SERVICE_UNIT:
                    implicitWritten = true;
                    rsuPresent[implicit] = true;
                    topUnits = true;
                    units(m, data, at + AvpReader.avpLength(header), implicit, true);
                    break;
                case AvpCode.USED_SERVICE_UNIT:
                    implicitWritten = true;
                    usuPresent[implicit] = true;
                    topUnits = true;
                    units(m, data, at + AvpReader.avpLength(header), implicit, false);
                    break;
                default:
                    break;
            }
        }
        if (!authApplicationIdAgrees(buf, offset)) {
            // RFC 4006 §3.1: the Auth-Application-Id of a CCR is 4, the Application-Id of its header; one that
            // contradicts the header is a bad value (RFC 6733 §7.1.5, 5004), named in Failed-AVP.
            error.failAvp(ResultCode.DIAMETER_INVALID_AVP_VALUE, authApplicationIdAt, authApplicationIdLength,
                    "Auth-Application-Id contradicts the header's Application-Id");
            return false;
        }
        if (msccCount == 0 && (topUnits || topRatingGroup >= 0 || topServiceIdentifier >= 0
                || ccRequestType == Enumerations.EVENT_REQUEST)) {
            copyImplicit(implicit, topRatingGroup, topServiceIdentifier);
        }
        return true;
    }

    private void authApplicationId(AvpReader m, int at, long header, int data) {
        authApplicationId = m.unsigned32At(data);
        authApplicationIdAt = at;
        authApplicationIdLength = AvpReader.avpLength(header);
    }

    private boolean authApplicationIdAgrees(ByteBuf buf, int offset) {
        return authApplicationId < 0
                || authApplicationId == (DiameterHeader.applicationId(buf, offset) & 0xffff_ffffL);
    }

    /**
     * The visited network for roaming: 3GPP-SGSN-MCC-MNC (the serving node's PLMN), else the PLMN of the
     * 3GPP-User-Location-Info, else -1 (home).
     */
    public int visitedMccMnc() {
        return sgsnMccMnc >= 0 ? sgsnMccMnc : userLocationMccMnc;
    }

    /** {@link #validateAndDecode}: the message is valid and decoded; both Validations are reset. */
    public static final int DECODED = 0;
    /** {@link #validateAndDecode}: {@link MessageValidator} refuses the message, as {@code validation} says; no fields are decoded. */
    public static final int INVALID = 1;
    /** {@link #validateAndDecode}: the message is valid, but {@link #decode} refuses a value, as {@code error} says. */
    public static final int REFUSED = 2;

    /** The top-level AVPs RFC 4006 §3.1 requires of a CCR, as {@link Grammar#requiredBit}s. */
    private static final long CCR_REQUIRED = requiredBits(Grammar.required(CommandCode.CREDIT_CONTROL, true));
    /** The top-level AVPs a CCR carries at most once (RFC 4006 §3.1), as {@link Grammar#singleBit}s. */
    private static final long CCR_SINGLE = Grammar.singleInstance(CommandCode.CREDIT_CONTROL, true);
    /** Subscription-Id-Type and Subscription-Id-Data (RFC 4006 §8.46). */
    private static final long SUBSCRIPTION_ID_REQUIRED =
            requiredBits(Grammar.requiredMembers(VendorId.IETF, AvpCode.SUBSCRIPTION_ID));

    private static long requiredBits(int[] codes) {
        long bits = 0;
        for (int code : codes) {
            bits |= Grammar.requiredBit(code);
        }
        return bits;
    }

    /**
     * What the event loop does with a CCR, in one walk: {@code validator.validate(buf, offset,
     * validation)} and, when that passes, {@code decode(buf, offset, error)}, with the same
     * outcome, the same Validations and the same fields as those two calls.
     *
     * <p>The walk checks each AVP as it decodes it (framing, the length of fixed-size types,
     * unknown mandatory AVPs, Address data, nesting, required AVPs and members) and hands the
     * groups the decoder does not read to {@link MessageValidator#groupValid}. At the first thing
     * that is not a valid, acceptable CCR request it gives up and runs the two calls instead, so
     * every refusal, and every exception of a frame shorter than its length field, comes from the
     * same code as before; only a well-formed CCR is read once.
     */
    public int validateAndDecode(ByteBuf buf, int offset, MessageValidator validator, Validation validation,
            Validation error) {
        if (onePass(buf, offset, validation)) {
            validation.reset();
            error.reset();
            return DECODED;
        }
        if (!validator.validate(buf, offset, validation).ok()) {
            return INVALID;
        }
        return decode(buf, offset, error) ? DECODED : REFUSED;
    }

    /**
     * The single walk of {@link #validateAndDecode}; false as soon as the message is not a valid
     * CCR request that {@link #decode} accepts, leaving the fields and {@code scratch} unspecified.
     * Reads only inside [offset, offset + length) of a live buffer that holds all of it, so it
     * never throws. Package-private so that the tests can tell that the single walk was taken.
     */
    boolean onePass(ByteBuf buf, int offset, Validation scratch) {
        if (offset < 0 || offset > buf.capacity() - DiameterHeader.LENGTH || buf.refCnt() == 0) {
            return false;
        }
        int length = DiameterHeader.messageLength(buf, offset);
        if (length < DiameterHeader.LENGTH || length > buf.capacity() - offset) {
            return false;
        }
        int end = offset + length;
        AvpReader m = message.wrap(buf, offset, end);
        int flagsAndCommand = m.integer32At(offset + FLAGS_AND_COMMAND);
        int flags = flagsAndCommand >>> 24;
        // RFC 6733 §3: version 1, R set, E and the reserved bits clear; Credit-Control (RFC 4006 §3.1).
        if (m.integer32At(offset) >>> 24 != DiameterHeader.VERSION
                || (flags & (DiameterHeader.FLAG_REQUEST | DiameterHeader.FLAG_ERROR | DiameterHeader.FLAGS_RESERVED))
                        != DiameterHeader.FLAG_REQUEST
                || (flagsAndCommand & 0xff_ffff) != CommandCode.CREDIT_CONTROL) {
            return false;
        }
        clear();
        frame = buf;
        hopByHop = m.integer32At(offset + HOP_BY_HOP);
        endToEnd = m.integer32At(offset + END_TO_END);
        retransmitted = (flagsAndCommand & RETRANSMITTED_BIT) != 0;
        long topRatingGroup = -1;
        long topServiceIdentifier = -1;
        boolean topUnits = false;
        int implicit = MAX_MSCC - 1;
        if (implicitWritten) {
            clearMscc(implicit);
            implicitWritten = false;
        }
        long seen = 0;
        long seenOnce = 0;

        for (int at = offset + DiameterHeader.LENGTH, next; at < end; at = next) {
            long header = m.headerAt(at, end);
            if (header == AvpReader.MALFORMED) {
                return false;
            }
            next = AvpReader.nextAt(at, header);
            long vendor = m.vendorAt(at, header);
            int code = AvpReader.code(header);
            int kind = kind(buf, at, header, vendor, code);
            if (kind <= SKIP) {
                if (kind == FAIL) {
                    return false;
                }
                continue;
            }
            int data = at + AvpReader.headerLength(header);
            int avpEnd = at + AvpReader.avpLength(header);
            if (vendor != VendorId.IETF) {
                if (vendor == VendorId.TGPP && kind == PLAIN) {
                    ServiceInformation.network(this, m, code, data, avpEnd);
                } else if (kind == GROUP) {
                    if (!MessageValidator.groupValid(m, buf, vendor, code, at, data, avpEnd, 0, scratch)) {
                        return false;
                    }
                    if (vendor == VendorId.TGPP && code == AvpCode.SERVICE_INFORMATION) {
                        ServiceInformation.read(this, m, data, avpEnd);
                    }
                }
                continue;
            }
            seen |= Grammar.requiredBit(code);
            long once = Grammar.singleBit(code) & CCR_SINGLE;
            if ((seenOnce & once) != 0) {
                return false; // a second single-instance AVP: the validator answers 5009
            }
            seenOnce |= once;
            switch (code) {
                case AvpCode.SESSION_ID:
                    sessionIdOffset = data;
                    sessionIdLength = avpEnd - data;
                    break;
                case AvpCode.ORIGIN_HOST:
                    originHostOffset = data;
                    originHostLength = avpEnd - data;
                    break;
                case AvpCode.AUTH_APPLICATION_ID:
                    authApplicationId(m, at, header, data);
                    break;
                case AvpCode.CALLED_STATION_ID:
                    calledStationIdOffset = data;
                    calledStationIdLength = avpEnd - data;
                    break;
                case AvpCode.SERVICE_CONTEXT_ID:
                    serviceContextIdOffset = data;
                    serviceContextIdLength = avpEnd - data;
                    break;
                case AvpCode.CC_REQUEST_TYPE:
                    ccRequestType = m.integer32At(data);
                    if (ccRequestType < Enumerations.INITIAL_REQUEST || ccRequestType > Enumerations.EVENT_REQUEST) {
                        return false;
                    }
                    break;
                case AvpCode.CC_REQUEST_NUMBER:
                    ccRequestNumber = m.unsigned32At(data);
                    break;
                case AvpCode.REQUESTED_ACTION:
                    requestedAction = m.integer32At(data);
                    if (requestedAction < Enumerations.DIRECT_DEBITING || requestedAction > Enumerations.PRICE_ENQUIRY) {
                        return false;
                    }
                    break;
                case AvpCode.MULTIPLE_SERVICES_INDICATOR:
                    multipleServicesIndicator = m.integer32At(data) == Enumerations.MULTIPLE_SERVICES_SUPPORTED;
                    break;
                case AvpCode.EVENT_TIMESTAMP:
                    eventTimestampMs = ntpSecondsToEpochMillis(m.unsigned32At(data));
                    break;
                case AvpCode.TERMINATION_CAUSE:
                    terminationCause = m.integer32At(data);
                    break;
                case AvpCode.SUBSCRIPTION_ID:
                    if (!checkedSubscriptionId(m, buf, data, avpEnd, scratch)) {
                        return false;
                    }
                    break;
                case AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL:
                    if (msccCount == MAX_MSCC - 1) {
                        return false;
                    }
                    clearMscc(msccCount);
                    if (!checkedMscc(m, buf, data, avpEnd, msccCount, scratch)) {
                        return false;
                    }
                    msccCount++;
                    break;
                case AvpCode.RATING_GROUP:
                    topRatingGroup = m.unsigned32At(data);
                    break;
                case AvpCode.SERVICE_IDENTIFIER:
                    topServiceIdentifier = m.unsigned32At(data);
                    break;
                case AvpCode.REQUESTED_SERVICE_UNIT:
                    implicitWritten = true;
                    rsuPresent[implicit] = true;
                    topUnits = true;
                    if (!checkedUnits(m, buf, data, avpEnd, implicit, true, 1, scratch)) {
                        return false;
                    }
                    break;
                case AvpCode.USED_SERVICE_UNIT:
                    implicitWritten = true;
                    usuPresent[implicit] = true;
                    topUnits = true;
                    if (!checkedUnits(m, buf, data, avpEnd, implicit, false, 1, scratch)) {
                        return false;
                    }
                    break;
                default:
                    if (kind == GROUP && !MessageValidator.groupValid(m, buf, vendor, code, at, data, avpEnd, 0, scratch)) {
                        return false;
                    }
                    break;
            }
        }
        if ((seen & CCR_REQUIRED) != CCR_REQUIRED || !authApplicationIdAgrees(buf, offset)) {
            return false;
        }
        if (msccCount == 0 && (topUnits || topRatingGroup >= 0 || topServiceIdentifier >= 0
                || ccRequestType == Enumerations.EVENT_REQUEST)) {
            copyImplicit(implicit, topRatingGroup, topServiceIdentifier);
        }
        return true;
    }

    /** {@link #kind}: the AVP fails a check of {@link MessageValidator}. */
    private static final int FAIL = -1;
    /** {@link #kind}: an unknown AVP without the M bit, or a Failed-AVP, which the validator does not enter. */
    private static final int SKIP = 0;
    /** {@link #kind}: a known AVP that is not grouped, with a valid length (and Address). */
    private static final int PLAIN = 1;
    /** {@link #kind}: a grouped AVP, whose members still have to be walked. */
    private static final int GROUP = 2;

    /** The checks {@link MessageValidator} makes of one AVP before it enters a group (RFC 6733 §4.1, §4.3.1, §7.5). */
    private static int kind(ByteBuf buf, int at, long header, long vendor, int code) {
        int rule = AvpDictionary.rule(vendor, code & 0xffff_ffffL);
        int dataLength = AvpReader.avpLength(header) - AvpReader.headerLength(header);
        if (rule >= AvpDictionary.RULE_FIXED) {
            return dataLength == rule ? PLAIN : FAIL;
        }
        switch (rule) {
            case AvpDictionary.RULE_ANY_LENGTH:
                return PLAIN;
            case AvpDictionary.RULE_GROUPED:
                return code == AvpCode.FAILED_AVP && vendor == VendorId.IETF ? SKIP : GROUP;
            case AvpDictionary.RULE_ADDRESS:
                return MessageValidator.validAddress(buf, at + AvpReader.headerLength(header), dataLength) ? PLAIN : FAIL;
            default:
                return (AvpReader.flags(header) & AvpReader.FLAG_MANDATORY) != 0 ? FAIL : SKIP;
        }
    }

    /** {@link #subscriptionId} with the checks of {@link #kind}, at nesting depth 1. */
    private boolean checkedSubscriptionId(AvpReader m, ByteBuf buf, int from, int to, Validation scratch) {
        int type = -1;
        int dataOffset = 0;
        int dataLength = 0;
        long seen = 0;
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                return false;
            }
            next = AvpReader.nextAt(at, header);
            long vendor = m.vendorAt(at, header);
            int code = AvpReader.code(header);
            int kind = kind(buf, at, header, vendor, code);
            if (kind <= SKIP) {
                if (kind == FAIL) {
                    return false;
                }
                continue;
            }
            int avpEnd = at + AvpReader.avpLength(header);
            int data = at + AvpReader.headerLength(header);
            if (kind == GROUP && !MessageValidator.groupValid(m, buf, vendor, code, at, data, avpEnd, 1, scratch)) {
                return false;
            }
            if (vendor != VendorId.IETF) {
                continue;
            }
            long bit = Grammar.requiredBit(code);
            if ((seen & bit & SUBSCRIPTION_ID_REQUIRED) != 0) {
                return false; // twice: the validator answers 5009
            }
            seen |= bit;
            if (code == AvpCode.SUBSCRIPTION_ID_TYPE) {
                type = m.integer32At(data);
            } else if (code == AvpCode.SUBSCRIPTION_ID_DATA) {
                dataOffset = data;
                dataLength = avpEnd - data;
            }
        }
        if ((seen & SUBSCRIPTION_ID_REQUIRED) != SUBSCRIPTION_ID_REQUIRED
                || type < Enumerations.END_USER_E164 || type > Enumerations.END_USER_PRIVATE) {
            return false;
        }
        if (type == Enumerations.END_USER_E164) {
            msisdn = e164(m, dataOffset, dataLength);
        } else if (type == Enumerations.END_USER_IMSI) {
            imsi = m.digitsAt(dataOffset, dataLength);
        }
        return true;
    }

    /** {@link #mscc} with the checks of {@link #kind}, at nesting depth 1. */
    private boolean checkedMscc(AvpReader m, ByteBuf buf, int from, int to, int i, Validation scratch) {
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                return false;
            }
            next = AvpReader.nextAt(at, header);
            long vendor = m.vendorAt(at, header);
            int code = AvpReader.code(header);
            int kind = kind(buf, at, header, vendor, code);
            if (kind <= SKIP) {
                if (kind == FAIL) {
                    return false;
                }
                continue;
            }
            int data = at + AvpReader.headerLength(header);
            int avpEnd = at + AvpReader.avpLength(header);
            if (vendor == VendorId.IETF) {
                switch (code) {
                    case AvpCode.RATING_GROUP:
                        ratingGroup[i] = m.unsigned32At(data);
                        continue;
                    case AvpCode.SERVICE_IDENTIFIER:
                        serviceIdentifier[i] = m.unsigned32At(data);
                        continue;
                    case AvpCode.USED_SERVICE_UNIT:
                        usuPresent[i] = true;
                        if (!checkedUnits(m, buf, data, avpEnd, i, false, 2, scratch)) {
                            return false;
                        }
                        continue;
                    case AvpCode.REQUESTED_SERVICE_UNIT:
                        rsuPresent[i] = true;
                        if (!checkedUnits(m, buf, data, avpEnd, i, true, 2, scratch)) {
                            return false;
                        }
                        continue;
                    default:
                        break;
                }
            } else if (vendor == VendorId.TGPP && code == AvpCode.REPORTING_REASON) {
                reportingReason[i] = m.integer32At(data);
                continue;
            }
            if (kind == GROUP && !MessageValidator.groupValid(m, buf, vendor, code, at, data, avpEnd, 1, scratch)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #units} with the checks of {@link #kind}; its members are at nesting {@code depth}. */
    private boolean checkedUnits(AvpReader m, ByteBuf buf, int from, int to, int i, boolean requested, int depth,
            Validation scratch) {
        long total = -1;
        long in = -1;
        long out = -1;
        long time = -1;
        long events = -1;
        boolean afterChange = false;
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                return false;
            }
            next = AvpReader.nextAt(at, header);
            long vendor = m.vendorAt(at, header);
            int code = AvpReader.code(header);
            int kind = kind(buf, at, header, vendor, code);
            if (kind != PLAIN) {
                if (kind == FAIL || kind == GROUP && !MessageValidator.groupValid(m, buf, vendor, code, at,
                        at + AvpReader.headerLength(header), at + AvpReader.avpLength(header), depth, scratch)) {
                    return false;
                }
                continue;
            }
            int data = at + AvpReader.headerLength(header);
            if (vendor == VendorId.IETF) {
                switch (code) {
                    case AvpCode.CC_INPUT_OCTETS:
                        in = nonNegative(m.unsigned64At(data));
                        break;
                    case AvpCode.CC_OUTPUT_OCTETS:
                        out = nonNegative(m.unsigned64At(data));
                        break;
                    case AvpCode.CC_TOTAL_OCTETS:
                        total = nonNegative(m.unsigned64At(data));
                        break;
                    case AvpCode.CC_TIME:
                        time = m.unsigned32At(data);
                        break;
                    case AvpCode.CC_SERVICE_SPECIFIC_UNITS:
                        events = nonNegative(m.unsigned64At(data));
                        break;
                    case TARIFF_CHANGE_USAGE:
                        afterChange = m.integer32At(data) == UNIT_AFTER_TARIFF_CHANGE;
                        break;
                    default:
                        break;
                }
            } else if (vendor == VendorId.TGPP && code == AvpCode.REPORTING_REASON && !requested) {
                reportingReason[i] = m.integer32At(data);
            }
        }
        storeUnits(i, requested, total, in, out, time, events, afterChange);
        return true;
    }

    private void copyImplicit(int implicit, long rg, long si) {
        singleService = true;
        ratingGroup[0] = rg;
        serviceIdentifier[0] = si;
        rsuPresent[0] = rsuPresent[implicit];
        rsuTotalOctets[0] = rsuTotalOctets[implicit];
        rsuTime[0] = rsuTime[implicit];
        rsuServiceSpecificUnits[0] = rsuServiceSpecificUnits[implicit];
        usuPresent[0] = usuPresent[implicit];
        usuTotalOctets[0] = usuTotalOctets[implicit];
        usuTime[0] = usuTime[implicit];
        usuServiceSpecificUnits[0] = usuServiceSpecificUnits[implicit];
        reportingReason[0] = reportingReason[implicit];
        msccCount = 1;
    }

    /** Refuses the top-level AVP at {@code at}: it goes into Failed-AVP. */
    private static boolean invalid(Validation error, int at, long header, String message) {
        error.failAvp(ResultCode.DIAMETER_INVALID_AVP_VALUE, at, AvpReader.avpLength(header), message);
        return false;
    }

    /** The members [from, to) of a Subscription-Id; false when its Subscription-Id-Type is out of range. */
    private boolean subscriptionId(AvpReader m, int from, int to) {
        int type = -1;
        int dataOffset = 0;
        int dataLength = 0;
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                break;
            }
            next = AvpReader.nextAt(at, header);
            if (m.vendorAt(at, header) != VendorId.IETF) {
                continue;
            }
            int code = AvpReader.code(header);
            if (code == AvpCode.SUBSCRIPTION_ID_TYPE) {
                type = m.integer32At(at + AvpReader.headerLength(header));
            } else if (code == AvpCode.SUBSCRIPTION_ID_DATA) {
                dataOffset = at + AvpReader.headerLength(header);
                dataLength = AvpReader.avpLength(header) - AvpReader.headerLength(header);
            }
        }
        if (type < Enumerations.END_USER_E164 || type > Enumerations.END_USER_PRIVATE) {
            return false;
        }
        if (type == Enumerations.END_USER_E164) {
            msisdn = e164(m, dataOffset, dataLength);
        } else if (type == Enumerations.END_USER_IMSI) {
            imsi = m.digitsAt(dataOffset, dataLength);
        }
        return true;
    }

    /** The members [from, to) of the MSCC at index {@code i}. */
    private void mscc(AvpReader m, int from, int to, int i) {
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                break;
            }
            next = AvpReader.nextAt(at, header);
            long vendor = m.vendorAt(at, header);
            int code = AvpReader.code(header);
            int data = at + AvpReader.headerLength(header);
            if (vendor != VendorId.IETF) {
                if (vendor == VendorId.TGPP && code == AvpCode.REPORTING_REASON) {
                    reportingReason[i] = m.integer32At(data);
                }
                continue;
            }
            switch (code) {
                case AvpCode.RATING_GROUP:
                    ratingGroup[i] = m.unsigned32At(data);
                    break;
                case AvpCode.SERVICE_IDENTIFIER:
                    serviceIdentifier[i] = m.unsigned32At(data);
                    break;
                case AvpCode.REQUESTED_SERVICE_UNIT:
                    rsuPresent[i] = true;
                    units(m, data, at + AvpReader.avpLength(header), i, true);
                    break;
                case AvpCode.USED_SERVICE_UNIT:
                    usuPresent[i] = true;
                    units(m, data, at + AvpReader.avpLength(header), i, false);
                    break;
                default:
                    break;
            }
        }
    }

    /**
     * Reads CC-Time / CC-*-Octets / CC-Service-Specific-Units of the RSU or USU whose members
     * are [from, to) (used units are summed over USUs). The loop alone: what it found is stored
     * by {@link #storeUnits}, so that this method stays under C2's inlining limit
     * (FreqInlineSize, 325 bytecodes) and its loop state in registers.
     */
    private void units(AvpReader m, int from, int to, int i, boolean requested) {
        long total = -1;
        long in = -1;
        long out = -1;
        long time = -1;
        long events = -1;
        boolean afterChange = false;
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                break;
            }
            next = AvpReader.nextAt(at, header);
            long vendor = m.vendorAt(at, header);
            int code = AvpReader.code(header);
            int data = at + AvpReader.headerLength(header);
            // Vendor 0 first: a USU's CC-*-Octets outnumber its one 3GPP Reporting-Reason.
            if (vendor == VendorId.IETF) {
                switch (code) {
                    case AvpCode.CC_INPUT_OCTETS:
                        in = nonNegative(m.unsigned64At(data));
                        break;
                    case AvpCode.CC_OUTPUT_OCTETS:
                        out = nonNegative(m.unsigned64At(data));
                        break;
                    case AvpCode.CC_TOTAL_OCTETS:
                        total = nonNegative(m.unsigned64At(data));
                        break;
                    case AvpCode.CC_TIME:
                        time = m.unsigned32At(data);
                        break;
                    case AvpCode.CC_SERVICE_SPECIFIC_UNITS:
                        events = nonNegative(m.unsigned64At(data));
                        break;
                    case TARIFF_CHANGE_USAGE:
                        afterChange = m.integer32At(data) == UNIT_AFTER_TARIFF_CHANGE;
                        break;
                    default:
                        break;
                }
            } else if (vendor == VendorId.TGPP && code == AvpCode.REPORTING_REASON && !requested) {
                reportingReason[i] = m.integer32At(data);
            }
        }
        storeUnits(i, requested, total, in, out, time, events, afterChange);
    }

    /** What one RSU or USU said: an RSU's units replace, a USU's are added to the MSCC's. */
    private void storeUnits(int i, boolean requested, long total, long in, long out, long time, long events,
            boolean afterChange) {
        if (total < 0 && (in >= 0 || out >= 0)) {
            total = saturatingAdd(Math.max(in, 0), Math.max(out, 0));
        }
        if (requested) {
            rsuTotalOctets[i] = total;
            rsuTime[i] = time;
            rsuServiceSpecificUnits[i] = events;
        } else {
            addUsed(i, total, time, events);
            if (afterChange) {
                addUsedAfterChange(i, total, time, events);
            }
        }
    }

    private void addUsedAfterChange(int i, long totalOctets, long time, long events) {
        usuAfterChangeTotalOctets[i] = saturatingAdd(usuAfterChangeTotalOctets[i], Math.max(totalOctets, 0));
        usuAfterChangeTime[i] = saturatingAdd(usuAfterChangeTime[i], Math.max(time, 0));
        usuAfterChangeServiceSpecificUnits[i] = saturatingAdd(usuAfterChangeServiceSpecificUnits[i],
                Math.max(events, 0));
    }

    /** Kept apart from {@link #storeUnits} so that both stay small enough for the JIT to inline. */
    private void addUsed(int i, long totalOctets, long time, long events) {
        usuTotalOctets[i] = saturatingAdd(usuTotalOctets[i], Math.max(totalOctets, 0));
        usuTime[i] = saturatingAdd(usuTime[i], Math.max(time, 0));
        usuServiceSpecificUnits[i] = saturatingAdd(usuServiceSpecificUnits[i], Math.max(events, 0));
    }

    /**
     * Time (RFC 6733 §4.3.1) is NTP seconds, which wrap on 7 February 2036; as RFC 4330 §3 says,
     * a value with the most significant bit clear belongs to the next era (2036-2104).
     */
    static long ntpSecondsToEpochMillis(long ntpSeconds) {
        long seconds = ntpSeconds < 0x8000_0000L ? ntpSeconds + 0x1_0000_0000L : ntpSeconds;
        return (seconds - DiameterWriter.NTP_EPOCH_OFFSET_SECONDS) * 1000;
    }

    /** Sums of reported units stop at Long.MAX_VALUE: an overflow must never turn usage negative. */
    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * An END_USER_E164 Subscription-Id-Data (RFC 4006 §8.47): the international number in digits, which IMS nodes
     * write with a leading '+' (TS 23.003 §13.2 "tel:+..." form, Kamailio's ims_charging among them).
     */
    private long e164(AvpReader m, int dataOffset, int dataLength) {
        if (dataLength > 1 && frame.getByte(dataOffset) == '+') {
            return m.digitsAt(dataOffset + 1, dataLength - 1);
        }
        return m.digitsAt(dataOffset, dataLength);
    }

    /** Unsigned64 values beyond 2^63 are capped rather than read as negative numbers. */
    private static long nonNegative(long unsigned64) {
        return unsigned64 < 0 ? Long.MAX_VALUE : unsigned64;
    }

    /** True when the MSCC at {@code i} asks for units (an RSU is present, possibly empty). */
    public boolean requestsUnits(int i) {
        return rsuPresent[i];
    }

    /** Whether the Service-Context-Id equals the given ASCII text, without creating a String. */
    public boolean serviceContextIdEquals(CharSequence ascii) {
        if (ascii.length() != serviceContextIdLength) {
            return false;
        }
        for (int i = 0; i < serviceContextIdLength; i++) {
            if (frame.getByte(serviceContextIdOffset + i) != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The Session-Id as a String. Allocates: for tests and logs. */
    public String sessionIdString() {
        return frame.toString(sessionIdOffset, sessionIdLength, StandardCharsets.UTF_8);
    }

    public String serviceContextIdString() {
        return frame.toString(serviceContextIdOffset, serviceContextIdLength, StandardCharsets.UTF_8);
    }

    /** The Called-Station-Id (APN) as a String, "" when absent. Allocates: for tests and logs. */
    public String calledStationIdString() {
        return frame.toString(calledStationIdOffset, calledStationIdLength, StandardCharsets.UTF_8);
    }

    public String calledPartyString() {
        return frame.toString(calledPartyOffset, calledPartyLength, StandardCharsets.US_ASCII);
    }
}
