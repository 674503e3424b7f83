import json, statistics as st
runs = [('engine b', 'm2-engine-b'), ('engine a (Maven running)', 'm2-engine'), ('null a', 'm2-null')]
labels = [('max', 'max latency (ms)', 1000), ('p99', 'p99 (ms)', 1000), ('steal', 'steal ticks/s', 1), ('iowait', 'iowait ticks/s', 1), ('user', 'user ticks/s', 1), ('sys', 'sys (+irq+softirq) ticks/s', 1), ('idle', 'idle ticks/s (of 200)', 1),
  ('runnable', 'runnable (loadavg 4th field, max in the second)', 1), ('others_cpu', 'others cpu ticks/s', 1), ('eng_cpu', 'server cpu ticks/s', 1), ('lg_cpu', 'load generator cpu ticks/s', 1),
  ('chg_cpu', 'charging thread cpu ticks/s', 1), ('chg_delay_ms', 'charging thread run-delay ms/s', 1), ('chg_vol', 'charging thread voluntary switches/s', 1), ('chg_invol', 'charging thread involuntary switches/s', 1),
  ('io_delay_ms', 'Diameter threads run-delay ms/s', 1), ('io_invol', 'Diameter threads involuntary switches/s', 1), ('eng_delay_ms', 'all server threads run-delay ms/s', 1), ('eng_invol', 'all server threads involuntary switches/s', 1), ('lg_delay_ms', 'load generator run-delay ms/s', 1)]
cols = []
for name, d in runs:
    rows = json.load(open(f'{d}/seconds.json'))
    bad = [r for r in rows if r['max'] > 50000]; good = [r for r in rows if r['max'] <= 50000]
    if bad: cols.append((f'{name}: bad ({len(bad)})', bad))
    cols.append((f'{name}: {"other" if bad else "all"} ({len(good)})', good))
print('| median per second (mean) | ' + ' | '.join(c[0] for c in cols) + ' |')
print('|---|' + '---|' * len(cols))
for k, lab, sc in labels:
    out = []
    for _, rs in cols:
        v = [r[k] for r in rs if r.get(k) is not None]
        out.append(f'{st.median(v)/sc:.1f} ({st.mean(v)/sc:.1f})' if v else '-')
    print(f'| {lab} | ' + ' | '.join(out) + ' |')
def cnt(rs, f): return sum(1 for r in rs if f(r))
for lab, f in [('engine GC pause in the second or the one before', lambda r: bool(r['gc'] or r['gc_prev'])), ('safepoint >= 5 ms', lambda r: bool(r['sp'])),
               ('load generator GC pause in the second', lambda r: bool(r['lgc'])), ('steal > 0', lambda r: (r['steal'] or 0) > 0), ('iowait >= 5 ticks', lambda r: (r['iowait'] or 0) >= 5),
               ('charging run-delay > 500 ms', lambda r: (r['chg_delay_ms'] or 0) > 500), ('others cpu > 30 ticks', lambda r: (r['others_cpu'] or 0) > 30)]:
    print(f'| seconds with {lab} | ' + ' | '.join(f'{cnt(rs, f)}' for _, rs in cols) + ' |')
