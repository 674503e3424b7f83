#!/usr/bin/env python3
# cpu.py RUNDIR : per-thread-group CPU (us per answered request) between cpu0 and cpu1
import sys, re, os
d = sys.argv[1]
def rd(f):
    r = {}
    for l in open(f):
        tid, comm, u, s = l.split()
        r[tid] = (comm, int(u), int(s))
    return r
a, b = rd(f'{d}/cpu0'), rd(f'{d}/cpu1')
t0, t1 = float(open(f'{d}/t0').read()), float(open(f'{d}/t1').read())
meas = [l.split() for l in open(f'{d}/load.out') if l.split()[1:2] == ['meas']]
answers_lines = sum(int(x[4]) for x in meas)
# answers inside the snapshot window [t0, t1]: each meas/warm line covers (T-1, T] of its arrival time T, overlap-weighted
allsec = [l.split() for l in open(f'{d}/load.out') if l.split()[1:2] in (['meas'], ['warm'])]
answers = sum(int(x[4]) * max(0.0, min(t1, float(x[0])) - max(t0, float(x[0]) - 1)) for x in allsec)
def group(c):
    if c.startswith('gyro-charging'): return 'gyro-charging-*'
    if c.startswith('gyro-diameter'): return 'Diameter event loop (gyro-diameter-*)'
    if c.startswith('gyro-cdr-export'): return 'cdr export'
    if c.startswith('gyro-wal-prefau'): return 'wal prefault'
    if c.startswith('gyro-journal'): return 'journal'
    if c.startswith('gyro-session-sn'): return 'session snapshot'
    if c.startswith('gyro-account-sn'): return 'account snapshot'
    if c.startswith('GC_Thread') or c.startswith('G1_'): return 'GC'
    if c.startswith('C1_Compiler') or c.startswith('C2_Compiler'): return 'C2/C1 compiler'
    if c.startswith('JFR'): return 'JFR (profiling overhead)'
    return 'other'
g = {}; per = {}
for tid, (comm, u, s) in b.items():
    u0, s0 = (a[tid][1], a[tid][2]) if tid in a else (0, 0)
    du, ds = u - u0, s - s0
    k = group(comm)
    x = g.setdefault(k, [0, 0]); x[0] += du; x[1] += ds
    if k == 'other' and du + ds > 0: per[comm] = per.get(comm, 0) + du + ds
print(f'snapshot window {t1-t0:.2f} s wall; {len(meas)} meas seconds: {answers_lines} answers ({answers_lines/len(meas):.0f}/s); answers overlap-weighted into the window: {answers:.0f} ({answers/(t1-t0):.0f}/s)')
order = ['gyro-charging-*','Diameter event loop (gyro-diameter-*)','cdr export','wal prefault','journal','session snapshot','account snapshot','GC','C2/C1 compiler','JFR (profiling overhead)','other']
tot = [0, 0]
print('| thread group | ticks user / sys | cores | us per request (user / sys) |')
print('|---|---|---|---|')
for k in order:
    u, s = g.get(k, [0, 0]); tot[0] += u; tot[1] += s
    if k not in g: print(f'| {k} | (no thread) | - | - |'); continue
    print(f'| {k} | {u} / {s} | {(u+s)/100/(t1-t0):.2f} | {(u+s)*1e4/answers:.2f} ({u*1e4/answers:.2f} / {s*1e4/answers:.2f}) |')
u, s = tot
print(f'| **total** | {u} / {s} | {(u+s)/100/(t1-t0):.2f} | **{(u+s)*1e4/answers:.2f}** ({u*1e4/answers:.2f} / {s*1e4/answers:.2f}) |')
print('other threads with ticks:', ', '.join(f'{k} {v}' for k, v in sorted(per.items(), key=lambda x: -x[1])))
