#!/usr/bin/env python3
# jfrsum.py SAMPLES.txt T0 T1 THREAD_PREFIX [PKG_REGEX] [TOPN] [CHILDREN_OF...]
# jdk.ExecutionSample text (jfr print --stack-depth 64) -> samples of threads whose name starts with THREAD_PREFIX,
# startTime within [T0, T1] (epoch seconds; startTime read as UTC time of day). Inclusive share per method (counted
# once per sample), self (top frame) share, and the direct callees' inclusive shares of the methods named.
import sys, re, time, collections
f, t0, t1, pref = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
pkg = re.compile(sys.argv[5] if len(sys.argv) > 5 else r'^io\.gyro\.')
topn = int(sys.argv[6]) if len(sys.argv) > 6 else 20
kids_of = sys.argv[7:]
day0 = t0 - (t0 % 86400)
def tod(s):
    h, m, x = s.split(':'); return day0 + int(h)*3600 + int(m)*60 + float(x)
samples = []; cur = None; inst = False
for line in open(f):
    s = line.strip()
    if s.startswith('jdk.ExecutionSample'): cur = {'frames': []}; inst = False
    elif cur is None: continue
    elif s.startswith('startTime'): cur['t'] = tod(s.split('=')[1].split()[0])
    elif s.startswith('sampledThread'): cur['th'] = s.split('"')[1]
    elif s.startswith('stackTrace'): inst = True
    elif inst and s == ']': inst = False
    elif inst:
        if s == '...': cur['trunc'] = True
        else: cur['frames'].append(re.sub(r'\(.*$', '', s))
    elif s == '}':
        samples.append(cur); cur = None
allw = [x for x in samples if t0 <= x.get('t', 0) <= t1]
sel = [x for x in allw if x.get('th', '').startswith(pref)]
n = len(sel)
threads = collections.Counter(x['th'] for x in sel)
print(f'samples in window: {len(allw)} (all threads); {n} on {dict(threads)}; truncated at 64 frames: {sum(1 for x in sel if x.get("trunc"))}')
inc = collections.Counter(); slf = collections.Counter()
for x in sel:
    for m in set(x['frames']): inc[m] += 1
    if x['frames']: slf[x['frames'][0]] += 1
print(f'\n#### inclusive share, methods matching {pkg.pattern} (top {topn})\n\n| method | samples | share |\n|---|---|---|')
for m, c in [(m, c) for m, c in inc.most_common() if pkg.search(m)][:topn]:
    print(f'| `{m}` | {c} | {100*c/n:.1f} % |')
print(f'\n#### self (top frame), any package (top 15)\n\n| frame | samples | share |\n|---|---|---|')
for m, c in slf.most_common(15):
    print(f'| `{m}` | {c} | {100*c/n:.1f} % |')
for k in kids_of:
    ch = collections.Counter(); tot = 0
    for x in sel:
        fr = x['frames']
        if k not in fr: continue
        tot += 1
        i = min(j for j, m in enumerate(fr) if m == k)  # innermost occurrence
        ch[fr[i-1] if i > 0 else '(self)'] += 1
    print(f'\n#### direct callees of `{k}` ({tot} samples, {100*tot/max(n,1):.1f} %)\n\n| callee | samples | share of thread |\n|---|---|---|')
    for m, c in ch.most_common(14):
        print(f'| `{m}` | {c} | {100*c/n:.1f} % |')
