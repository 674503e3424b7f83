#!/usr/bin/env python3
"""cpu.py PREFIX: per thread name, ticks (user/sys) between PREFIX.snap0 and .snap1, cores, us of CPU per answer
(answers of the generator's seconds between the two snapshots, PREFIX.win)."""
import re, sys
def load(p):
    t, th = None, {}
    for l in open(p):
        if l.startswith("T "):
            t = float(l.split()[1]); continue
        tid, comm, u, s = l.rstrip("\n").split("\t")
        th[tid] = (comm, int(u), int(s))
    return t, th
p = sys.argv[1]
t0, a = load(p + ".snap0"); t1, b = load(p + ".snap1")
_, answers = open(p + ".win").read().split(); answers = int(answers)
win = t1 - t0
agg = {}
for tid, (comm, u, s) in b.items():
    u0, s0 = (a[tid][1], a[tid][2]) if tid in a else (0, 0)
    name = comm if comm.startswith("gyro-") else re.sub(r"[#-]?\d+$", "", comm)
    x = agg.setdefault(name, [0, 0]); x[0] += u - u0; x[1] += s - s0
missing = [a[t][1] for t in a if t not in b]
print("window %.2f s, %d answers (%.0f/s)%s" % (win, answers, answers / win, "; threads gone: %d" % len(missing) if missing else ""))
tot = [0, 0]
for name, (u, s) in sorted(agg.items(), key=lambda kv: -(kv[1][0] + kv[1][1])):
    tot[0] += u; tot[1] += s
    if u + s == 0: continue
    print("%-16s %5d (%4d/%4d) ticks %5.2f core %6.2f us/answer" % (name, u + s, u, s, (u + s) / 100 / win, (u + s) * 1e4 / answers))
print("%-16s %5d (%4d/%4d) ticks %5.2f core %6.2f us/answer" % ("ALL", sum(tot), tot[0], tot[1], sum(tot) / 100 / win, sum(tot) * 1e4 / answers))
