#!/bin/bash
# m2.sh engine|null PORT HTTPPORT : open loop 46,000/s, 20 s warm-up, 180 s measured, against gyro serve (10,000 demo
# subscribers, GC log) or the null responder; sampler.py beside it (1 s); load generator lines timestamped.
set -u
S=$(cd "$(dirname "$0")" && pwd)
H=${H:-/tmp/gyro-profile}; J=${J:?jar directory (gyro.jar, lib/, benchmarks.jar, jvm.flags, config)}; FLAGS=$(cat $J/jvm.flags)
W=$1; P=$2; HP=$3; D=$H/m2-$W; rm -rf $D; mkdir -p $D
exec 9>/tmp/gyro-bench.lock; flock 9
echo "lock_acquired $(date -u +%FT%T.%3NZ) loadavg_before $(cat /proc/loadavg)" > $D/meta
cd $J
if [ $W = engine ]; then
  SCMD="java $FLAGS -Xlog:gc:file=$D/gc.log:time,uptime -Xlog:safepoint:file=$D/safepoint.log:time,uptime -jar gyro.jar serve --data-dir $D/data --set diameter.port=$P --set http.port=$HP --set demo.count=10000"
else
  SCMD="java $FLAGS -Xms1g -Xmx1g -Xlog:gc:file=$D/gc.log:time,uptime -Xlog:safepoint:file=$D/safepoint.log:time,uptime -cp benchmarks.jar io.gyro.bench.load.NullResponder --port $P"
fi
echo "server_cmd (cwd $J): $SCMD" >> $D/meta
$SCMD > $D/server.log 2>&1 &
SPID=$!; echo "server_pid $SPID" >> $D/meta
if [ $W = engine ]; then
  for _ in $(seq 1 600); do grep -q "engine up" $D/server.log && break; sleep 0.2; done
  grep -q "engine up" $D/server.log || { echo "engine did not start" >> $D/meta; kill $SPID; exit 1; }
else
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$P) 2>/dev/null && break; sleep 0.2; done
fi
echo "server_up $(date -u +%FT%T.%3NZ) loadavg $(cat /proc/loadavg)" >> $D/meta
python3 $S/sampler.py $D/samples.jsonl $SPID $D/lpid > $D/sampler.err 2>&1 &
SMP=$!
LG_CMD="java $FLAGS -Xms1g -Xmx1g -Xlog:gc:file=$D/lg-gc.log:time,uptime -cp benchmarks.jar io.gyro.bench.load.LoadGenerator --host 127.0.0.1 --port $P --subscribers-from 8617000000001 --subscribers-count 10000 --mode open -r 46000 -c 1 -n 2000 --warmup 20 -d 180 --out $D --name open-$W"
echo "loadgen_cmd (cwd $J): $LG_CMD" >> $D/meta
$LG_CMD > >(while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done > $D/load.out) 2>&1 &
LPID=$!; echo $LPID > $D/lpid; echo "loadgen_pid $LPID start $(date -u +%FT%T.%3NZ)" >> $D/meta
wait $LPID
echo "loadgen_done $(date -u +%FT%T.%3NZ)" >> $D/meta
sleep 1; kill $SMP; wait $SMP 2>/dev/null
kill -TERM $SPID; wait $SPID
echo "server_stopped $(date -u +%FT%T.%3NZ) rc $?" >> $D/meta
rm -rf $D/data
flock -u 9
