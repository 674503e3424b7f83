#!/usr/bin/env python3
"""Classify perf script samples (-F event,ip,sym) of the charging thread: share of cpu-clock samples in page
faults (by kind) and syscalls, and by engine operation (nearest io.gyro frame + the Chronicle call under it).
usage: classify.py FILE.script [top]"""
import sys, collections, re
path = sys.argv[1]; top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
samples = []
cur = None
for line in open(path, errors='replace'):
    if not line.startswith('\t') and line.strip():
        ev = line.split(':')[0].strip()
        cur = [ev, []]; samples.append(cur)
    elif line.strip() and cur is not None:
        parts = line.strip().split(None, 1)
        cur[1].append(parts[1] if len(parts) > 1 else '?')
def short(f):
    m = re.search(r'([\w$]+\.[\w$<>]+)\(', f)
    return m.group(1) if m else f.split('(')[0][-60:]
def fault_kind(fr):
    s = ' '.join(fr)
    if 'exc_page_fault' not in s: return None
    for k in ('do_wp_page', 'wp_page_shared', 'do_shared_fault', 'do_read_fault', 'do_anonymous_page', 'do_swap_page'):
        if k in s: return k
    return 'fault-other'
def op(fr):
    g = None; chron = None
    for f in fr:
        if 'io.gyro.' in f:
            g = short(f); break
        if 'openhft' in f and chron is None and ('Map.' in f or 'Store' in f):
            chron = short(f)
    # outermost chronicle entry point just under the gyro frame
    outer = None
    for f in fr:
        if 'io.gyro.' in f: break
        if 'net.openhft.chronicle.map.VanillaChronicleMap' in f or 'ChronicleMap.' in f or 'AbstractChronicleMap' in f:
            outer = short(f)
    return (g or '-') + (' > ' + outer if outer else '')
for ev in sorted(set(s[0] for s in samples)):
    ss = [s for s in samples if s[0] == ev]
    n = len(ss)
    print(f'== {ev}: {n} samples')
    if ev.startswith('cpu-clock'):
        fk = collections.Counter(fault_kind(s[1]) for s in ss)
        for k, c in fk.most_common():
            print(f'  fault {k}: {100.0*c/n:.1f}%')
        sysc = collections.Counter()
        for s in ss:
            if fault_kind(s[1]) is None:
                j = ' '.join(s[1])
                if 'entry_SYSCALL' in j or 'do_syscall' in j:
                    m = [short(f) for f in s[1] if '__x64_sys' in f or '__do_sys' in f]
                    sysc[m[0] if m else 'syscall?'] += 1
        for k, c in sysc.most_common(6):
            print(f'  syscall {k}: {100.0*c/n:.1f}%')
    ops = collections.Counter(op(s[1]) for s in ss)
    opf = collections.Counter(op(s[1]) for s in ss if fault_kind(s[1]))
    for k, c in ops.most_common(top):
        print(f'  {100.0*c/n:5.1f}%  (in faults {100.0*opf[k]/n:4.1f}%)  {k}')
