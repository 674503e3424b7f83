#!/usr/bin/env python3
# jfr2.py THREAD_PREFIX PKG_REGEX TOPN_INC TOPN_SELF [EVENTFILE=samples.txt] : the two runs side by side
import sys, re, collections
pref, pkg, ni, ns = sys.argv[1], re.compile(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ev = sys.argv[5] if len(sys.argv) > 5 else 'samples.txt'
res = []
for r in (1, 2):
    t0, t1 = float(open(f'm1-r{r}/t0').read()), float(open(f'm1-r{r}/t1').read()); day0 = t0 - t0 % 86400
    txt = open(f'm1-r{r}/{ev}').read()
    inc = collections.Counter(); slf = collections.Counter(); n = 0
    for e in re.split(r'jdk\.\w+ \{', txt)[1:]:
        th = re.search(r'sampledThread = "([^"]*)"', e)
        tm = re.search(r'startTime = (\d+):(\d+):([\d.]+)', e)
        if not th or not th.group(1).startswith(pref) or not tm: continue
        t = day0 + int(tm.group(1))*3600 + int(tm.group(2))*60 + float(tm.group(3))
        if not (t0 <= t <= t1): continue
        fr = [re.sub(r'\(.*$', '', l.strip()) for l in e.split('stackTrace = [')[1].split('\n  ]')[0].strip().split('\n')]
        fr = [x for x in fr if x and x != '...']
        n += 1
        for m in set(fr): inc[m] += 1
        if fr: slf[fr[0]] += 1
    res.append((n, inc, slf))
def table(idx, filt, top, title):
    keys = collections.Counter()
    for n, *c in res:
        for m, v in c[idx].items():
            if filt(m): keys[m] += v / n / 2
    print(f'\n| {title} | run 1 ({res[0][0]} samples) | run 2 ({res[1][0]} samples) |\n|---|---|---|')
    for m, _ in keys.most_common(top):
        print(f'| `{m}` | ' + ' | '.join(f'{100*c[idx].get(m,0)/n:.1f} % ({c[idx].get(m,0)})' for n, *c in res) + ' |')
table(0, lambda m: bool(pkg.search(m)), ni, 'inclusive share (method on the stack)')
table(1, lambda m: True, ns, 'self share (top frame)')
