#!/usr/bin/env python3
# Table for MEASURED.md from kills-10m.txt and the restart logs in kill9-logs/ (k9-<label>-<run>-after.log).
import re, statistics as st, os
rows = []
for line in open("kills-10m.txt"):
    m = re.match(r"(\S+) kill (\d+): load=\[([^\]]*)\] kill->CEA (-?\d+) ms, kill->CCA (-?\d+) ms; kill->first log line (-?\d+) ms, "
                 r"kill->engine up (-?\d+) ms; stores open in (\d+) ms \(recovery=\w+, maps recovered=(\d+) \[([^\]]*)\], corruptions=(\d+); "
                 r"journal recovery: (\d+) records scanned; journal: (\d+) records read after seq (\d+)", line)
    if not m:
        continue
    label, run = m.group(1), m.group(2)
    log = f"kill9-logs/k9-{label}-{run}-after.log"
    report = locks = ""
    if os.path.exists(log):
        t = open(log).read()
        r = re.search(r"Report\[recordsScanned=\d+, (rolledForward=\[[^\]]*\], rolledBack=\d+, created=\d+, unresolved=\[[^\]]*\])", t)
        report = r.group(1) if r else "?"
        locks = "; ".join(sorted(set(re.sub(r"segment \d+", "segment", x) for x in
                re.findall(r"(\w+): segment \d+ lock left by the dead process: \[([^\]]*)\]", t) and
                [f"{a}: {'write' if 'write locked = true' in b else 'update' if 'update locked = true' in b else 'read'}"
                 for a, b in re.findall(r"(\S+): segment \d+ lock left by the dead process: \[([^\]]*)\]", t)])))
    rows.append(dict(run=f"{label}{run}", load=m.group(3).split()[0], cea=int(m.group(4)), cca=int(m.group(5)),
                     first=int(m.group(6)), up=int(m.group(7)), open=int(m.group(8)), rec=m.group(10) or "none",
                     corr=m.group(11), read=m.group(13), report=report, locks=locks or "none"))
print("| run | load avg (1 min) | kill → CCA 2001 | kill → CEA | kill → first log line | kill → engine up | stores open | map recovered by Chronicle | corruptions | records read after checkpoint | locks left by the dead process | journal replay report |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
s = lambda ms: f"{ms / 1000:.1f} s"
for r in rows:
    print(f"| {r['run']} | {r['load']} | **{s(r['cca'])}** | {s(r['cea'])} | {s(r['first'])} | {s(r['up'])} | {s(r['open'])} | {r['rec']} | {r['corr']} | {r['read']} | {r['locks']} | {r['report']} |")
if rows:
    c = [r["cca"] for r in rows]
    print(f"\nkill → CCA 2001 over {len(c)} kills: median {st.median(c) / 1000:.1f} s, min {min(c) / 1000:.1f} s, max {max(c) / 1000:.1f} s, "
          f"under 10 s: {sum(x < 10000 for x in c)} of {len(c)}")
