#!/bin/bash
# ab2.sh ROUNDS DIR... : interleaved closed-loop runs; answers/s and charging-thread CPU us per request (10 s window)
R=$1; shift
for r in $(seq 1 $R); do
  for d in "$@"; do
    cd $d
    L=$(cut -d' ' -f1 /proc/loadavg)
    bench/load.sh --embedded --set stores.maxSessions=2000000 $EXTRA -c 1 -n 1000 -w 100 --warmup 10 -d 20 --out /tmp/abruns --quiet > /tmp/ab2.out 2>&1 &
    sleep 17
    P=$(pgrep -f LoadGenerator | head -1)
    T=$(grep -l gyro-charging /proc/$P/task/*/comm | head -1 | cut -d/ -f5)
    E=$(grep -l gyro-diameter-i /proc/$P/task/*/comm | head -1 | cut -d/ -f5)
    c1=$(awk '{print $14+$15}' /proc/$P/task/$T/stat); e1=$(awk '{print $14+$15}' /proc/$P/task/$E/stat)
    sleep 10
    c2=$(awk '{print $14+$15}' /proc/$P/task/$T/stat); e2=$(awk '{print $14+$15}' /proc/$P/task/$E/stat)
    wait
    rate=$(grep -oE 'step w100: [0-9]+' /tmp/ab2.out | head -1 | grep -oE '[0-9]+$')
    st=$(grep -oE 'PASSED|FAILED' /tmp/ab2.out | head -1)
    echo "$d r$r load $L rate $rate $st proc-cpu% $((c2-c1))/10s = $(echo "scale=2; ($c2-$c1)*10000/($rate*10)" | bc) us/req; server-loop $(echo "scale=2; ($e2-$e1)*10000/($rate*10)" | bc) us/req"
  done
done
