#!/bin/bash
# kill -9 of a served engine under load, then time to CEA and to a CCA 2001 from the restarted engine.
# usage: kill9.sh <label> <dataDir> <count> <run>
set -u
label=$1 dir=$2 count=$3 run=$4
cd /tmp/scale-run
flags=$(cat jvm.flags)
mkdir -p /tmp/scale-results
log=/tmp/scale-results/k9-$label-$run-before.log
java $flags -jar gyro.jar serve --data-dir $dir --set diameter.port=3968 --set http.port=8180 > $log 2>&1 &
pid=$!
for i in $(seq 1 300); do grep -q "engine up" $log && break; sleep 0.5; done
java $flags -Xms1g -Xmx1g -cp benchmarks.jar io.gyro.bench.load.LoadGenerator --host 127.0.0.1 --port 3968 \
  --subscribers-from 8617000000001 --subscribers-count $count -c 1 -n 1000 -w 100 --warmup 5 -d 60 --drain-seconds 1 \
  --name k9-$label-$run --out /tmp/scale-results --quiet > /tmp/scale-results/k9-load-$label-$run.txt 2>&1 &
lpid=$!
sleep 20
load=$(cut -d' ' -f1-3 /proc/loadavg)
t_kill=$(date +%s%3N)
kill -9 $pid
wait $pid 2>/dev/null
rlog=/tmp/scale-results/k9-$label-$run-after.log
java $flags -jar gyro.jar serve --data-dir $dir --set diameter.port=3968 --set http.port=8180 > $rlog 2>&1 &
rpid=$!
java $flags -Xmx256m -cp benchmarks.jar io.gyro.bench.load.ServingProbe --port 3968 --msisdn $((8617000000001 + count / 2)) \
  --interval-ms 20 > /tmp/scale-results/k9-probe-$label-$run.txt 2>&1
cea=$(awk '/^cea/{print $2}' /tmp/scale-results/k9-probe-$label-$run.txt)
cca=$(awk '/^cca/{print $2}' /tmp/scale-results/k9-probe-$label-$run.txt)
kill $lpid 2>/dev/null; wait $lpid 2>/dev/null
echo "$label kill $run: load=[$load] kill->CEA $((cea - t_kill)) ms, kill->CCA $((cca - t_kill)) ms; $(grep -o 'stores open in [0-9]* ms (recovery=[a-z]*[^)]*)' $rlog); $(grep -o 'journal recovery: [0-9]* records scanned' $rlog); $(grep -o 'up in [0-9]* ms' $rlog)"
kill -TERM $rpid; wait $rpid
