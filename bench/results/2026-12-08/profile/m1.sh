#!/bin/bash
# m1.sh RUN PORT HTTPPORT : gyro serve (10,000 demo subscribers) with a JFR profile, closed loop 1 x 100,
# warm-up 10 s, 30 s measured; per-thread CPU snapshots at the load generator's "warm 10 s" and "meas 40 s" lines.
set -u
S=$(cd "$(dirname "$0")" && pwd)
H=${H:-/tmp/gyro-profile}; J=${J:?jar directory (gyro.jar, lib/, benchmarks.jar, jvm.flags, config)}; FLAGS=$(cat $J/jvm.flags)
R=$1; P=$2; HP=$3; D=$H/m1-r$R; rm -rf $D; mkdir -p $D
exec 9>/tmp/gyro-bench.lock; flock 9
echo "lock_acquired $(date -u +%FT%T.%3NZ) loadavg_before $(cat /proc/loadavg)" > $D/meta
cd $J
ENGINE_CMD="java $FLAGS -XX:StartFlightRecording=filename=$D/engine.jfr,settings=profile -jar gyro.jar serve --data-dir $D/data --set diameter.port=$P --set http.port=$HP --set demo.count=10000"
echo "engine_cmd (cwd $J): $ENGINE_CMD" >> $D/meta
$ENGINE_CMD > $D/server.log 2>&1 &
SPID=$!; echo "engine_pid $SPID" >> $D/meta
for _ in $(seq 1 600); do grep -q "engine up" $D/server.log && break; sleep 0.2; done
grep -q "engine up" $D/server.log || { echo "engine did not start" >> $D/meta; kill $SPID; exit 1; }
echo "engine_up $(date -u +%FT%T.%3NZ) loadavg $(cat /proc/loadavg)" >> $D/meta
LG_CMD="java $FLAGS -Xms1g -Xmx1g -cp benchmarks.jar io.gyro.bench.load.LoadGenerator --host 127.0.0.1 --port $P --subscribers-from 8617000000001 --subscribers-count 10000 -c 1 -n 1000 -w 100 --warmup 10 -d 30 --out $D --name closed"
echo "loadgen_cmd (cwd $J): $LG_CMD" >> $D/meta
$LG_CMD 2>&1 | while IFS= read -r line; do
  printf '%s %s\n' "$EPOCHREALTIME" "$line"
  case "$line" in
    "warm  10 s"*) python3 $S/snap.py $SPID $D/cpu0; echo "$EPOCHREALTIME" > $D/t0;;
    "meas  40 s"*) python3 $S/snap.py $SPID $D/cpu1; echo "$EPOCHREALTIME" > $D/t1;;
  esac
done > $D/load.out
echo "loadgen_done $(date -u +%FT%T.%3NZ)" >> $D/meta
kill -TERM $SPID; wait $SPID
echo "engine_stopped $(date -u +%FT%T.%3NZ) rc $?" >> $D/meta
rm -rf $D/data
flock -u 9
