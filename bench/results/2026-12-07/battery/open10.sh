#!/bin/bash
# open10.sh RATE SECONDS : open loop at RATE for SECONDS (after a 20 s warm-up), the engine (gyro serve, defaults,
# 10,000 demo subscribers) then the null responder, each in its own JVM; the load generator's per-second lines give
# each second's p99 and maximum. Prints whole-run percentiles and the worst seconds.
set -u
. "$(dirname "$0")/lib.sh"
RATE=$1; SECS=$2
for what in engine null; do
  exec 9>/tmp/gyro-bench.lock; flock 9
  name=open-$what-$RATE-$SECS; L=$(cut -d' ' -f1 /proc/loadavg)
  start_server $what $OUT/$name.server.log --set demo.count=10000 || exit 1
  java $FLAGS -Xms1g -Xmx1g -cp "$JDIR/benchmarks.jar" io.gyro.bench.load.LoadGenerator --port $PORT --mode open \
    -r $RATE -c 1 -n 2000 --warmup 20 -d $SECS --out $OUT --name $name > $OUT/$name.out 2>&1
  stop_server
  flock -u 9
  echo "$name load=$L $(grep -oE 'PASSED|FAILED' $OUT/$name.out | head -1) $(grep '== step' $OUT/$name.out | tail -1)"
  echo "  $(grep 'answers by Result-Code' $OUT/$name.out | tail -1)"
  # per-second lines: "meas N s  A answers/s  p50 X us  p99 X us  p99.9 X us  max X us ..."
  med=$(grep '^meas' $OUT/$name.out | awk '{print $10}' | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]/1000}')
  grep '^meas' $OUT/$name.out | awk -v med="$med" '{ n++; if ($16 > 50000) over++; if ($16 > worst) { worst = $16; at = $2 }
      if ($10 > wp99) wp99 = $10 }
    END { printf "  %d seconds: median per-second p99 %s ms, worst per-second p99 %.1f ms, worst max %.1f ms (second %d), seconds with max > 50 ms: %d\n", n, med, wp99/1000, worst/1000, at, over }'
done
