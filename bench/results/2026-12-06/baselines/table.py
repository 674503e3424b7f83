#!/usr/bin/env python3
# Tables for MEASURED.md from the baseline-HHMM-<target>.json files in this directory (one stem per invocation).
import glob, json, re, statistics as st, sys
targets = ["null", "jdiameter-plain", "jdiameter-cca-session", "engine"]
runs = {}  # stem -> target -> row
load = {}  # report name -> load average printed by the test when that target started (from rN-output.txt)
for f in sorted(glob.glob("r*-output.txt")):
    for m in re.finditer(r"===== \S+ \(round \d+\), load average ([\d.]+): .*?--name, (baseline-[^,\]]+)", open(f).read()):
        load[m.group(2)] = m.group(1)
for f in sorted(glob.glob("baseline-*-*.json")):
    m = re.match(r"(baseline-\d{4})-(.+)\.json", f)
    stem, t = m.group(1), m.group(2)
    d = json.load(open(f)); s = d["steps"][0]; l = s["latencyUs"]
    runs.setdefault(stem, {})[t] = dict(load=load.get(f[:-5], "?"), tput=s["throughputPerSecond"], p50=l["p50"], p99=l["p99"], p999=l["p99.9"],
                                       passed=d["passed"], codes=d["resultCodes"], fail=d["failures"])
print("| invocation | server | load avg at its start | answers/s | p50 µs | p99 µs | p99.9 µs | answer check |")
print("|---|---|---|---|---|---|---|---|")
for stem, r in runs.items():
    for t in targets:
        if t in r:
            x = r[t]
            print(f"| {stem} | {t} | {x['load']} | {x['tput']:,.0f} | {x['p50']:,.0f} | {x['p99']:,.0f} | {x['p999']:,.0f} | "
                  f"{'PASSED' if x['passed'] else 'FAILED'} {x['codes']} |")
print()
print("| server | rounds | answers/s median (min-max) | p50 median | p99 median | p99.9 median |")
print("|---|---|---|---|---|---|")
med = {}
for t in targets:
    xs = [r[t] for r in runs.values() if t in r and r[t]["passed"]]
    if not xs: continue
    med[t] = st.median(x["tput"] for x in xs)
    g = lambda k: st.median(x[k] for x in xs)
    print(f"| {t} | {len(xs)} | {med[t]:,.0f} ({min(x['tput'] for x in xs):,.0f}-{max(x['tput'] for x in xs):,.0f}) | "
          f"{g('p50'):,.0f} | {g('p99'):,.0f} | {g('p999'):,.0f} |")
print()
print("| invocation | engine/null | engine/jDiameter CCA | engine/jDiameter plain |")
print("|---|---|---|---|")
for stem, r in runs.items():
    if all(t in r for t in targets):
        e = r["engine"]["tput"]
        print(f"| {stem} | {e / r['null']['tput']:.3f} | {e / r['jdiameter-cca-session']['tput']:.2f} | {e / r['jdiameter-plain']['tput']:.2f} |")
if len(med) == 4:
    print(f"| medians | {med['engine'] / med['null']:.3f} | {med['engine'] / med['jdiameter-cca-session']:.2f} | {med['engine'] / med['jdiameter-plain']:.2f} |")
