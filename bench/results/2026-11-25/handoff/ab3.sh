#!/bin/bash
# ab3.sh RATE ROUNDS DIR... : open loop at RATE; CPU us per request of charging thread, server event loop, whole JVM (10 s window)
RATE=$1; R=$2; shift 2
for r in $(seq 1 $R); do
  for d in "$@"; do
    cd $d
    L=$(cut -d' ' -f1 /proc/loadavg)
    bench/load.sh --embedded --set stores.maxSessions=2000000 $EXTRA --mode open -r $RATE -c 1 -n 2000 --warmup 10 -d 20 --out /tmp/abruns --quiet > /tmp/ab3.out 2>&1 &
    sleep 17
    P=$(pgrep -f LoadGenerator | head -1)
    T=$(grep -l gyro-charging /proc/$P/task/*/comm | head -1 | cut -d/ -f5)
    E=$(grep -l gyro-diameter-i /proc/$P/task/*/comm | head -1 | cut -d/ -f5)
    c1=$(awk '{print $14+$15}' /proc/$P/task/$T/stat); e1=$(awk '{print $14+$15}' /proc/$P/task/$E/stat); p1=$(awk '{print $14+$15}' /proc/$P/stat)
    sleep 10
    c2=$(awk '{print $14+$15}' /proc/$P/task/$T/stat); e2=$(awk '{print $14+$15}' /proc/$P/task/$E/stat); p2=$(awk '{print $14+$15}' /proc/$P/stat)
    wait
    st=$(grep -oE 'PASSED|FAILED' /tmp/ab3.out | head -1)
    lat=$(grep -oE 'p50 [0-9.]+ p90 [0-9.]+ p99 [0-9.]+' /tmp/ab3.out | head -1)
    echo "$d r$r load $L $st $lat | us/req: proc $(echo "scale=2; ($c2-$c1)*10000/($RATE*10)" | bc) loop $(echo "scale=2; ($e2-$e1)*10000/($RATE*10)" | bc) jvm $(echo "scale=2; ($p2-$p1)*10000/($RATE*10)" | bc)"
  done
done
