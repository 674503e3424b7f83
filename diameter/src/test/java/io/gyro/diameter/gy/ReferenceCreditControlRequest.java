package io.gyro.diameter.gy;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.DiameterWriter;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
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
final class ReferenceCreditControlRequest {
    public static final int MAX_MSCC = 16;

    private final AvpReader top = new AvpReader();
    private final AvpReader level1 = new AvpReader();
    private final AvpReader level2 = new AvpReader();
    private final AvpReader level3 = new AvpReader();
    private final AvpReader level4 = new AvpReader();

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
    public int userLocationMccMnc;
    public int calledStationIdOffset;
    public int calledStationIdLength;
    public int ratType;
    public int tgppRatType;
    public int roleOfNode;
    public long authApplicationId;
    /** Called-Party-Address (IMS) or the SMS recipient's Address-Data, or length 0. */
    public int calledPartyOffset;
    public int calledPartyLength;
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
    public final long[] usuAfterChangeTotalOctets = new long[MAX_MSCC];
    public final long[] usuAfterChangeTime = new long[MAX_MSCC];
    public final long[] usuAfterChangeServiceSpecificUnits = new long[MAX_MSCC];

    private void clear() {
        frame = null;
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
     */
    public boolean decode(ByteBuf buf, int offset, Validation error) {
        clear();
        error.reset();
        frame = buf;
        hopByHop = DiameterHeader.hopByHop(buf, offset);
        endToEnd = DiameterHeader.endToEnd(buf, offset);
        retransmitted = DiameterHeader.isRetransmitted(buf, offset);
        long topRatingGroup = -1;
        long topServiceIdentifier = -1;
        boolean topUnits = false;
        clearMscc(MAX_MSCC - 1);
        int implicit = MAX_MSCC - 1;

        top.wrapMessage(buf, offset, DiameterHeader.messageLength(buf, offset));
        int authAt = -1;
        int authLength = 0;
        for (int at = top.first(); (at = top.readAt(at)) != AvpReader.END; ) {
            if (top.vendorId() == VendorId.TGPP) {
                if (top.code() == AvpCode.SERVICE_INFORMATION) {
                    serviceInformation(top.enter(level1));
                } else {
                    network(top);
                }
                continue;
            }
            if (top.vendorId() != VendorId.IETF) {
                continue;
            }
            switch ((int) top.code()) {
                case AvpCode.SESSION_ID:
                    sessionIdOffset = top.dataOffset();
                    sessionIdLength = top.dataLength();
                    break;
                case AvpCode.ORIGIN_HOST:
                    originHostOffset = top.dataOffset();
                    originHostLength = top.dataLength();
                    break;
                case AvpCode.SERVICE_CONTEXT_ID:
                    serviceContextIdOffset = top.dataOffset();
                    serviceContextIdLength = top.dataLength();
                    break;
                case AvpCode.AUTH_APPLICATION_ID:
                    authApplicationId = top.unsigned32();
                    authAt = top.avpOffset();
                    authLength = top.avpLength();
                    break;
                case AvpCode.CALLED_STATION_ID:
                    calledStationIdOffset = top.dataOffset();
                    calledStationIdLength = top.dataLength();
                    break;
                case AvpCode.CC_REQUEST_TYPE:
                    ccRequestType = top.integer32();
                    if (ccRequestType < Enumerations.INITIAL_REQUEST || ccRequestType > Enumerations.EVENT_REQUEST) {
                        return invalid(error, "CC-Request-Type must be 1..4");
                    }
                    break;
                case AvpCode.CC_REQUEST_NUMBER:
                    ccRequestNumber = top.unsigned32();
                    break;
                case AvpCode.REQUESTED_ACTION:
                    requestedAction = top.integer32();
                    if (requestedAction < Enumerations.DIRECT_DEBITING || requestedAction > Enumerations.PRICE_ENQUIRY) {
                        return invalid(error, "Requested-Action must be 0..3");
                    }
                    break;
                case AvpCode.MULTIPLE_SERVICES_INDICATOR:
                    multipleServicesIndicator = top.integer32() == Enumerations.MULTIPLE_SERVICES_SUPPORTED;
                    break;
                case AvpCode.EVENT_TIMESTAMP:
                    eventTimestampMs = ntpSecondsToEpochMillis(top.unsigned32());
                    break;
                case AvpCode.TERMINATION_CAUSE:
                    terminationCause = top.integer32();
                    break;
                case AvpCode.SUBSCRIPTION_ID:
                    if (!subscriptionId(top.enter(level1), error)) {
                        return false;
                    }
                    break;
                case AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL:
                    if (msccCount == MAX_MSCC - 1) {
                        error.failAvp(ResultCode.DIAMETER_AVP_OCCURS_TOO_MANY_TIMES, top.avpOffset(), top.avpLength(),
                                "too many Multiple-Services-Credit-Control AVPs");
                        return false;
                    }
                    clearMscc(msccCount);
                    if (!mscc(top.enter(level1), msccCount, error)) {
                        return false;
                    }
                    msccCount++;
                    break;
                case AvpCode.RATING_GROUP:
                    topRatingGroup = top.unsigned32();
                    break;
                case AvpCode.SERVICE_IDENTIFIER:
                    topServiceIdentifier = top.unsigned32();
                    break;
                case AvpCode.REQUESTED_SERVICE_UNIT:
                    rsuPresent[implicit] = true;
                    topUnits = true;
                    units(top.enter(level1), implicit, true);
                    break;
                case AvpCode.USED_SERVICE_UNIT:
                    usuPresent[implicit] = true;
                    topUnits = true;
                    units(top.enter(level1), implicit, false);
                    break;
                default:
                    break;
            }
        }
        if (authApplicationId >= 0 && authApplicationId != (DiameterHeader.applicationId(buf, offset) & 0xffffffffL)) {
            error.failAvp(ResultCode.DIAMETER_INVALID_AVP_VALUE, authAt, authLength,
                    "Auth-Application-Id contradicts the header's Application-Id");
            return false;
        }
        if (msccCount == 0 && (topUnits || topRatingGroup >= 0 || topServiceIdentifier >= 0
                || ccRequestType == Enumerations.EVENT_REQUEST)) {
            copyImplicit(implicit, topRatingGroup, topServiceIdentifier);
        }
        return true;
    }

    /** 3GPP-SGSN-MCC-MNC, 3GPP-User-Location-Info, 3GPP-RAT-Type, RAT-Type (TS 29.061 §16.4.7.2, TS 29.212). */
    private void network(AvpReader r) {
        if (r.vendorId() != VendorId.TGPP) {
            return;
        }
        switch ((int) r.code()) {
            case AvpCode.TGPP_SGSN_MCC_MNC:
                sgsnMccMnc = mccMnc(r);
                break;
            case AvpCode.TGPP_USER_LOCATION_INFO:
                userLocationMccMnc = ServiceInformation.userLocationPlmn(r.buffer(), r.dataOffset(), r.dataLength());
                break;
            case AvpCode.TGPP_RAT_TYPE:
                if (r.dataLength() >= 1) {
                    tgppRatType = r.buffer().getUnsignedByte(r.dataOffset());
                }
                break;
            case 1032: // RAT-Type
                ratType = r.integer32();
                break;
            default:
                break;
        }
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

    private boolean invalid(Validation error, String message) {
        error.failAvp(ResultCode.DIAMETER_INVALID_AVP_VALUE, top.avpOffset(), top.avpLength(), message);
        return false;
    }

    private boolean subscriptionId(AvpReader r, Validation error) {
        int type = -1;
        int dataOffset = 0;
        int dataLength = 0;
        for (int at = r.first(); (at = r.readAt(at)) != AvpReader.END; ) {
            if (r.is(AvpCode.SUBSCRIPTION_ID_TYPE, VendorId.IETF)) {
                type = r.integer32();
            } else if (r.is(AvpCode.SUBSCRIPTION_ID_DATA, VendorId.IETF)) {
                dataOffset = r.dataOffset();
                dataLength = r.dataLength();
            }
        }
        if (type < Enumerations.END_USER_E164 || type > Enumerations.END_USER_PRIVATE) {
            error.failAvp(ResultCode.DIAMETER_INVALID_AVP_VALUE, top.avpOffset(), top.avpLength(),
                    "Subscription-Id-Type must be 0..4");
            return false;
        }
        if (type == Enumerations.END_USER_E164) {
            boolean plus = dataLength > 1 && r.buffer().getByte(dataOffset) == '+';
            msisdn = plus ? r.digitsAt(dataOffset + 1, dataLength - 1) : r.digitsAt(dataOffset, dataLength);
        } else if (type == Enumerations.END_USER_IMSI) {
            imsi = r.digitsAt(dataOffset, dataLength);
        }
        return true;
    }

    private boolean mscc(AvpReader r, int i, Validation error) {
        for (int at = r.first(); (at = r.readAt(at)) != AvpReader.END; ) {
            if (r.vendorId() == VendorId.TGPP) {
                if (r.code() == AvpCode.REPORTING_REASON) {
                    reportingReason[i] = r.integer32();
                }
                continue;
            }
            if (r.vendorId() != VendorId.IETF) {
                continue;
            }
            switch ((int) r.code()) {
                case AvpCode.RATING_GROUP:
                    ratingGroup[i] = r.unsigned32();
                    break;
                case AvpCode.SERVICE_IDENTIFIER:
                    serviceIdentifier[i] = r.unsigned32();
                    break;
                case AvpCode.REQUESTED_SERVICE_UNIT:
                    rsuPresent[i] = true;
                    units(r.enter(level2), i, true);
                    break;
                case AvpCode.USED_SERVICE_UNIT:
                    usuPresent[i] = true;
                    units(r.enter(level2), i, false);
                    break;
                default:
                    break;
            }
        }
        return true;
    }

    /** Reads CC-Time / CC-*-Octets / CC-Service-Specific-Units of an RSU or a USU (summed over USUs). */
    private void units(AvpReader r, int i, boolean requested) {
        long total = -1;
        long in = -1;
        long out = -1;
        long time = -1;
        long events = -1;
        boolean after = false;
        for (int at = r.first(); (at = r.readAt(at)) != AvpReader.END; ) {
            if (r.vendorId() == VendorId.TGPP) {
                if (!requested && r.code() == AvpCode.REPORTING_REASON) {
                    reportingReason[i] = r.integer32();
                }
                continue;
            }
            if (r.vendorId() != VendorId.IETF) {
                continue;
            }
            switch ((int) r.code()) {
                case AvpCode.CC_TOTAL_OCTETS:
                    total = nonNegative(r.unsigned64());
                    break;
                case AvpCode.CC_INPUT_OCTETS:
                    in = nonNegative(r.unsigned64());
                    break;
                case AvpCode.CC_OUTPUT_OCTETS:
                    out = nonNegative(r.unsigned64());
                    break;
                case AvpCode.CC_TIME:
                    time = r.unsigned32();
                    break;
                case AvpCode.CC_SERVICE_SPECIFIC_UNITS:
                    events = nonNegative(r.unsigned64());
                    break;
                case 452: // Tariff-Change-Usage
                    after = r.integer32() == 1;
                    break;
                default:
                    break;
            }
        }
        if (total < 0 && (in >= 0 || out >= 0)) {
            total = saturatingAdd(Math.max(in, 0), Math.max(out, 0));
        }
        if (requested) {
            rsuTotalOctets[i] = total;
            rsuTime[i] = time;
            rsuServiceSpecificUnits[i] = events;
        } else {
            addUsed(i, total, time, events);
            if (after) {
                usuAfterChangeTotalOctets[i] = saturatingAdd(usuAfterChangeTotalOctets[i], Math.max(total, 0));
                usuAfterChangeTime[i] = saturatingAdd(usuAfterChangeTime[i], Math.max(time, 0));
                usuAfterChangeServiceSpecificUnits[i] = saturatingAdd(usuAfterChangeServiceSpecificUnits[i],
                        Math.max(events, 0));
            }
        }
    }

    /** Kept apart from {@link #units} so that both stay small enough for the JIT to inline. */
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
     * 3GPP-SGSN-MCC-MNC is 5 or 6 digits (TS 29.061 §16.4.7.2). Anything else is an unknown
     * network: 0, which no roaming zone lists, never -1 (home).
     */
    private static int mccMnc(AvpReader r) {
        if (r.dataLength() < 5 || r.dataLength() > 6) {
            return 0;
        }
        long digits = r.digitsAsLong();
        return digits < 0 ? 0 : (int) digits;
    }

    /** Unsigned64 values beyond 2^63 are capped rather than read as negative numbers. */
    private static long nonNegative(long unsigned64) {
        return unsigned64 < 0 ? Long.MAX_VALUE : unsigned64;
    }

    private void serviceInformation(AvpReader r) {
        for (int at = r.first(); (at = r.readAt(at)) != AvpReader.END; ) {
            if (r.vendorId() != VendorId.TGPP) {
                continue;
            }
            int code = (int) r.code();
            if (code == AvpCode.PS_INFORMATION) {
                AvpReader ps = r.enter(level2);
                for (int member = ps.first(); (member = ps.readAt(member)) != AvpReader.END; ) {
                    if (ps.is(AvpCode.CALLED_STATION_ID, VendorId.IETF)) {
                        calledStationIdOffset = ps.dataOffset();
                        calledStationIdLength = ps.dataLength();
                    } else {
                        network(ps);
                    }
                }
            } else if (code == AvpCode.IMS_INFORMATION) {
                AvpReader ims = r.enter(level2);
                for (int member = ims.first(); (member = ims.readAt(member)) != AvpReader.END; ) {
                    if (ims.is(AvpCode.CALLED_PARTY_ADDRESS, VendorId.TGPP)) {
                        calledParty(ims.dataOffset(), ims.dataLength());
                    } else if (ims.is(829, VendorId.TGPP) && ims.dataLength() == 4) { // Role-of-Node
                        roleOfNode = ims.integer32();
                    }
                }
            } else if (code == AvpCode.SMS_INFORMATION) {
                AvpReader sms = r.enter(level2);
                for (int member = sms.first(); (member = sms.readAt(member)) != AvpReader.END; ) {
                    if (sms.is(AvpCode.RECIPIENT_ADDRESS, VendorId.TGPP)) {
                        recipient(sms.enter(level3));
                    } else if (sms.is(2026, VendorId.TGPP)) { // Recipient-Info
                        AvpReader info = sms.enter(level3);
                        for (int infoMember = info.first(); (infoMember = info.readAt(infoMember)) != AvpReader.END; ) {
                            if (info.is(AvpCode.RECIPIENT_ADDRESS, VendorId.TGPP)) {
                                recipient(info.enter(level4));
                            }
                        }
                    }
                }
            }
        }
    }

    private void recipient(AvpReader r) {
        if (calledPartyLength != 0) {
            return;
        }
        int type = -1;
        for (int at = r.first(); (at = r.readAt(at)) != AvpReader.END; ) {
            if (r.is(AvpCode.ADDRESS_DATA, VendorId.TGPP) && calledPartyLength == 0) {
                calledParty(r.dataOffset(), r.dataLength());
            } else if (r.is(899, VendorId.TGPP) && r.dataLength() == 4) { // Address-Type
                type = r.integer32();
            }
        }
        String digits = calledPartyString();
        calledPartyInternational = type == 1 && !digits.isEmpty() && !digits.startsWith("+") && !digits.startsWith("00");
    }

    /**
     * Called numbers arrive as "tel:+8613...", "sip:+44...@host" or bare digits; keep the digit
     * run with a '+' directly in front of it (international form: the catalogue reads '+' as 00).
     */
    private void calledParty(int offset, int length) {
        int start = offset;
        int end = offset + length;
        while (start < end && !isDigit(frame.getByte(start))) {
            start++;
        }
        int stop = start;
        while (stop < end && isDigit(frame.getByte(stop))) {
            stop++;
        }
        if (start > offset && frame.getByte(start - 1) == '+') {
            start--;
        }
        calledPartyOffset = start;
        calledPartyLength = stop - start;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
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

    public String calledPartyString() {
        return frame.toString(calledPartyOffset, calledPartyLength, StandardCharsets.US_ASCII);
    }
}
