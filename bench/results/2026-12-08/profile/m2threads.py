#!/usr/bin/env python3
# m2threads.py RUNDIR : per thread group over the measured part (first to last meas line): cores, run-delay per second, switches per second
import json, sys, collections
d = sys.argv[1]
T = [float(l.split()[0]) for l in open(f'{d}/load.out') if l.split()[1:2] == ['meas']]
a0, a1 = T[0] - 1, T[-1]
S = [json.loads(l) for l in open(f'{d}/samples.jsonl')]
s0 = min(S, key=lambda s: abs(s['t'] - a0)); s1 = min(S, key=lambda s: abs(s['t'] - a1)); w = s1['t'] - s0['t']
def g(c):
    for p, n in (('gyro-charging', 'charging'), ('gyro-diameter', 'Diameter event loops'), ('gyro-cdr-export', 'cdr export'), ('gyro-wal-pref', 'wal prefault'),
                 ('gyro-session-sn', 'session snapshot'), ('gyro-account-sn', 'account snapshot'), ('GC Thread', 'GC'), ('G1 ', 'GC'), ('C1 ', 'compiler'), ('C2 ', 'compiler')):
        if c.startswith(p): return n
    return 'other'
acc = collections.defaultdict(lambda: [0, 0, 0, 0])
for tid, v in s1['e'].items():
    o = s0['e'].get(tid, [v[0], 0, 0, 0, 0, 0, 0])
    x = acc[g(v[0])]; x[0] += v[1] + v[2] - o[1] - o[2]; x[1] += (v[4] - o[4]) / 1e6; x[2] += v[5] - o[5]; x[3] += v[6] - o[6]
print(f'{d}: {w:.0f} s of samples over the measured part\n\n| thread group | cores | run-delay (ms per s) | voluntary switches /s | involuntary /s |\n|---|---|---|---|---|')
tot = [0]*4
for k, x in sorted(acc.items(), key=lambda kv: -kv[1][0]):
    print(f'| {k} | {x[0]/100/w:.2f} | {x[1]/w:.0f} | {x[2]/w:.0f} | {x[3]/w:.0f} |'); tot = [a + b for a, b in zip(tot, x)]
print(f'| all | {tot[0]/100/w:.2f} | {tot[1]/w:.0f} | {tot[2]/w:.0f} | {tot[3]/w:.0f} |')
if 'l' in s0 and 'l' in s1:
    L = [b - a for a, b in zip(s0['l'], s1['l'])]
    print(f'| load generator (all threads) | {(L[0]+L[1])/100/w:.2f} | {L[3]/1e6/w:.0f} | {L[4]/w:.0f} | {L[5]/w:.0f} |')
c = [b - a for a, b in zip(s0['cpu'], s1['cpu'])]
print(f"\nbox (/proc/stat, per second of 200 ticks): user {(c[0]+c[1])/w:.0f}, sys {(c[2]+c[5]+c[6])/w:.0f}, idle {c[3]/w:.0f}, iowait {c[4]/w:.0f}, steal {c[7]/w:.0f}")
