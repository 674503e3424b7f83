#!/bin/bash
# Profile one closed-loop run: engine (own JVM, perf-map flags) on a bulk-loaded dir, load generator against it,
# perf record of the gyro-charging thread (cpu-clock with call graphs + every user page fault: address, error code) for PROF_S seconds of the
# measured window, and the thread's fault/CPU counters from /proc before and after.
# usage: prof.sh <label> <dataDir> <count> <run>   (env: JDIR jar dir, OUT results dir, PROF_S, EXTRA engine opts)
set -u
label=$1 dir=$2 count=$3 run=$4
OUT=${OUT:-/tmp/scale/prof}; PROF_S=${PROF_S:-10}
mkdir -p $OUT
cd "$JDIR"
flags=$(cat jvm.flags)
log=$OUT/serve-$label-$run.log
java $flags -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer ${EXTRA:-} \
  -jar gyro.jar serve --data-dir $dir --set diameter.port=3968 --set http.port=8180 > $log 2>&1 &
pid=$!
for i in $(seq 1 300); do grep -q "engine up" $log && break; sleep 0.5; done
echo "$label $run start $(date +%T) load=[$(cut -d' ' -f1-3 /proc/loadavg)]"
java $flags -Xms1g -Xmx1g -cp benchmarks.jar io.gyro.bench.load.LoadGenerator --host 127.0.0.1 --port 3968 \
  --subscribers-from 8617000000001 --subscribers-count $count -c 1 -n 1000 -w 100 --warmup ${WARMUP:-10} -d 20 \
  --name prof-$label-$run --out $OUT --quiet > $OUT/load-$label-$run.txt 2>&1 &
lpid=$!
sleep $(( ${WARMUP:-10} + 5 ))
tid=$(grep -l gyro-charging /proc/$pid/task/*/comm | head -1 | cut -d/ -f5)
stat0=$(cut -d' ' -f10,12,14,15 /proc/$pid/task/$tid/stat)   # minflt majflt utime stime (ticks)
pstat0=$(cut -d' ' -f10,12,14,15 /proc/$pid/stat)
t0=$(date +%s.%N)
cat /proc/$pid/maps > $OUT/maps-$label-$run.txt
perf record -e 'cpu-clock/freq=999,call-graph=fp/' -e 'exceptions:page_fault_user/call-graph=no/' -t $tid -o $OUT/perf-$label-$run.data -- sleep $PROF_S > /dev/null 2>&1
t1=$(date +%s.%N)
stat1=$(cut -d' ' -f10,12,14,15 /proc/$pid/task/$tid/stat)
pstat1=$(cut -d' ' -f10,12,14,15 /proc/$pid/stat)
wait $lpid; rc=$?
kill -TERM $pid; wait $pid
tp=$(grep -o '"throughputPerSecond": [0-9.]*' $OUT/prof-$label-$run.json | head -1)
echo "$label run $run: rc=$rc $tp charging tid $tid [minflt majflt utime stime] before=[$stat0] after=[$stat1] process before=[$pstat0] after=[$pstat1] window=$(echo "$t1 - $t0" | bc) s end load=[$(cut -d' ' -f1-3 /proc/loadavg)]"
cp /tmp/perf-$pid.map $OUT/ 2>/dev/null; echo "perf map: /tmp/perf-$pid.map pid=$pid"
