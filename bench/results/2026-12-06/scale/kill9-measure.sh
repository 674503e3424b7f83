#!/bin/bash
# kill -9 of a served engine under load, then time to CEA and to a CCA 2001 from the restarted engine.
# bench/results/2026-11-25/scale/kill9-jars.sh unchanged in what it does and prints, except: output in /tmp/measure/k9,
# ports 5068/9180, and three more things printed per run: the restarted engine's WARN/ERROR lines (count + first),
# the probe's non-2001 answers (ServingProbe prints "answer <code> at <ms>" for those) and the load generator's last line.
# Run it under the box-wide lock:  flock /tmp/gyro-bench.lock ./kill9-measure.sh ...
# usage: kill9-measure.sh <label> <dataDir> <count> <run> <jarDir> [loadSeconds]
set -u
label=$1 dir=$2 count=$3 run=$4 jars=$5 secs=${6:-20}
cd $jars
flags=$(cat jvm.flags)
# The class data sharing archive ./gyro serve records and maps (see the launcher), when the jar directory has one
# (record it with: java $flags -XX:ArchiveClassesAtExit=gyro-serve.jsa -jar gyro.jar serve --stop-after-start
# --data-dir /tmp/scratch --set diameter.port=0 --set http.port=0): the restart is then timed as users start it.
cds=""
[ -f gyro-serve.jsa ] && cds="-Xlog:cds=off -Xlog:cds+dynamic=off -XX:SharedArchiveFile=gyro-serve.jsa"
out=/tmp/measure/k9
mkdir -p $out
log=$out/k9-$label-$run-before.log
java $flags $cds -jar gyro.jar serve --data-dir $dir --set diameter.port=5068 --set http.port=9180 > $log 2>&1 &
pid=$!
for i in $(seq 1 600); do grep -q "engine up" $log && break; sleep 0.5; done
java $flags -Xms1g -Xmx1g -cp benchmarks.jar io.gyro.bench.load.LoadGenerator --host 127.0.0.1 --port 5068 \
  --subscribers-from 8617000000001 --subscribers-count $count -c 1 -n 1000 -w 100 --warmup 5 -d $((secs + 40)) --drain-seconds 1 \
  --name k9-$label-$run --out $out --quiet > $out/k9-load-$label-$run.txt 2>&1 &
lpid=$!
sleep $secs
load=$(cut -d' ' -f1-3 /proc/loadavg)
t_kill=$(date +%s%3N)
kill -9 $pid
wait $pid 2>/dev/null
rlog=$out/k9-$label-$run-after.log
java $flags $cds -jar gyro.jar serve --data-dir $dir --set diameter.port=5068 --set http.port=9180 > $rlog 2>&1 &
rpid=$!
java $flags -Xmx256m -cp benchmarks.jar io.gyro.bench.load.ServingProbe --port 5068 --msisdn $((8617000000001 + count / 2)) \
  --interval-ms 20 > $out/k9-probe-$label-$run.txt 2>&1
cea=$(awk '/^cea/{print $2}' $out/k9-probe-$label-$run.txt)
cca=$(awk '/^cca/{print $2}' $out/k9-probe-$label-$run.txt)
kill $lpid 2>/dev/null; wait $lpid 2>/dev/null
first=$(date -d "$(head -1 $rlog | cut -c1-23)" +%s%3N)
upat=$(date -d "$(grep 'engine up in' $rlog | cut -c1-23)" +%s%3N)
echo "$label kill $run: load=[$load] kill->CEA $((cea - t_kill)) ms, kill->CCA $((cca - t_kill)) ms; kill->first log line $((first - t_kill)) ms, kill->engine up $((upat - t_kill)) ms; $(grep -o 'stores open in [0-9]* ms (recovery=[a-z]*, maps recovered=[0-9]* \[[^]]*\], corruptions=[0-9]*' $rlog); $(grep -o 'journal recovery: [0-9]* records scanned' $rlog); $(grep -o "journal: [0-9]* records read after seq [0-9]*[^,]*" $rlog); $(grep -o 'up in [0-9]* ms' $rlog)"
echo "  checks $run: restart log WARN/ERROR lines: $(grep -c ' WARN \| ERROR ' $rlog) $(grep -m1 ' WARN \| ERROR ' $rlog | cut -c1-200); probe non-2001 answers: $(grep -c '^answer' $out/k9-probe-$label-$run.txt); probe timeout: $(grep -c '^timeout' $out/k9-probe-$label-$run.txt); load generator (killed with the engine): $(tail -1 $out/k9-load-$label-$run.txt | cut -c1-200)"
kill -TERM $rpid; wait $rpid
echo "  clean stop $run: $(grep -o 'stopped cleanly.*' $rlog | head -1)"
