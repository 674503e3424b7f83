#!/usr/bin/env python3
"""scripts/raw-pgw.py HOST PORT [MSISDN]: a PGW written from the RFC layouts alone (no Gyro code): CER, then a TS 32.299 data session with full
PS-Information (M bits as real nodes set them), an SMS event without recipient, and prints each Result-Code."""
import socket, struct, sys, time

TGPP = 10415
M, V = 0x40, 0x80

def avp(code, data, flags=M, vendor=None):
    if vendor is not None:
        flags |= V
        hdr = struct.pack(">IBBHI", code, flags, 0, 0, vendor)
        length = 12 + len(data)
        hdr = struct.pack(">I", code) + bytes([flags]) + length.to_bytes(3, "big") + struct.pack(">I", vendor)
    else:
        length = 8 + len(data)
        hdr = struct.pack(">I", code) + bytes([flags]) + length.to_bytes(3, "big")
    return hdr + data + b"\0" * ((4 - len(data) % 4) % 4)

u32 = lambda c, v, **k: avp(c, struct.pack(">I", v), **k)
u64 = lambda c, v, **k: avp(c, struct.pack(">Q", v), **k)
s = lambda c, v, **k: avp(c, v.encode(), **k)
grp = lambda c, members, **k: avp(c, b"".join(members), **k)
addr4 = lambda c, ip, **k: avp(c, b"\0\1" + bytes(int(x) for x in ip.split(".")), **k)

def msg(cmd, app, avps, hbh, flags=0xC0):
    body = b"".join(avps)
    return struct.pack(">I", (1 << 24) | (20 + len(body))) + struct.pack(">I", (flags << 24) | cmd) + \
        struct.pack(">III", app, hbh, hbh) + body

def read(sock):
    head = b""
    while len(head) < 4:
        head += sock.recv(4 - len(head))
    n = int.from_bytes(head[1:4], "big")
    data = head
    while len(data) < n:
        data += sock.recv(n - len(data))
    return data

def result(answer):
    at, out = 20, {}
    def walk(at, end, prefix):
        while at < end:
            code = struct.unpack(">I", answer[at:at+4])[0]
            flags = answer[at+4]
            length = int.from_bytes(answer[at+5:at+8], "big")
            h = 12 if flags & V else 8
            data = answer[at+h:at+length]
            if code == 268:
                out.setdefault(prefix + "Result-Code", []).append(struct.unpack(">I", data)[0])
            if code == 456:
                walk(at + h, at + length, "MSCC.")
            if code == 431:
                out.setdefault("GSU", []).append(data.hex())
            at += (length + 3) & ~3
    walk(20, len(answer), "")
    return out

host, port = sys.argv[1], int(sys.argv[2])
msisdn = sys.argv[3] if len(sys.argv) > 3 else "8617000000001"
sock = socket.create_connection((host, port))
sock.sendall(msg(257, 0, [s(264, "pgw.other.net"), s(296, "other.net"), addr4(257, "127.0.0.1"),
    u32(266, 0), s(269, "raw-pgw", flags=0), u32(258, 4), u32(265, TGPP)], 1, flags=0x80))
print("CEA", result(read(sock)))

sid = "pgw.other.net;%d;1" % int(time.time())
def ps_information():
    uli = bytes([130, 0x64, 0xf0, 0x10, 0, 1, 0x64, 0xf0, 0x10, 0, 0, 0, 1])
    return grp(873, [grp(874, [
        u32(2, 0x1234, vendor=TGPP),                       # 3GPP-Charging-Id
        u32(3, 0, vendor=TGPP),                            # 3GPP-PDP-Type
        addr4(1227, "10.45.0.7", vendor=TGPP),             # PDP-Address
        addr4(1228, "192.0.2.10", vendor=TGPP),            # SGSN-Address
        addr4(847, "192.0.2.20", vendor=TGPP),             # GGSN-Address
        s(8, "46001", vendor=TGPP),                        # 3GPP-IMSI-MCC-MNC
        s(9, "46001", vendor=TGPP),                        # 3GPP-GGSN-MCC-MNC
        s(10, "5", vendor=TGPP),                           # 3GPP-NSAPI
        s(12, "0", vendor=TGPP),                           # 3GPP-Selection-Mode
        s(13, "0800", vendor=TGPP),                        # 3GPP-Charging-Characteristics
        s(18, "46001", vendor=TGPP),                       # 3GPP-SGSN-MCC-MNC
        avp(23, bytes([0x23, 0]), vendor=TGPP),            # 3GPP-MS-TimeZone
        avp(20, b"8699460312345601", vendor=TGPP),         # 3GPP-IMEISV
        avp(21, bytes([6]), vendor=TGPP),                  # 3GPP-RAT-Type EUTRAN
        avp(22, uli, vendor=TGPP),                         # 3GPP-User-Location-Info
        u32(2050, 0x1234, vendor=TGPP),                    # PDN-Connection-Charging-ID
        u32(2047, 2, vendor=TGPP),                         # Serving-Node-Type: GTPSGW
        u32(2051, 1, vendor=TGPP),                         # Dynamic-Address-Flag
        s(1004, "default", vendor=TGPP),                   # Charging-Rule-Base-Name
        grp(1016, [u32(1028, 9, vendor=TGPP),              # QoS-Information: QCI
                   u32(516, 50_000_000, vendor=TGPP),      # Max-Requested-Bandwidth-UL
                   u32(515, 100_000_000, vendor=TGPP),     # Max-Requested-Bandwidth-DL
                   u32(1041, 50_000_000, vendor=TGPP),     # APN-Aggregate-Max-Bitrate-UL
                   u32(1040, 100_000_000, vendor=TGPP)], vendor=TGPP),
        s(30, "cmnet"),                                    # Called-Station-Id
        u32(1032, 1004, vendor=TGPP),                      # RAT-Type
    ], vendor=TGPP)], vendor=TGPP)

def ccr(kind, number, mscc, extra=()):
    return msg(272, 4, [s(263, sid), s(264, "pgw.other.net"), s(296, "other.net"), s(283, "gyro.local"),
        u32(258, 4), s(461, "32251@3gpp.org"), u32(416, kind), u32(415, number),
        grp(443, [u32(450, 0), s(444, msisdn)]), grp(443, [u32(450, 1), s(444, "460990000000001")]),
        u32(455, 1), *mscc, ps_information(), *extra], 100 + number)

sock.sendall(ccr(1, 0, [grp(456, [grp(437, []), u32(432, 100)])]))
print("CCA-I", result(read(sock)))
sock.sendall(ccr(2, 1, [grp(456, [grp(437, []), grp(446, [u64(421, 3_000_000), u64(412, 1_000_000), u64(414, 2_000_000),
    u32(872, 3, vendor=TGPP)]), u32(432, 100)])]))
print("CCA-U", result(read(sock)))
# The same CCR-U again with the T flag (a retransmission after a lost answer): same answer, charged once.
upd = ccr(2, 1, [grp(456, [grp(437, []), grp(446, [u64(421, 3_000_000), u64(412, 1_000_000), u64(414, 2_000_000),
    u32(872, 3, vendor=TGPP)]), u32(432, 100)])])
upd = upd[:4] + bytes([upd[4] | 0x10]) + upd[5:]
sock.sendall(upd)
print("CCA-U retransmitted (T)", result(read(sock)))
sock.sendall(msg(280, 0, [s(264, "pgw.other.net"), s(296, "other.net")], 50))
print("DWA", result(read(sock)))
# An unknown 3GPP AVP with M inside PS-Information: 5001 and nothing charged.
bad_ps = msg(272, 4, [s(263, sid + "-x"), s(264, "pgw.other.net"), s(296, "other.net"), s(283, "gyro.local"),
    u32(258, 4), s(461, "32251@3gpp.org"), u32(416, 1), u32(415, 0), grp(443, [u32(450, 0), s(444, msisdn)]),
    grp(873, [grp(874, [u32(3998, 1, vendor=TGPP)], vendor=TGPP)], vendor=TGPP)], 302)
sock.sendall(bad_ps)
print("unknown M AVP in PS-Information", result(read(sock)))
sock.sendall(ccr(3, 2, [grp(456, [grp(446, [u64(421, 500_000)]), u32(432, 100), u32(872, 2, vendor=TGPP)])],
    extra=[u32(295, 1)]))
print("CCA-T", result(read(sock)))
# SMS event, no recipient (the catalogue's defaultDestination prices it)
sms = msg(272, 4, [s(263, sid + "-sms"), s(264, "pgw.other.net"), s(296, "other.net"), s(283, "gyro.local"),
    u32(258, 4), s(461, "32274@3gpp.org"), u32(416, 4), u32(415, 0), u32(436, 0),
    grp(443, [u32(450, 0), s(444, msisdn)]), grp(437, [u64(417, 1)]),
    grp(873, [grp(2000, [u32(2007, 0, vendor=TGPP), u32(2016, 0, vendor=TGPP), u32(2001, 8, vendor=TGPP)], vendor=TGPP)], vendor=TGPP)], 200)
sock.sendall(sms)
print("CCA-EVENT sms", result(read(sock)))
# Two Session-Ids (5009) and a contradicting Auth-Application-Id (5004)
dup = msg(272, 4, [s(263, sid + "-dup"), s(263, sid + "-dup2"), s(264, "pgw.other.net"), s(296, "other.net"),
    s(283, "gyro.local"), u32(258, 4), s(461, "32251@3gpp.org"), u32(416, 1), u32(415, 0)], 300)
sock.sendall(dup)
print("duplicate Session-Id", result(read(sock)))
bad = msg(272, 4, [s(263, sid + "-app"), s(264, "pgw.other.net"), s(296, "other.net"),
    s(283, "gyro.local"), u32(258, 5), s(461, "32251@3gpp.org"), u32(416, 1), u32(415, 0),
    grp(443, [u32(450, 0), s(444, msisdn)])], 301)
sock.sendall(bad)
print("Auth-Application-Id 5", result(read(sock)))
sock.close()
