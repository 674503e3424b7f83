#!/usr/bin/env python3
"""monitor.py OUT JAR PREFIX: follows the load generator's output OUT; snapshots the per-thread CPU of the JVM
running JAR (/proc/PID/task/*/stat, utime+stime) when the line 'warm 10 s' appears and when 'meas 28 s' appears,
and sums the answers of the per-second lines 'meas 11 s'..'meas 28 s' (the generator's own seconds between the two
lines). Writes PREFIX.snap0, PREFIX.snap1 and PREFIX.win ('seconds answers')."""
import os, re, subprocess, sys, time
out, jar, prefix = sys.argv[1:4]

def snap(pid, path, prev=None):
    tids = set()
    for _ in range(3):  # readdir of /proc/PID/task can skip entries while threads come and go
        tids |= set(os.listdir(f"/proc/{pid}/task"))
    tids |= set(prev or ())
    lines, seen = ["T %.6f" % time.time()], []
    for tid in sorted(tids):
        try:
            s = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue
        comm = s[s.index("(") + 1:s.rindex(")")]
        rest = s[s.rindex(")") + 2:].split()
        lines.append("%s\t%s\t%s\t%s" % (tid, comm, rest[11], rest[12]))  # fields 14 and 15
        seen.append(tid)
    open(path, "w").write("\n".join(lines) + "\n")
    return seen

pos, buf, pid, tids, t0, answers = 0, "", None, None, None, 0
deadline = time.time() + 900
while time.time() < deadline:
    try:
        with open(out) as f:
            f.seek(pos); chunk = f.read(); pos = f.tell()
    except FileNotFoundError:
        chunk = ""
    buf += chunk
    *done, buf = buf.split("\n")
    for l in done:
        if pid is None and l.startswith("== step"):
            pid = subprocess.run(["pgrep", "-f", "^java .*" + re.escape(jar)], capture_output=True, text=True).stdout.split()[0]
        m = re.match(r"(warm|meas) +(\d+) s +(\d+) answers/s", l)
        if not m:
            continue
        sec, n = int(m.group(2)), int(m.group(3))
        if m.group(1) == "warm" and sec == 10:
            tids = snap(pid, prefix + ".snap0"); t0 = time.time()
        elif m.group(1) == "meas" and 11 <= sec <= 28:
            answers += n
            if sec == 28:
                snap(pid, prefix + ".snap1", tids)
                open(prefix + ".win", "w").write("%.3f %d\n" % (time.time() - t0, answers))
                sys.exit(0)
    time.sleep(0.005)
sys.exit("timed out")
