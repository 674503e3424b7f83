#!/usr/bin/env python3
# snap.py PID OUT : one line per thread: tid comm utime stime (ticks)
import os, sys
pid, out = sys.argv[1], sys.argv[2]
lines = []
for tid in os.listdir(f'/proc/{pid}/task'):
    try:
        s = open(f'/proc/{pid}/task/{tid}/stat').read()
    except OSError:
        continue
    comm = s[s.index('(')+1:s.rindex(')')].replace(' ', '_')
    f = s[s.rindex(')')+2:].split()
    # f[0] is field 3 (state); utime = field 14 -> f[11], stime = field 15 -> f[12]
    lines.append(f'{tid} {comm} {f[11]} {f[12]}')
open(out, 'w').write('\n'.join(lines) + '\n')
