#!/bin/bash
# sync-probe.sh NAME WHAT [RATE] : open loop at RATE (25000) against an embedded engine in a fresh data dir,
# PIN=1: charging thread alone on CPU 1 (threads started later stay on both CPUs).
# EXTRA: more LoadGenerator options (e.g. "--set sessions.graceSeconds=10"); WARMUP, DURATION in seconds.
# fsyncing WHAT every second from the 8th second of the measurement on (WHAT: maps, journal, none).
# Records the charging thread's page faults and context switches per second and its off-CPU kernel stacks.
set -u
NAME=$1; WHAT=$2; RATE=${3:-25000}
R=${RUNS:-/tmp/gyro-runs}/s14; mkdir -p $R
O=$R/$NAME; D=$R/dd-$NAME
F=$(cat ${GDIR:-/work/main}/engine/target/jvm.flags)
JAR=${JAR:-$R/base.jar}
exec 9>/tmp/gyro-bench.lock; flock 9
rm -rf $D $O.done; mkdir -p $D
java $F -Xms1g -Xmx1g -cp $JAR io.gyro.bench.load.LoadGenerator --embedded --data-dir $D ${EXTRA:-} --mode open -r $RATE -c 1 -n 2000 --warmup ${WARMUP:-15} -d ${DURATION:-20} --out $O > $O.out 2>&1 &
J=$!
sleep 12
P=$(pgrep -f "data-dir $D" | head -1)
T=$(grep -l gyro-charging /proc/$P/task/*/comm | head -1 | cut -d/ -f5)
if [ -n "${PIN:-}" ]; then  # PIN=1: the charging thread alone on CPU 1, every other thread of the JVM on CPU 0
  for t in /proc/$P/task/*; do taskset -p -c 0 ${t##*/} >/dev/null; done; taskset -p -c 1 $T >/dev/null
fi
perf stat -e page-faults,context-switches,cpu-clock -I 1000 -t $T -- sleep ${STAT:-16} > $O.stat 2>&1 &
S=$!
( sleep 8; for i in $(seq 1 20); do
    case $WHAT in maps) sync $D/*.cm3;; journal) sync $D/journal/*;; esac; sleep 1; done ) &
L=$!
perf record -e sched:sched_switch -g -t $T -o $O.data -- sleep ${STAT:-16} >/dev/null 2>&1
wait $J; kill $L 2>/dev/null; wait $S
flock -u 9
echo "$NAME: $(grep -oE 'PASSED|FAILED' $O.out | head -1) $(grep '== step' $O.out | tail -1)"
echo "per-second p99/p99.9 (us): $(grep '^meas' $O.out | awk '{printf "%s:%d/%d ", $2, $10, $13}')"
echo "faults/s: $(grep page-faults $O.stat | awk '{print $2}' | paste -sd' ')"
echo "switches/s: $(grep context-switches $O.stat | awk '{print $2}' | paste -sd' ')"
perf report -i $O.data --no-children --stdio -g caller,2,callee --sort symbol 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60 | cut -c1-150 > $O.switch.txt
rm -rf $D
