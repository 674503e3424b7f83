#!/usr/bin/env python3
# sampler.py OUT ENGINE_PID [LOADGEN_PID_FILE] : every 1 s, one JSON line: wall time, /proc/stat cpu deltas,
# /proc/loadavg runnable, per-thread (engine) cpu ticks, schedstat run-delay, voluntary/nonvoluntary switches,
# and the load generator's totals (when its pid file appears).
import os, sys, time, json
out, epid = sys.argv[1], sys.argv[2]
lpf = sys.argv[3] if len(sys.argv) > 3 else None
def cpu():
    f = open('/proc/stat').readline().split()
    return [int(x) for x in f[1:9]]  # user nice system idle iowait irq softirq steal
def threads(pid):
    r = {}
    try:
        tids = os.listdir(f'/proc/{pid}/task')
    except OSError:
        return None
    for tid in tids:
        try:
            s = open(f'/proc/{pid}/task/{tid}/stat').read()
            comm = s[s.index('(')+1:s.rindex(')')]
            f = s[s.rindex(')')+2:].split()
            sch = open(f'/proc/{pid}/task/{tid}/schedstat').read().split()
            vol = nv = 0
            for line in open(f'/proc/{pid}/task/{tid}/status'):
                if line.startswith('voluntary_ctxt_switches'): vol = int(line.split()[1])
                elif line.startswith('nonvoluntary_ctxt_switches'): nv = int(line.split()[1])
            r[tid] = [comm, int(f[11]), int(f[12]), int(sch[0]), int(sch[1]), vol, nv]
        except (OSError, ValueError, IndexError):
            pass
    return r
o = open(out, 'a', buffering=1)
nxt = time.time()
while True:
    lpid = None
    if lpf and os.path.exists(lpf):
        try: lpid = open(lpf).read().strip()
        except OSError: pass
    t = time.time()
    la = open('/proc/loadavg').read().split()
    et = threads(epid)
    if et is None:
        break
    rec = {'t': round(t, 3), 'cpu': cpu(), 'runnable': int(la[3].split('/')[0]), 'loadavg1': float(la[0]), 'e': et}
    if lpid:
        lt = threads(lpid)
        if lt:
            tot = [0]*6
            for v in lt.values():
                for i in range(6): tot[i] += v[i+1]
            rec['l'] = tot  # utime stime run_ns delay_ns vol nonvol, summed over the load generator's threads
    o.write(json.dumps(rec) + '\n')
    nxt += 1.0
    d = nxt - time.time()
    if d > 0: time.sleep(d)
