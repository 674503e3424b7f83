#!/usr/bin/env python3
"""summary.py RUN...: per variant (name before '-r'), median [min-max] of us of CPU per answer per thread group."""
import re, sys, statistics
from collections import defaultdict
def load(p):
    t, th = None, {}
    for l in open(p):
        if l.startswith("T "):
            t = float(l.split()[1]); continue
        tid, comm, u, s = l.rstrip("\n").split("\t")
        th[tid] = (comm, int(u), int(s))
    return t, th
groups = [("gyro-charging-1", "charging"), ("gyro-cdr-export", "cdr-export"), ("gyro-journal", "journal housekeeper"),
          ("gyro-wal-prefau", "wal-prefault (2)"), ("gyro-diameter-i", "server event loop")]
rows = defaultdict(lambda: defaultdict(list))
for run in sys.argv[1:]:
    v = re.sub(r"-r\d+$", "", run.split("/")[-1])
    t0, a = load(run + ".snap0"); t1, b = load(run + ".snap1")
    secs, answers = open(run + ".win").read().split(); answers = int(answers)
    tot = defaultdict(int)
    for tid, (comm, u, s) in b.items():
        u0, s0 = (a[tid][1], a[tid][2]) if tid in a else (0, 0)
        d = u + s - u0 - s0
        for key, name in groups:
            if comm == key:
                tot[name] += d
        if comm.startswith("gyro-") and comm != "gyro-diameter-c":
            tot["all engine threads (gyro-*, not the client)"] += d
        tot["whole JVM (engine, client, GC, JIT)"] += d
    for name in [g[1] for g in groups] + ["all engine threads (gyro-*, not the client)", "whole JVM (engine, client, GC, JIT)"]:
        rows[name][v].append(tot[name] * 1e4 / answers)
    rows["answers/s (measured 20 s)"][v].append(float(re.search(r"== step w100: ([0-9.]+) answers/s", open(run + ".out").read()).group(1)))
vs = sorted({v for r in rows.values() for v in r}, reverse=True)
print("| | " + " | ".join(f"{v} (n={len(rows['charging'][v])})" for v in vs) + " |")
print("|---|" + "---|" * len(vs))
for name, per in rows.items():
    cells = []
    for v in vs:
        x = per.get(v, [])
        fmt = "{:,.0f}" if name.startswith("answers") else "{:.2f}"
        cells.append(f"{fmt.format(statistics.median(x))} [{fmt.format(min(x))}-{fmt.format(max(x))}]" if x else "-")
    print(f"| {name} | " + " | ".join(cells) + " |")
