#!/bin/bash
# lprof.sh OUT : profile the charging thread of an embedded closed-loop run
OUT=$1
cd "${GDIR:-.}"  # a built checkout
GYRO_LOAD_JAVA_OPTS="-Xms1g -Xmx1g -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer" bench/load.sh --embedded --set stores.maxSessions=2000000 -c 1 -n 1000 -w 100 --warmup 10 -d 20 --out /tmp/$OUT --quiet > /tmp/$OUT.out 2>&1 &
sleep 16
P=$(pgrep -f LoadGenerator | head -1)
T=$(grep -l gyro-charging /proc/$P/task/*/comm | head -1 | cut -d/ -f5)
perf record -F 1999 -g -t $T -o /tmp/$OUT.data -- sleep 8 >/dev/null 2>&1
wait
perf report -i /tmp/$OUT.data --no-children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | cut -c1-180 | head -50 > /tmp/$OUT.self
perf report -i /tmp/$OUT.data --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | cut -c1-200 | head -90 > /tmp/$OUT.incl
grep 'answers/s' /tmp/$OUT.out
