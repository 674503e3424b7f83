#!/bin/bash
# closed.sh ROUNDS CONNECTIONS WINDOW : closed loop, the engine (gyro serve on its defaults, 10,000 demo subscribers)
# and the null responder each in its own JVM, the same load generator in a third, alternated, each run under the
# box-wide lock; for the engine also the CPU per answered request of each of its threads over the 20 measured seconds.
# JDIRS="dirA dirB": several builds' engines, alternated with the null responder (of JDIR) in each round.
set -u
. "$(dirname "$0")/lib.sh"
N=$1; C=$2; W=$3
for r in $(seq 1 $N); do
  for what in ${JDIRS:-$JDIR} null; do
    exec 9>/tmp/gyro-bench.lock; flock 9
    if [ $what != null ]; then JDIR=$what; what=engine; fi
    name=closed-$what$([ $what = engine ] && basename $JDIR | sed 's/^/-/')-c$C-w$W-r$r; L=$(cut -d' ' -f1 /proc/loadavg)
    start_server $what $OUT/$name.server.log --set demo.count=10000 || exit 1
    java $FLAGS -Xms1g -Xmx1g -cp "$JDIR/benchmarks.jar" io.gyro.bench.load.LoadGenerator --port $PORT \
      -c $C -n 1000 -w $W --warmup 10 -d 20 --out $OUT --name $name --quiet > $OUT/$name.out 2>&1 &
    lpid=$!
    sleep 10.5; cpu_snapshot $SPID $OUT/$name.cpu0; sleep 20; cpu_snapshot $SPID $OUT/$name.cpu1
    wait $lpid
    tput=$(grep -o '"throughputPerSecond": [0-9.]*' $OUT/$name.json | head -1 | grep -o '[0-9.]*$')
    cpu=""; [ $what = engine ] && cpu=$(cpu_per_request $OUT/$name.cpu0 $OUT/$name.cpu1 $(echo "$tput * 20" | bc))
    stop_server
    flock -u 9
    echo "$name load=$L $(grep -oE 'PASSED|FAILED' $OUT/$name.out | head -1) tput=$tput p99_us=$(grep -oE 'p99 [0-9.]+' $OUT/$name.out | head -1 | cut -d' ' -f2) $cpu"
  done
done
