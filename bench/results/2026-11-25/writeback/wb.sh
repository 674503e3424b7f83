#!/bin/bash
# wb.sh ROUNDS : open loop 25k/s, writeback default vs periodic writeback off (restored after each run); needs root for sysctl
cd "${GDIR:-.}"  # a built checkout (mvn -B -q -DskipTests package)
for r in $(seq 1 $1); do
  for mode in default off; do
    if [ $mode = off ]; then sysctl -q vm.dirty_writeback_centisecs=0 vm.dirty_expire_centisecs=360000; fi
    L=$(cut -d' ' -f1 /proc/loadavg)
    bench/load.sh --embedded --set stores.maxSessions=3000000 --mode open -r 25000 -c 1 -n 2000 --warmup 30 -d 30 --out /tmp/wbruns --name wb-$mode-$r --quiet > /tmp/wb-$mode-$r.out 2>&1
    sysctl -q vm.dirty_writeback_centisecs=500 vm.dirty_expire_centisecs=3000
    echo "$mode r$r load $L: $(grep -oE 'step r25000: [0-9]+ answers/s; latency us p50 [0-9.]+ p90 [0-9.]+ p99 [0-9.]+ p99.9 [0-9.]+ max [0-9.]+' /tmp/wb-$mode-$r.out | head -1) $(grep -oE 'PASSED|FAILED' /tmp/wb-$mode-$r.out | head -1)"
  done
done
