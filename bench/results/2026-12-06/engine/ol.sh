#!/bin/bash
# ol.sh RATE ROUNDS JAR[@waitStrategy]... : open loop at RATE, embedded engine; latency and CPU us/request (charging thread, event loop, JVM) over 10 s
mkdir -p ${RUNS:-/tmp/gyro-runs}
RATE=$1; N=$2; shift 2
F=$(cat ${GDIR:-.}/engine/target/jvm.flags)
cd ${GDIR:-.}
for i in $(seq 1 $N); do
  for E in "$@"; do
    J=${E%@*}; WS=""; [[ $E == *@* ]] && WS="--set pipeline.waitStrategy=${E#*@}"
    O=${RUNS:-/tmp/gyro-runs}/ol-$(basename $J .jar)-$(date +%H%M%S)
    exec 9>/tmp/gyro-bench.lock; flock 9
    L=$(cut -d' ' -f1 /proc/loadavg)
    java $F -Xms1g -Xmx1g -cp $J io.gyro.bench.load.LoadGenerator --embedded --set stores.maxSessions=2000000 $WS --mode open -r $RATE -c 1 -n 2000 --warmup 10 -d 20 --out $O --quiet > $O.out 2>&1 &
    sleep 17
    P=$(pgrep -f 'LoadGenerator --embedded' | head -1)
    T=$(grep -l gyro-charging /proc/$P/task/*/comm | head -1 | cut -d/ -f5)
    EL=$(grep -l gyro-diameter-i /proc/$P/task/*/comm | head -1 | cut -d/ -f5)
    c1=$(awk '{print $14+$15}' /proc/$P/task/$T/stat); e1=$(awk '{print $14+$15}' /proc/$P/task/$EL/stat); p1=$(awk '{print $14+$15}' /proc/$P/stat)
    sleep 10
    c2=$(awk '{print $14+$15}' /proc/$P/task/$T/stat); e2=$(awk '{print $14+$15}' /proc/$P/task/$EL/stat); p2=$(awk '{print $14+$15}' /proc/$P/stat)
    wait
    flock -u 9
    echo "$(basename $E) r$i load=$L $(grep -oE 'PASSED|FAILED' $O.out | head -1) $(grep -oE 'p50 [0-9.]+ p90 [0-9.]+ p99 [0-9.]+ p99.9 [0-9.]+ max [0-9.]+' $O.out | head -1) | us/req: charging $(echo "scale=2; ($c2-$c1)*10000/($RATE*10)" | bc) loop $(echo "scale=2; ($e2-$e1)*10000/($RATE*10)" | bc) jvm $(echo "scale=2; ($p2-$p1)*10000/($RATE*10)" | bc)"
  done
done
