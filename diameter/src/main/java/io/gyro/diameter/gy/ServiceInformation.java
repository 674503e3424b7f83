package io.gyro.diameter.gy;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.VendorId;
import io.netty.buffer.ByteBuf;

/**
 * What a CCR says about the network and the other party, for {@link CreditControlRequest}: Service-Information
 * (TS 32.299 §7.2.192) with its PS-, IMS- and SMS-Information, and the 3GPP network AVPs of TS 29.061 §16.4.7.2 that a
 * Rel-6 GGSN sends at the top level. Each method reads the members [from, to) of one AVP, already checked by the
 * validator's type rules, into the request's fields. Static and allocation-free: the event loop's decoder calls it.
 */
final class ServiceInformation {
    private ServiceInformation() {
    }

    /** Recipient-Info (TS 32.299 §7.2.158A), which holds Recipient-Addresses. */
    private static final int RECIPIENT_INFO = 2026;
    /** RAT-Type (TS 29.212 §5.3.31), Enumerated, vendor 10415: 1000 UTRAN, 1001 GERAN, 1004 EUTRAN ... */
    private static final int RAT_TYPE = 1032;
    /** Role-of-Node (TS 32.299 §7.2.190), in IMS-Information: 0 ORIGINATING, 1 TERMINATING. */
    private static final int ROLE_OF_NODE = 829;
    /** Address-Type (TS 32.299 §7.2.7) in a Recipient-Address, and its value MSISDN. */
    private static final int ADDRESS_TYPE = 899;
    private static final int ADDRESS_TYPE_MSISDN = 1;

    /**
     * 3GPP-SGSN-MCC-MNC is 5 or 6 digits (TS 29.061 §16.4.7.2). Anything else is an unknown
     * network: 0, which no roaming zone lists, never -1 (home).
     */
    private static int mccMnc(AvpReader m, int dataOffset, int dataLength) {
        if (dataLength < 5 || dataLength > 6) {
            return 0;
        }
        long digits = m.digitsAt(dataOffset, dataLength);
        return digits < 0 ? 0 : (int) digits;
    }

    /** The members [from, to) of Service-Information (TS 32.299 §7.2.192). */
    static void read(CreditControlRequest r, AvpReader m, int from, int to) {
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                break;
            }
            next = AvpReader.nextAt(at, header);
            if (m.vendorAt(at, header) != VendorId.TGPP) {
                continue;
            }
            int code = AvpReader.code(header);
            int data = at + AvpReader.headerLength(header);
            int dataEnd = at + AvpReader.avpLength(header);
            if (code == AvpCode.PS_INFORMATION) {
                psInformation(r, m, data, dataEnd);
            } else if (code == AvpCode.IMS_INFORMATION) {
                imsInformation(r, m, data, dataEnd);
            } else if (code == AvpCode.SMS_INFORMATION) {
                smsInformation(r, m, data, dataEnd);
            }
        }
    }

    /** PS-Information (TS 32.299 §7.2.158): the serving network, the location, the radio and the APN. */
    private static void psInformation(CreditControlRequest r, AvpReader m, int from, int to) {
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                break;
            }
            next = AvpReader.nextAt(at, header);
            long vendor = m.vendorAt(at, header);
            int code = AvpReader.code(header);
            int data = at + AvpReader.headerLength(header);
            int dataEnd = at + AvpReader.avpLength(header);
            if (vendor == VendorId.TGPP) {
                network(r, m, code, data, dataEnd);
            } else if (vendor == VendorId.IETF && code == AvpCode.CALLED_STATION_ID) {
                r.calledStationIdOffset = data;
                r.calledStationIdLength = dataEnd - data;
            }
        }
    }

    /**
     * The 3GPP AVPs (vendor 10415) that say where the subscriber is and over what radio, at the top level (a
     * Rel-6 GGSN sends them there) or in PS-Information: 3GPP-SGSN-MCC-MNC, 3GPP-User-Location-Info, 3GPP-RAT-Type
     * (TS 29.061 §16.4.7.2) and RAT-Type (TS 29.212 §5.3.31). Sizes were checked by the validator's type rules.
     */
    static void network(CreditControlRequest r, AvpReader m, int code, int data, int dataEnd) {
        switch (code) {
            case AvpCode.TGPP_SGSN_MCC_MNC:
                r.sgsnMccMnc = mccMnc(m, data, dataEnd - data);
                break;
            case AvpCode.TGPP_USER_LOCATION_INFO:
                r.userLocationMccMnc = userLocationPlmn(r.frame, data, dataEnd - data);
                break;
            case AvpCode.TGPP_RAT_TYPE:
                if (dataEnd - data >= 1) {
                    r.tgppRatType = r.frame.getUnsignedByte(data);
                }
                break;
            case RAT_TYPE:
                if (dataEnd - data == 4) {
                    r.ratType = m.integer32At(data);
                }
                break;
            default:
                break;
        }
    }

    /*
     * 3GPP-User-Location-Info (TS 29.061 §16.4.7.2, TS 29.274 §8.21): one octet of Geographic Location Type
     * (0 CGI, 1 SAI, 2 RAI, 128 TAI, 129 ECGI, 130 TAI and ECGI, 131..137 eNodeB / 5GS forms), then, in every
     * form, the PLMN as three octets of TBCD digits:
     *     octet 1: MCC digit 2 | MCC digit 1
     *     octet 2: MNC digit 3 | MCC digit 3   (MNC digit 3 = 0xF for a two-digit MNC)
     *     octet 3: MNC digit 2 | MNC digit 1
     */
    private static final int LOCATION_TYPE_MAX = 137;

    /** The PLMN of a 3GPP-User-Location-Info as MCC-MNC digits (45400, 310260), or -1. */
    static int userLocationPlmn(ByteBuf frame, int data, int length) {
        if (length < 4) {
            return -1;
        }
        int type = frame.getUnsignedByte(data);
        if (type > 2 && type < 128 || type > LOCATION_TYPE_MAX) {
            return -1;
        }
        int o1 = frame.getUnsignedByte(data + 1);
        int o2 = frame.getUnsignedByte(data + 2);
        int o3 = frame.getUnsignedByte(data + 3);
        int mcc1 = o1 & 0xf;
        int mcc2 = o1 >>> 4;
        int mcc3 = o2 & 0xf;
        int mnc3 = o2 >>> 4;
        int mnc1 = o3 & 0xf;
        int mnc2 = o3 >>> 4;
        if (mcc1 > 9 || mcc2 > 9 || mcc3 > 9 || mnc1 > 9 || mnc2 > 9 || mnc3 > 9 && mnc3 != 0xf) {
            return -1;
        }
        int mcc = mcc1 * 100 + mcc2 * 10 + mcc3;
        return mnc3 == 0xf ? mcc * 100 + mnc1 * 10 + mnc2 : mcc * 1000 + mnc1 * 100 + mnc2 * 10 + mnc3;
    }

    private static void imsInformation(CreditControlRequest r, AvpReader m, int from, int to) {
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                break;
            }
            next = AvpReader.nextAt(at, header);
            if (m.vendorAt(at, header) != VendorId.TGPP) {
                continue;
            }
            int code = AvpReader.code(header);
            int data = at + AvpReader.headerLength(header);
            if (code == AvpCode.CALLED_PARTY_ADDRESS) {
                calledParty(r, data, at + AvpReader.avpLength(header) - data);
            } else if (code == ROLE_OF_NODE && AvpReader.avpLength(header) - AvpReader.headerLength(header) == 4) {
                r.roleOfNode = m.integer32At(data);
            }
        }
    }

    private static void smsInformation(CreditControlRequest r, AvpReader m, int from, int to) {
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                break;
            }
            next = AvpReader.nextAt(at, header);
            if (m.vendorAt(at, header) != VendorId.TGPP) {
                continue;
            }
            int code = AvpReader.code(header);
            if (code == AvpCode.RECIPIENT_ADDRESS) {
                recipient(r, m, at + AvpReader.headerLength(header), at + AvpReader.avpLength(header));
            } else if (code == RECIPIENT_INFO) {
                recipientInfo(r, m, at + AvpReader.headerLength(header), at + AvpReader.avpLength(header));
            }
        }
    }

    private static void recipientInfo(CreditControlRequest r, AvpReader m, int from, int to) {
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                break;
            }
            next = AvpReader.nextAt(at, header);
            if (m.vendorAt(at, header) == VendorId.TGPP && AvpReader.code(header) == AvpCode.RECIPIENT_ADDRESS) {
                recipient(r, m, at + AvpReader.headerLength(header), at + AvpReader.avpLength(header));
            }
        }
    }

    /**
     * The first Recipient-Address (TS 32.299 §7.2.155): its Address-Data, and whether its Address-Type (§7.2.7) says
     * MSISDN, a number in international form (TS 23.003 §3.3: country code first) that an SMSC sends without '+'
     * when the short message's type of number is international.
     */
    private static void recipient(CreditControlRequest r, AvpReader m, int from, int to) {
        if (r.calledPartyLength != 0) {
            return;
        }
        int addressType = -1;
        for (int at = from, next; at < to; at = next) {
            long header = m.headerAt(at, to);
            if (header == AvpReader.MALFORMED) {
                break;
            }
            next = AvpReader.nextAt(at, header);
            if (m.vendorAt(at, header) != VendorId.TGPP) {
                continue;
            }
            int code = AvpReader.code(header);
            int data = at + AvpReader.headerLength(header);
            if (code == AvpCode.ADDRESS_DATA && r.calledPartyLength == 0) {
                calledParty(r, data, at + AvpReader.avpLength(header) - data);
            } else if (code == ADDRESS_TYPE && AvpReader.avpLength(header) - AvpReader.headerLength(header) == 4) {
                addressType = m.integer32At(data);
            }
        }
        r.calledPartyInternational = addressType == ADDRESS_TYPE_MSISDN && r.calledPartyLength > 0
                && r.frame.getByte(r.calledPartyOffset) != '+'
                && !(r.calledPartyLength > 1 && r.frame.getByte(r.calledPartyOffset) == '0'
                        && r.frame.getByte(r.calledPartyOffset + 1) == '0');
    }

    /**
     * Called numbers arrive as "tel:+8613...", "sip:+44...@host" or bare digits; keep the digit
     * run with a '+' directly in front of it (international form: the catalogue reads '+' as 00).
     */
    private static void calledParty(CreditControlRequest r, int offset, int length) {
        int start = offset;
        int end = offset + length;
        while (start < end && !isDigit(r.frame.getByte(start))) {
            start++;
        }
        int stop = start;
        while (stop < end && isDigit(r.frame.getByte(stop))) {
            stop++;
        }
        if (start > offset && r.frame.getByte(start - 1) == '+') {
            start--;
        }
        r.calledPartyOffset = start;
        r.calledPartyLength = stop - start;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
