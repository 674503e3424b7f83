#!/usr/bin/env python3
# m2an.py RUNDIR : per-second join of the load generator's meas lines (timestamped on arrival) with sampler.py's
# 1 s samples (overlap-weighted onto each load-generator second (T-1, T]) and GC/safepoint pauses from the logs.
import sys, json, re, statistics as st, datetime as dt
d = sys.argv[1]
meas = []
for l in open(f'{d}/load.out'):
    x = l.split()
    if len(x) > 16 and x[1] == 'meas':
        meas.append({'T': float(x[0]), 'n': int(x[2]), 'ans': int(x[4]), 'p99': float(x[10]), 'max': float(x[16])})
S = [json.loads(l) for l in open(f'{d}/samples.jsonl')]
# charging thread(s) and diameter io threads by name
def tids(pref):
    r = set()
    for s in S:
        for tid, v in s['e'].items():
            if v[0].startswith(pref): r.add(tid)
    return r
chg = tids('gyro-charging'); dio = tids('gyro-diameter-i') | tids('gyro-diameter-a') | tids('nioEventLoop') | tids('null-')
ivs = []
for a, b in zip(S, S[1:]):
    def tsum(tset, i):
        return sum(b['e'][t][i] - a['e'].get(t, [0]*7)[i] for t in tset if t in b['e'])
    allt = set(b['e'])
    cd = [y - x for x, y in zip(a['cpu'], b['cpu'])]  # user nice system idle iowait irq softirq steal
    eng = tsum(allt, 1) + tsum(allt, 2)
    lg = (b['l'][0] + b['l'][1] - a['l'][0] - a['l'][1]) if 'l' in a and 'l' in b else 0
    busy = cd[0] + cd[1] + cd[2] + cd[5] + cd[6]
    ivs.append({'t0': a['t'], 't1': b['t'], 'user': cd[0] + cd[1], 'sys': cd[2] + cd[5] + cd[6], 'idle': cd[3],
        'iowait': cd[4], 'steal': cd[7], 'runnable': b['runnable'],
        'chg_cpu': tsum(chg, 1) + tsum(chg, 2), 'chg_delay_ms': tsum(chg, 4) / 1e6, 'chg_vol': tsum(chg, 5), 'chg_invol': tsum(chg, 6),
        'io_delay_ms': tsum(dio, 4) / 1e6, 'io_invol': tsum(dio, 6),
        'eng_cpu': eng, 'eng_delay_ms': tsum(allt, 4) / 1e6, 'eng_invol': tsum(allt, 6),
        'lg_cpu': lg, 'lg_delay_ms': ((b['l'][3] - a['l'][3]) / 1e6) if 'l' in a and 'l' in b else 0,
        'others_cpu': busy - eng - lg})
keys = [k for k in ivs[0] if k not in ('t0', 't1')]
def pauses(f, pat):
    r = []
    try:
        for l in open(f):
            m = re.match(r'\[(\S+?)\]\[[\d.]+s\]\s*(.*)', l)
            if not m: continue
            ts = dt.datetime.strptime(m.group(1)[:23], '%Y-%m-%dT%H:%M:%S.%f').replace(tzinfo=dt.timezone.utc).timestamp()
            p = pat(m.group(2))
            if p: r.append((ts, p[0], p[1]))  # end time, ms, text
    except FileNotFoundError:
        pass
    return r
def gcpat(s):
    m = re.search(r'(Pause \S+.*?)\s+\S+->\S+\s+([\d.]+)ms$', s)
    return (float(m.group(2)), m.group(1)) if m else None
def sppat(s):
    m = re.search(r'Safepoint "(\w+)".*Reaching safepoint: (\d+) ns,.*?At safepoint: (\d+) ns, Total: (\d+) ns', s)
    return (int(m.group(4)) / 1e6, f'{m.group(1)} reach {int(m.group(2))/1e6:.1f} at {int(m.group(3))/1e6:.1f}') if m else None
gc = pauses(f'{d}/gc.log', gcpat); sp = pauses(f'{d}/safepoint.log', sppat); lgc = pauses(f'{d}/lg-gc.log', gcpat)
rows = []
for m in meas:
    a, b = m['T'] - 1, m['T']
    r = dict(m)
    for k in keys:
        v = 0.0; w = 0.0
        for iv in ivs:
            o = min(b, iv['t1']) - max(a, iv['t0'])
            if o > 0:
                frac = o / (iv['t1'] - iv['t0'])
                if k == 'runnable': v = max(v, iv[k])
                else: v += iv[k] * frac
                w += o
        r[k] = v if w > 0.5 else None
    def inwin(lst, a, b):
        return [(ms, t) for (end, ms, t) in lst if end - ms / 1000 < b and end > a]
    r['gc'] = inwin(gc, a, b); r['gc_prev'] = inwin(gc, a - 1, a)
    r['sp'] = [x for x in inwin(sp, a, b) if x[0] >= 5]
    r['lgc'] = inwin(lgc, a, b)
    rows.append(r)
json.dump(rows, open(f'{d}/seconds.json', 'w'))
bad = [r for r in rows if r['max'] > 50000]; good = [r for r in rows if r['max'] <= 50000]
print(f'{d}: {len(rows)} measured seconds, {len(bad)} with max > 50 ms; sampler intervals {len(ivs)}')
print(f'GC pauses (engine/server) in measured seconds: {sum(len(r["gc"]) for r in rows)}, total {sum(len(gc) for _ in [0])} in log; '
      f'load generator GC pauses in measured seconds: {sum(len(r["lgc"]) for r in rows)}, max {max([p for r in rows for p, _ in r["lgc"]] or [0]):.1f} ms')
def agg(lst, k, fn):
    v = [r[k] for r in lst if r[k] is not None]
    return fn(v) if v else float('nan')
print('\n| per second (overlap-weighted) | bad seconds: mean / median / max | other seconds: mean / median / max |\n|---|---|---|')
for k in ['max', 'p99'] + keys:
    sc = 1000 if k in ('max', 'p99') else 1
    print(f'| {k}{" (ms)" if sc == 1000 else ""} | ' + ' | '.join(
        f'{agg(g, k, st.mean)/sc:.1f} / {agg(g, k, st.median)/sc:.1f} / {agg(g, k, max)/sc:.1f}' for g in (bad, good)) + ' |')
gcb = sum(1 for r in bad if r['gc'] or r['gc_prev']); gcg = sum(1 for r in good if r['gc'] or r['gc_prev'])
print(f'\nseconds with an engine GC pause in that second or the one before: bad {gcb}/{len(bad)}, other {gcg}/{len(good)}')
spb = sum(1 for r in bad if r['sp']); spg = sum(1 for r in good if r['sp'])
print(f'seconds with a safepoint >= 5 ms: bad {spb}/{len(bad)}, other {spg}/{len(good)}')
thr = 50
print(f'seconds with charging-thread run-delay > {thr} ms: bad {sum(1 for r in bad if (r["chg_delay_ms"] or 0) > thr)}/{len(bad)}, other {sum(1 for r in good if (r["chg_delay_ms"] or 0) > thr)}/{len(good)}')
print(f'seconds with steal > 0: bad {sum(1 for r in bad if (r["steal"] or 0) > 0)}, other {sum(1 for r in good if (r["steal"] or 0) > 0)}')
print('\n| s | UTC end | answers | p99 ms | max ms | steal | iowait | idle | runnable | chg cpu | chg run-delay ms | chg invol | io run-delay ms | eng run-delay ms | lg run-delay ms | others cpu | engine GC (this s; prev s) | safepoints >= 5 ms |')
print('|' + '---|' * 18)
for r in bad:
    f = lambda k, p=1: ('-' if r[k] is None else f'{r[k]:.{p}f}')
    t = dt.datetime.fromtimestamp(r['T'], dt.timezone.utc).strftime('%H:%M:%S')
    print(f"| {r['n']} | {t} | {r['ans']} | {r['p99']/1000:.1f} | {r['max']/1000:.1f} | {f('steal',0)} | {f('iowait',0)} | {f('idle',0)} | {f('runnable',0)} | {f('chg_cpu',0)} | {f('chg_delay_ms')} | {f('chg_invol',0)} | {f('io_delay_ms')} | {f('eng_delay_ms')} | {f('lg_delay_ms')} | {f('others_cpu',0)} | "
          f"{', '.join(f'{ms:.0f}' for ms, _ in r['gc']) or '-'}; {', '.join(f'{ms:.0f}' for ms, _ in r['gc_prev']) or '-'} | {', '.join(f'{ms:.0f} ({t})' for ms, t in r['sp']) or '-'} |")
# ranges of bad seconds
rng = []; 
for r in bad:
    if rng and rng[-1][1] == r['n'] - 1: rng[-1][1] = r['n']
    else: rng.append([r['n'], r['n']])
print('\nbad seconds (load generator second numbers, 21..200 measured): ' + ', '.join(f's{a}' if a == b else f's{a}-{b}' for a, b in rng))
gcall = [(end, ms, t) for end, ms, t in gc]
print('engine GC pauses during the measured part (UTC end, ms): ' + ', '.join(f"{dt.datetime.fromtimestamp(e, dt.timezone.utc).strftime('%H:%M:%S')} {ms:.0f}" for e, ms, t in gcall if meas[0]['T'] - 1 <= e <= meas[-1]['T']))
# onsets: the first bad second of each run of bad seconds (later ones in a run carry the backlog), with the second before it
print('\n#### onsets of bad runs (first bad second of each run, and the second before it)\n')
print('| s | max ms | idle (of 200) | runnable | others cpu (ticks) | engine cpu | chg cpu | chg run-delay ms | chg invol | eng run-delay ms | lg run-delay ms | engine GC ms (this s; prev s) | prev s: others cpu / chg run-delay ms / idle |')
print('|' + '---|' * 13)
byn = {r['n']: r for r in rows}
for a, b in rng:
    r = byn[a]; p = byn.get(a - 1)
    f = lambda x, k, q=0: '-' if x is None or x[k] is None else f'{x[k]:.{q}f}'
    print(f"| {a}{'' if a == b else f'-{b}'} | {r['max']/1000:.1f} | {f(r,'idle')} | {f(r,'runnable')} | {f(r,'others_cpu')} | {f(r,'eng_cpu')} | {f(r,'chg_cpu')} | {f(r,'chg_delay_ms')} | {f(r,'chg_invol')} | {f(r,'eng_delay_ms')} | {f(r,'lg_delay_ms')} | "
          f"{', '.join(f'{ms:.0f}' for ms, _ in r['gc']) or '-'}; {', '.join(f'{ms:.0f}' for ms, _ in r['gc_prev']) or '-'} | "
          + (f"{f(p,'others_cpu')} / {f(p,'chg_delay_ms')} / {f(p,'idle')}" if p else '-') + ' |')
# session snapshots from the engine log: "HH:MM:SS.mmm ... session snapshot at log seq N: ... D ms" -> [end - D, end]
snaps = []
try:
    for l in open(f'{d}/server.log'):
        m = re.match(r'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) .*\[(gyro-[\w-]*snapshot[\w-]*)\].* snapshot .*?(\d+) ms\s*$', l)
        if m:
            e = dt.datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S.%f').replace(tzinfo=dt.timezone.utc).timestamp()
            snaps.append((e - int(m.group(3)) / 1000, e, m.group(2), l.strip()[:160]))
except FileNotFoundError:
    pass
if snaps:
    def insnap(r): return any(a < r['T'] and b > r['T'] - 1 for a, b, _, _ in snaps)
    print('\n#### snapshots (from the engine log) against the seconds\n')
    for a, b, th, l in snaps:
        secs = [r['n'] for r in rows if a < r['T'] and b > r['T'] - 1]
        print(f"- {dt.datetime.fromtimestamp(a, dt.timezone.utc).strftime('%H:%M:%S.%f')[:-3]}-{dt.datetime.fromtimestamp(b, dt.timezone.utc).strftime('%H:%M:%S.%f')[:-3]} {th}: seconds {secs[0] if secs else '-'}-{secs[-1] if secs else '-'}, bad among them {sum(1 for r in rows if r['n'] in secs and r['max'] > 50000)}/{len(secs)}  ({l[l.find('snapshot at'):]})")
    ib = sum(1 for r in bad if insnap(r)); ig = sum(1 for r in good if insnap(r))
    print(f'\nseconds overlapping a session snapshot: bad {ib}/{len(bad)}, other {ig}/{len(good)}; P(bad | in snapshot) = {ib}/{ib+ig}, P(bad | not) = {len(bad)-ib}/{len(rows)-ib-ig}')
io5b = sum(1 for r in bad if (r['iowait'] or 0) >= 5); io5g = sum(1 for r in good if (r['iowait'] or 0) >= 5)
print(f'seconds with iowait >= 5 ticks: bad {io5b}/{len(bad)}, other {io5g}/{len(good)}')
