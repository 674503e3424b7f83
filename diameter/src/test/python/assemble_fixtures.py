#!/usr/bin/env python3
"""Assembles the hex fixtures of diameter/src/test/resources/messages from the RFC layouts.

This is deliberately independent of Gyro's Java writer: every header and AVP is laid out here
from RFC 6733 §3 (header), §4.1 (AVP header, padding), §4.4 (Grouped), §4.3.1 (Address, Time),
with the AVP flags of the RFC 6733 §4.5 and RFC 4006 §8 tables. Run once; the output is checked in
and the Java tests compare Gyro's writers against it byte for byte.

    python3 diameter/src/test/python/assemble_fixtures.py diameter/src/test/resources/messages
"""
import os
import struct
import sys

V, M = 0x80, 0x40
REQ, PXY, ERR, RTR = 0x80, 0x40, 0x20, 0x10
TGPP = 10415
NTP_OFFSET = 2208988800


class Avp:
    def __init__(self, name, code, flags, data=b"", vendor=None, members=None, note="", length=None,
                 pad=True):
        self.name, self.code, self.flags, self.vendor = name, code, flags, vendor
        self.data, self.members, self.note = data, members, note
        self.length_override, self.pad = length, pad
        if vendor is not None:
            self.flags |= V

    def header_len(self):
        return 12 if self.flags & V else 8

    def payload(self):
        if self.members is not None:
            return b"".join(m.encode() for m in self.members)
        return self.data

    def length(self):
        return self.header_len() + len(self.payload())

    def header(self):
        length = self.length() if self.length_override is None else self.length_override
        h = struct.pack(">IB", self.code, self.flags) + length.to_bytes(3, "big")
        if self.flags & V:
            h += struct.pack(">I", self.vendor)
        return h

    def encode(self):
        raw = self.header() + self.payload()
        if self.pad:
            raw += b"\0" * (-len(raw) % 4)
        return raw

    def render(self, depth):
        ind = "  " * depth
        flags = ("V" if self.flags & V else "") + ("M" if self.flags & M else "") or "-"
        label = f"{self.name} ({self.code}{', vendor %d' % self.vendor if self.vendor is not None else ''}) [{flags}]"
        if self.members is not None:
            lines = [f"{ind}{self.header().hex(' ')}  # {label} {{ length {self.length()}{self.note}"]
            for m in self.members:
                lines += m.render(depth + 1)
            lines.append(f"{ind}# }} end {self.name}")
            return lines
        body = self.data + (b"\0" * (-(self.header_len() + len(self.data)) % 4) if self.pad else b"")
        return [f"{ind}{self.header().hex(' ')} {body.hex(' ')}".rstrip() + f"  # {label}{self.note}"]


def u32(name, code, value, flags=M, vendor=None):
    return Avp(name, code, flags, struct.pack(">I", value & 0xFFFFFFFF), vendor, note=f" = {value}")


def i32(name, code, value, flags=M, vendor=None):
    return Avp(name, code, flags, struct.pack(">i", value), vendor, note=f" = {value}")


def u64(name, code, value, flags=M, vendor=None):
    return Avp(name, code, flags, struct.pack(">Q", value), vendor, note=f" = {value}")


def utf8(name, code, text, flags=M, vendor=None):
    return Avp(name, code, flags, text.encode(), vendor, note=f' = "{text}"')


def addr4(name, code, dotted, flags=M):
    return Avp(name, code, flags, struct.pack(">H", 1) + bytes(int(x) for x in dotted.split(".")),
               note=f" = IPv4 {dotted}")


def group(name, code, members, flags=M, vendor=None):
    return Avp(name, code, flags, vendor=vendor, members=members)


def time_(name, code, epoch_seconds, flags=M):
    return Avp(name, code, flags, struct.pack(">I", epoch_seconds + NTP_OFFSET),
               note=f" = NTP {epoch_seconds + NTP_OFFSET} (Unix {epoch_seconds})")


# ---- AVPs by name (RFC 6733 §4.5, RFC 4006 §8, TS 32.299 §7) ----
def session_id(s): return utf8("Session-Id", 263, s)
def origin_host(s): return utf8("Origin-Host", 264, s)
def origin_realm(s): return utf8("Origin-Realm", 296, s)
def destination_realm(s): return utf8("Destination-Realm", 283, s)
def result_code(v): return u32("Result-Code", 268, v)
def auth_app(v): return u32("Auth-Application-Id", 258, v)
def origin_state(v): return u32("Origin-State-Id", 278, v)
def cc_type(v): return u32("CC-Request-Type", 416, v)
def cc_number(v): return u32("CC-Request-Number", 415, v)
def rating_group(v): return u32("Rating-Group", 432, v)
def service_context(s): return utf8("Service-Context-Id", 461, s)


def subscription(kind, data):
    return group("Subscription-Id", 443, [u32("Subscription-Id-Type", 450, kind), utf8("Subscription-Id-Data", 444, data)])


def reporting_reason(v): return u32("Reporting-Reason", 872, v, vendor=TGPP)


def capabilities(host, realm, ip, state_id, product="Gyro"):
    # Product-Name and Firmware-Revision: M bit MUST NOT be set (RFC 6733 §4.5).
    return [origin_host(host), origin_realm(realm), addr4("Host-IP-Address", 257, ip),
            u32("Vendor-Id", 266, 0), utf8("Product-Name", 269, product, flags=0), origin_state(state_id),
            u32("Supported-Vendor-Id", 265, TGPP), auth_app(4),
            group("Vendor-Specific-Application-Id", 260, [u32("Vendor-Id", 266, TGPP), auth_app(16777302)]),
            u32("Firmware-Revision", 267, 1, flags=0)]


class Message:
    def __init__(self, title, flags, command, app, hbh, e2e, avps, version=1, length=None, trailer=b""):
        self.title, self.flags, self.command, self.app = title, flags, command, app
        self.hbh, self.e2e, self.avps, self.version = hbh, e2e, avps, version
        self.length_override, self.trailer = length, trailer

    def body(self):
        return b"".join(a.encode() for a in self.avps) + self.trailer

    def header(self):
        length = 20 + len(self.body()) if self.length_override is None else self.length_override
        return (bytes([self.version]) + length.to_bytes(3, "big") + bytes([self.flags])
                + self.command.to_bytes(3, "big") + struct.pack(">III", self.app & 0xFFFFFFFF, self.hbh, self.e2e))

    def render(self):
        h = self.header()
        flags = "".join(n for b, n in ((REQ, "R"), (PXY, "P"), (ERR, "E"), (RTR, "T")) if self.flags & b) or "-"
        total = 20 + len(self.body())
        lines = [f"# {self.title}", f"# {total} bytes; generated by src/test/python/assemble_fixtures.py (RFC layouts)",
                 f"{h[0:4].hex(' ')}  # version {h[0]}, message length {int.from_bytes(h[1:4], 'big')}",
                 f"{h[4:8].hex(' ')}  # flags {flags}, command code {self.command}",
                 f"{h[8:12].hex(' ')}  # Application-Id {self.app & 0xFFFFFFFF}",
                 f"{h[12:16].hex(' ')}  # Hop-by-Hop Identifier",
                 f"{h[16:20].hex(' ')}  # End-to-End Identifier"]
        for a in self.avps:
            lines += a.render(0)
        if self.trailer:
            lines.append(f"{self.trailer.hex(' ')}  # trailing bytes")
        return "\n".join(lines) + "\n"


HBH, E2E = 0x11223344, 0x55667788
PGW = ("pgw.example.net", "example.net")
OCS = ("ocs.example.com", "example.com")
SID = "pgw.example.net;1700000000;42"
STATE_PGW, STATE_OCS = 1700000000, 1600000000


def ccr_top(kind, number, extra_before=()):
    return [session_id(SID), origin_host(PGW[0]), origin_realm(PGW[1]), destination_realm(OCS[1]), auth_app(4),
            service_context("32251@3gpp.org"), cc_type(kind), cc_number(number)]


def ps_information(mcc_mnc):
    return group("Service-Information", 873, [
        group("PS-Information", 874, [utf8("3GPP-SGSN-MCC-MNC", 18, mcc_mnc, vendor=TGPP)], vendor=TGPP)], vendor=TGPP)


def used_octets(inp, out, reason=None):
    members = [u64("CC-Total-Octets", 421, inp + out), u64("CC-Input-Octets", 412, inp), u64("CC-Output-Octets", 414, out)]
    if reason is not None:
        members.append(reporting_reason(reason))
    return group("Used-Service-Unit", 446, members)


def fixtures():
    f = {}
    f["cer"] = Message("CER from a PGW (RFC 6733 §5.3.1)", REQ, 257, 0, HBH, E2E,
                       capabilities(PGW[0], PGW[1], "10.0.0.1", STATE_PGW))
    f["cea"] = Message("CEA 2001 from the OCS (RFC 6733 §5.3.2)", 0, 257, 0, HBH, E2E,
                       [result_code(2001)] + capabilities(OCS[0], OCS[1], "10.0.0.2", STATE_OCS))
    f["dwr"] = Message("DWR (RFC 6733 §5.5.1)", REQ, 280, 0, HBH, E2E,
                       [origin_host(OCS[0]), origin_realm(OCS[1]), origin_state(STATE_OCS)])
    f["dwa"] = Message("DWA 2001 (RFC 6733 §5.5.2)", 0, 280, 0, HBH, E2E,
                       [result_code(2001), origin_host(OCS[0]), origin_realm(OCS[1]), origin_state(STATE_OCS)])
    f["dpr"] = Message("DPR, Disconnect-Cause DO_NOT_WANT_TO_TALK_TO_YOU (RFC 6733 §5.4.1)", REQ, 282, 0, HBH, E2E,
                       [origin_host(PGW[0]), origin_realm(PGW[1]), u32("Disconnect-Cause", 273, 2)])
    f["dpa"] = Message("DPA 2001 (RFC 6733 §5.4.2)", 0, 282, 0, HBH, E2E,
                       [result_code(2001), origin_host(OCS[0]), origin_realm(OCS[1])])

    f["ccr-initial"] = Message(
        "CCR-INITIAL with two MSCC and a roaming 3GPP-SGSN-MCC-MNC (RFC 4006 §3.1, TS 32.299 §6.4.2)",
        REQ | PXY, 272, 4, HBH, E2E,
        ccr_top(1, 0) + [
            subscription(0, "8613800000001"), subscription(1, "460001234567890"),
            u32("Multiple-Services-Indicator", 455, 1),
            group("Multiple-Services-Credit-Control", 456, [
                rating_group(100), group("Requested-Service-Unit", 437, [])]),
            group("Multiple-Services-Credit-Control", 456, [
                u32("Service-Identifier", 439, 7), rating_group(200),
                group("Requested-Service-Unit", 437, [u64("CC-Total-Octets", 421, 5000000)])]),
            ps_information("23415")])
    f["ccr-update"] = Message(
        "CCR-UPDATE reporting usage: Reporting-Reason in a USU and at MSCC level", REQ | PXY, 272, 4, HBH + 1, E2E + 1,
        ccr_top(2, 1) + [
            subscription(0, "8613800000001"), u32("Multiple-Services-Indicator", 455, 1),
            group("Multiple-Services-Credit-Control", 456, [
                rating_group(100), group("Requested-Service-Unit", 437, []),
                used_octets(1200, 3400, reason=3)]),
            group("Multiple-Services-Credit-Control", 456, [
                rating_group(200),
                group("Used-Service-Unit", 446, [u32("CC-Time", 420, 95)]),
                reporting_reason(2)]),
            group("Multiple-Services-Credit-Control", 456, [
                rating_group(300), group("Requested-Service-Unit", 437, [u32("CC-Time", 420, 600)])]),
            ps_information("23415")])
    f["ccr-termination"] = Message(
        "CCR-TERMINATION with the last usage (RFC 4006 §3.1)", REQ | PXY, 272, 4, HBH + 2, E2E + 2,
        ccr_top(3, 2) + [
            subscription(0, "8613800000001"),
            u32("Termination-Cause", 295, 1),
            group("Multiple-Services-Credit-Control", 456, [rating_group(100), used_octets(10, 20, reason=2)])])
    f["ccr-event"] = Message(
        "CCR-EVENT for an SMS: DIRECT_DEBITING, single service, SMS recipient (RFC 4006 §6.3, TS 32.299)",
        REQ | PXY, 272, 4, HBH + 3, E2E + 3,
        [session_id(SID), origin_host(PGW[0]), origin_realm(PGW[1]), destination_realm(OCS[1]), auth_app(4),
         service_context("32274@3gpp.org"), cc_type(4), cc_number(0),
         subscription(0, "8613800000001"), u32("Requested-Action", 436, 0),
         time_("Event-Timestamp", 55, 1700000000),
         group("Requested-Service-Unit", 437, [u64("CC-Service-Specific-Units", 417, 1)]),
         rating_group(30),
         group("Service-Information", 873, [
             group("SMS-Information", 2000, [
                 group("Recipient-Address", 1201, [utf8("Address-Data", 897, "+8613900000002", vendor=TGPP)],
                       vendor=TGPP)], vendor=TGPP)], vendor=TGPP)])

    def cca_top(kind, number, hbh=HBH, e2e=E2E, rc=2001):
        return [session_id(SID), result_code(rc), origin_host(OCS[0]), origin_realm(OCS[1]), auth_app(4),
                cc_type(kind), cc_number(number)]

    f["cca-grant"] = Message(
        "CCA-INITIAL granting two rating groups: GSU, Validity-Time, Volume-Quota-Threshold (RFC 4006 §3.2)",
        PXY, 272, 4, HBH, E2E,
        cca_top(1, 0) + [
            group("Multiple-Services-Credit-Control", 456, [
                rating_group(100), result_code(2001),
                group("Granted-Service-Unit", 431, [u64("CC-Total-Octets", 421, 10485760)]),
                u32("Validity-Time", 448, 3600), u32("Volume-Quota-Threshold", 869, 1048576, vendor=TGPP)]),
            group("Multiple-Services-Credit-Control", 456, [
                rating_group(300), u32("Service-Identifier", 439, 7), result_code(2001),
                group("Granted-Service-Unit", 431, [u32("CC-Time", 420, 600)]), u32("Validity-Time", 448, 1800)])])
    f["cca-final-redirect"] = Message(
        "CCA-UPDATE with a final grant: Final-Unit-Indication REDIRECT to a URL (RFC 4006 §8.34, §8.37)",
        PXY, 272, 4, HBH + 1, E2E + 1,
        cca_top(2, 1) + [
            group("Multiple-Services-Credit-Control", 456, [
                rating_group(100), result_code(2001),
                group("Granted-Service-Unit", 431, [u64("CC-Total-Octets", 421, 2048)]),
                u32("Validity-Time", 448, 600),
                group("Final-Unit-Indication", 430, [
                    u32("Final-Unit-Action", 449, 1),
                    group("Redirect-Server", 434, [u32("Redirect-Address-Type", 433, 2),
                                                   utf8("Redirect-Server-Address", 435, "http://topup.example.com/")])])])])
    f["cca-final-terminate"] = Message(
        "CCA-UPDATE with a final grant: Final-Unit-Indication TERMINATE; a second MSCC out of credit (4012)",
        PXY, 272, 4, HBH + 1, E2E + 1,
        cca_top(2, 1) + [
            group("Multiple-Services-Credit-Control", 456, [
                rating_group(100), result_code(2001),
                group("Granted-Service-Unit", 431, [u32("CC-Time", 420, 60)]),
                group("Final-Unit-Indication", 430, [u32("Final-Unit-Action", 449, 0)])]),
            group("Multiple-Services-Credit-Control", 456, [rating_group(200), result_code(4012)])])
    f["cca-event-cost"] = Message(
        "CCA-EVENT with Cost-Information: 1.50 CNY (RFC 4006 §8.7)", PXY, 272, 4, HBH + 3, E2E + 3,
        cca_top(4, 0) + [
            group("Cost-Information", 423, [
                group("Unit-Value", 445, [u64("Value-Digits", 447, 150), i32("Exponent", 429, -2)]),
                u32("Currency-Code", 425, 156)])])
    return f


def malformed():
    """Each case breaks exactly one thing in an otherwise valid CCR-INITIAL (or CER)."""
    base = lambda: ccr_top(1, 0) + [subscription(0, "8613800000001"),
                                    group("Multiple-Services-Credit-Control", 456, [rating_group(100)])]
    m = {}

    def ccr(title, avps, **kw):
        return Message(title, kw.pop("flags", REQ | PXY), kw.pop("command", 272), kw.pop("app", 4), HBH, E2E, avps, **kw)

    avps = base()
    avps[7] = Avp("CC-Request-Number", 415, M, struct.pack(">I", 0), length=200, note=" = 0, length field 200")
    m["avp-length-past-end"] = ccr("CC-Request-Number claims 200 bytes: runs past the message (5014)", avps)

    avps = base()
    avps[7] = Avp("CC-Request-Number", 415, M, struct.pack(">I", 0), length=4, note=" = 0, length field 4")
    m["avp-length-below-header"] = ccr("CC-Request-Number with AVP Length 4, below the 8-byte header (5014)", avps)

    avps = base()
    avps[7] = Avp("CC-Request-Number", 415, M, b"\0\0\0\0\0", note=" 5 data bytes for an Unsigned32")
    m["unsigned32-length-5"] = ccr("Unsigned32 CC-Request-Number with 5 data bytes (5014)", avps)

    avps = base() + [u32("unknown AVP", 3999, 1, flags=M)]
    m["unknown-avp-mandatory"] = ccr("Unknown vendor-0 AVP 3999 with the M bit (5001)", avps)

    avps = base() + [u32("unknown AVP", 3999, 1, flags=0)]
    m["unknown-avp-optional"] = ccr("Unknown vendor-0 AVP 3999 without the M bit (ignored)", avps)

    avps = base()[1:]
    m["missing-session-id"] = ccr("CCR without Session-Id (5005)", avps)

    avps = base()
    del avps[6]
    m["missing-cc-request-type"] = ccr("CCR without CC-Request-Type (5005)", avps)

    avps = base()
    avps[8] = group("Subscription-Id", 443, [u32("Subscription-Id-Type", 450, 0)])
    m["subscription-id-without-data"] = ccr("Subscription-Id without Subscription-Id-Data (5005)", avps)

    avps = base()
    avps[6] = cc_type(7)
    m["bad-cc-request-type"] = ccr("CC-Request-Type 7 (valid 1..4): 5004 from the CCR decoder", avps)

    # RFC 6733 §7.1.5 / §3.2: Session-Id, CC-Request-Type and CC-Request-Number occur exactly once in a CCR;
    # a second one is answered 5009 with a copy of it (the first instance past the maximum) in Failed-AVP.
    avps = base()
    avps.insert(1, session_id("pgw.example.net;1700000000;43"))
    m["duplicate-session-id"] = ccr("Two Session-Id AVPs (5009, Failed-AVP the second)", avps)

    avps = base()
    avps.insert(7, cc_type(2))
    m["duplicate-cc-request-type"] = ccr("Two CC-Request-Type AVPs (5009, Failed-AVP the second)", avps)

    avps = base()
    avps.insert(8, cc_number(1))
    m["duplicate-cc-request-number"] = ccr("Two CC-Request-Number AVPs (5009, Failed-AVP the second)", avps)

    avps = base()
    avps[4] = auth_app(5)
    m["auth-application-id-contradicts-header"] = ccr(
        "Header Application-Id 4 with Auth-Application-Id 5 (RFC 4006 §3.1: must be 4; 5004 with Failed-AVP)", avps)

    m["version-2"] = ccr("Header version 2 (RFC 6733 §7.1.5: 5011)", base(), version=2)
    m["reserved-header-bits"] = ccr("Reserved header flag bits set (3008, E bit)", base(), flags=REQ | PXY | 0x0F)
    m["unknown-command"] = ccr("Unknown command code 999 (3001, E bit)", base(), command=999)
    m["wrong-application"] = ccr("CCR with Application-Id 16777238 in the header (3007, E bit)", base(), app=16777238)
    m["length-not-multiple-of-4"] = ccr("Message length 2 more than the bytes of the AVPs, not a multiple of 4 (5015, close)",
                                        base(), length=20 + len(Message("", 0, 0, 0, 0, 0, base()).body()) + 2,
                                        trailer=b"\0\0")
    m["oversize"] = ccr("Header announcing 70000 bytes, over the 65536 maximum (5015, close)", [], length=70000)
    m["cer-no-common-application"] = Message(
        "CER offering only Gx (16777238): no common application (5010, close)", REQ, 257, 0, HBH, E2E,
        [origin_host(PGW[0]), origin_realm(PGW[1]), addr4("Host-IP-Address", 257, "10.0.0.1"),
         u32("Vendor-Id", 266, 0), utf8("Product-Name", 269, "Gyro", flags=0), auth_app(16777238)])
    return m


def main(out_dir):
    for name, msg in fixtures().items():
        with open(os.path.join(out_dir, name + ".hex"), "w") as fh:
            fh.write(msg.render())
    os.makedirs(os.path.join(out_dir, "malformed"), exist_ok=True)
    for name, msg in malformed().items():
        with open(os.path.join(out_dir, "malformed", name + ".hex"), "w") as fh:
            fh.write(msg.render())


if __name__ == "__main__":
    main(sys.argv[1])
