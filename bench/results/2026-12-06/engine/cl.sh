#!/bin/bash
# cl.sh ROUNDS JAR[@waitStrategy]... : closed loop, embedded engine (each entry) and the null responder (first jar), alternated
mkdir -p ${RUNS:-/tmp/gyro-runs}
N=$1; shift
F=$(cat ${GDIR:-.}/engine/target/jvm.flags)
FIRST=${1%@*}
cd ${GDIR:-.}
for i in $(seq 1 $N); do
  for E in "$@" null; do
    L=$(cut -d' ' -f1 /proc/loadavg)
    J=${E%@*}; WS=""; [[ $E == *@* ]] && WS="--set pipeline.waitStrategy=${E#*@}"
    if [ $E = null ]; then JJ=$FIRST; M="--null-responder"; else JJ=$J; M="--embedded --set stores.maxSessions=2000000 $WS"; fi
    O=${RUNS:-/tmp/gyro-runs}/cl-$(basename $J .jar)-$(date +%H%M%S)
    flock /tmp/gyro-bench.lock java $F -Xms1g -Xmx1g -cp $JJ io.gyro.bench.load.LoadGenerator $M -c 1 -n 1000 -w 100 --warmup 10 -d 20 --out $O --quiet > $O.out 2>&1
    echo "$(basename $E) r$i load=$L $(grep -oE 'PASSED|FAILED' $O.out | head -1) $(grep -oE '[0-9.]+ answers/s' $O.out | head -1) $(grep -oE 'p50 [0-9.]+ [a-z]* *p90 [0-9.]+ [a-z]* *p99 [0-9.]+' $O.out | head -1) $(grep -oE '\([0-9]+ requests in [0-9]+ processor batches' $O.out)"
  done
done
