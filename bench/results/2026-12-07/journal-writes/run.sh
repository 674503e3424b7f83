#!/bin/bash
# run.sh NAME JAR: one closed-loop run (1 x 100, embedded engine, 10 s warm-up, 20 s measured) under the bench lock,
# with monitor.py taking the per-thread CPU (/proc/PID/task/*/stat) between the generator's lines 'warm 10 s' and
# 'meas 28 s'. Output in $RUNS (default /tmp/gyro-runs/journal): NAME.out, NAME.snap0/.snap1/.win, NAME.cpu.
# Run from the checkout root (engine/target/jvm.flags).
set -u
NAME=$1; JAR=$2; S=$(cd "$(dirname "$0")" && pwd); D=${RUNS:-/tmp/gyro-runs/journal}; O=$D/$NAME
mkdir -p $D
F=$(cat engine/target/jvm.flags)
# best effort: let other people's builds and tests (not under the lock) finish first, at most 10 min
for i in $(seq 1 600); do pgrep -f "plexus-classworlds|surefirebooter" >/dev/null || break; sleep 1; done
rm -f $O.out $O.snap0 $O.snap1 $O.win
python3 $S/monitor.py $O.out $JAR $O &
MON=$!
L0=$(cut -d' ' -f1 /proc/loadavg)
flock /tmp/gyro-bench.lock java $F -Xms1g -Xmx1g -cp $JAR io.gyro.bench.load.LoadGenerator --embedded \
  --set stores.maxSessions=2000000 -c 1 -n 1000 -w 100 --warmup 10 -d 20 --out $O > $O.out 2>&1
wait $MON
OTHERS=$(pgrep -fc "plexus-classworlds|surefirebooter")
echo "== $NAME $(date +%T) load-before $L0 other-mvn-after $OTHERS | $(grep -oE '== step w100: [0-9.]+ answers/s; latency us p50 [0-9.]+ p90 [0-9.]+ p99 [0-9.]+' $O.out | head -1)"
python3 $S/cpu.py $O | tee $O.cpu
