#!/usr/bin/env python3
"""Page faults of the charging thread by file and kind, from `perf script -F event,trace` of
exceptions:page_fault_user and the engine's /proc/<pid>/maps. usage: faults.py SCRIPT MAPS SECONDS REQUESTS"""
import sys, re, collections, bisect
script, maps = sys.argv[1], sys.argv[2]
secs = float(sys.argv[3]) if len(sys.argv) > 3 else 0; reqs = float(sys.argv[4]) if len(sys.argv) > 4 else 0
regions = []
for line in open(maps):
    p = line.split()
    a, b = (int(x, 16) for x in p[0].split('-'))
    name = p[5] if len(p) > 5 else '[anon]'
    name = 'journal/*' if '/journal/' in name else re.sub(r'.*/', '', name)
    name = re.sub(r'accounts-\d\d\.cm3', 'accounts-NN.cm3', name)
    regions.append((a, b, name))
regions.sort()
starts = [r[0] for r in regions]
def where(addr):
    i = bisect.bisect_right(starts, addr) - 1
    if i >= 0 and regions[i][0] <= addr < regions[i][1]: return regions[i][2]
    return '?'
c = collections.Counter(); n = 0
for line in open(script, errors='replace'):
    m = re.search(r'address=(0x[0-9a-f]+).*error_code=(0x[0-9a-f]+)', line)
    if not m: continue
    addr = int(m.group(1), 16); ec = int(m.group(2), 16)
    kind = ('write' if ec & 2 else 'read') + ('/present(wp)' if ec & 1 else '/not-mapped')
    c[(where(addr), kind)] += 1; n += 1
print(f'{n} faults' + (f', {n/secs:.0f}/s, {n/reqs:.4f} per request' if secs and reqs else ''))
for (f, k), v in c.most_common(20):
    print(f'  {v:8d} {100.0*v/n:5.1f}%' + (f' {v/reqs:.4f}/req' if reqs else '') + f'  {f:28s} {k}')
