#!/bin/bash
# One throughput run: engine (gyro serve, own JVM) on a bulk-loaded dir, load generator closed loop against it.
# usage: tput.sh <label> <dataDir> <count> <run>
set -u
label=$1 dir=$2 count=$3 run=$4
cd "${JDIR:-/tmp/scale-run}"  # jar directory: gyro.jar, lib/, benchmarks.jar, jvm.flags, config/
flags=$(cat jvm.flags)
log=/tmp/scale-results/serve-$label-$run.log
mkdir -p /tmp/scale-results
java $flags -jar gyro.jar serve --data-dir $dir --set diameter.port=3968 --set http.port=8180 > $log 2>&1 &
pid=$!
for i in $(seq 1 300); do grep -q "engine up" $log && break; sleep 0.5; done
load=$(cut -d' ' -f1-3 /proc/loadavg)
java $flags -Xms1g -Xmx1g -cp benchmarks.jar io.gyro.bench.load.LoadGenerator --host 127.0.0.1 --port 3968 \
  --subscribers-from 8617000000001 --subscribers-count $count -c 1 -n 1000 -w 100 --warmup 10 -d 20 \
  --name scale-$label-$run --out /tmp/scale-results --quiet > /tmp/scale-results/load-$label-$run.txt 2>&1
rc=$?
kill -TERM $pid; wait $pid
tp=$(grep -o '"throughputPerSecond": [0-9.]*' /tmp/scale-results/scale-$label-$run.json | head -1)
echo "$label run $run: rc=$rc load=[$load] $tp $(grep -o 'stores open in [0-9]* ms' $log) $(grep -o 'up in [0-9]* ms' $log)"
