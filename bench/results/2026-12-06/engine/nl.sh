#!/bin/bash
# nl.sh ROUNDS JAR... : closed loop against the null responder of each jar, alternated (1 connection, 100 in flight)
mkdir -p ${RUNS:-/tmp/gyro-runs}
N=$1; shift
F=$(cat ${GDIR:-.}/engine/target/jvm.flags)
cd ${GDIR:-.}
for i in $(seq 1 $N); do
  for J in "$@"; do
    L=$(cut -d' ' -f1 /proc/loadavg)
    O=${RUNS:-/tmp/gyro-runs}/nl-$(basename $J .jar)-$(date +%H%M%S)
    flock /tmp/gyro-bench.lock java $F -Xms1g -Xmx1g -cp $J io.gyro.bench.load.LoadGenerator --null-responder -c 1 -n 1000 -w 100 --warmup 10 -d 20 --out $O --quiet > $O.out 2>&1
    echo "$(basename $J) r$i load=$L $(grep -oE 'PASSED|FAILED' $O.out | head -1) $(grep -oE '[0-9.]+ answers/s' $O.out | head -1) $(grep -oE 'p50 [0-9.]+ [a-z]* *p90 [0-9.]+ [a-z]* *p99 [0-9.]+' $O.out | head -1)"
  done
done
