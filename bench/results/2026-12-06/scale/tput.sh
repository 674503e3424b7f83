#!/bin/bash
# One throughput run (as results/2026-11-25/scale/tput.sh): engine (gyro serve, own JVM) on a bulk-loaded dir, load
# generator closed loop against it (10 s warm-up, 20 s measured), plus the charging thread's page faults and CPU over the
# measured 20 s from /proc/<pid>/task/<tid>/stat (no profiler attached).
# usage: tput.sh <label> <dataDir> <count> <run>   (env: JDIR jar dir, OUT results dir, JOPTS engine JVM options, EXTRA engine --set options)
set -u
label=$1 dir=$2 count=$3 run=$4
OUT=${OUT:-/tmp/scale/tput}; mkdir -p $OUT
cd "$JDIR"
flags=$(cat jvm.flags)
log=$OUT/serve-$label-$run.log
java $flags ${JOPTS:-} -jar gyro.jar serve --data-dir $dir --set diameter.port=3968 --set http.port=8180 ${EXTRA:-} > $log 2>&1 &
pid=$!
for i in $(seq 1 300); do grep -q "engine up" $log && break; sleep 0.5; done
load=$(cut -d' ' -f1-3 /proc/loadavg)
java $flags -Xms1g -Xmx1g -cp benchmarks.jar io.gyro.bench.load.LoadGenerator --host 127.0.0.1 --port 3968 \
  --subscribers-from 8617000000001 --subscribers-count $count -c 1 -n 1000 -w 100 --warmup ${WARMUP:-10} -d 20 \
  --name scale-$label-$run --out $OUT --quiet > $OUT/load-$label-$run.txt 2>&1 &
lpid=$!
sleep $(echo "${WARMUP:-10} + 0.3" | bc)
tid=$(grep -l gyro-charging /proc/$pid/task/*/comm | head -1 | cut -d/ -f5)
s0=($(cut -d' ' -f10,12,14,15 /proc/$pid/task/$tid/stat))
v0=($(awk '$1=="nr_dirtied"||$1=="nr_written"{print $2}' /proc/vmstat))
sleep 20
s1=($(cut -d' ' -f10,12,14,15 /proc/$pid/task/$tid/stat))
v1=($(awk '$1=="nr_dirtied"||$1=="nr_written"{print $2}' /proc/vmstat))
wait $lpid; rc=$?
kill -TERM $pid; wait $pid
tp=$(grep -o '"throughputPerSecond": [0-9.]*' $OUT/scale-$label-$run.json | head -1 | grep -o '[0-9.]*$')
req=$(echo "$tp * 20" | bc)
echo "$label run $run: rc=$rc load=[$load] tput=$tp charging-thread(20s): minflt=$((s1[0]-s0[0])) majflt=$((s1[1]-s0[1])) utime=$((s1[2]-s0[2])) stime=$((s1[3]-s0[3])) ticks, faults/req=$(echo "scale=4; ($((s1[0]-s0[0]+s1[1]-s0[1])))/$req" | bc) cpu-us/req=$(echo "scale=2; ($((s1[2]-s0[2]+s1[3]-s0[3]))*10000)/$req" | bc) box-pages-dirtied/req=$(echo "scale=3; $((v1[0]-v0[0]))/$req" | bc) box-pages-written=$((v1[1]-v0[1])) $(grep -o 'stores open in [0-9]* ms' $log) $(grep -o 'up in [0-9]* ms' $log) end-load=[$(cut -d' ' -f1-3 /proc/loadavg)]"
