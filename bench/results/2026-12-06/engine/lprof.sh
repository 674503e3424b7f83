#!/bin/bash
# lprof.sh JAR OUT : perf of the charging thread in the embedded closed loop (8 s after 16 s)
mkdir -p ${RUNS:-/tmp/gyro-runs}
JAR=$1; OUT=$2
F=$(cat ${GDIR:-.}/engine/target/jvm.flags)
cd ${GDIR:-.}
java $F -Xms1g -Xmx1g -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer -cp $JAR io.gyro.bench.load.LoadGenerator --embedded --set stores.maxSessions=2000000 -c 1 -n 1000 -w 100 --warmup 10 -d 20 --out ${RUNS:-/tmp/gyro-runs}/$OUT --quiet > ${RUNS:-/tmp/gyro-runs}/$OUT.out 2>&1 &
sleep 16
P=$(pgrep -f 'LoadGenerator --embedded' | head -1)
T=$(grep -l gyro-charging /proc/$P/task/*/comm | head -1 | cut -d/ -f5)
c1=$(awk '{print $14+$15}' /proc/$P/task/$T/stat)
perf record -F 1999 -g -t $T -o ${RUNS:-/tmp/gyro-runs}/$OUT.data -- sleep 8 >/dev/null 2>&1
c2=$(awk '{print $14+$15}' /proc/$P/task/$T/stat)
wait
perf report -i ${RUNS:-/tmp/gyro-runs}/$OUT.data --no-children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | cut -c1-180 | head -50 > ${RUNS:-/tmp/gyro-runs}/$OUT.self
perf report -i ${RUNS:-/tmp/gyro-runs}/$OUT.data --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | cut -c1-200 | head -90 > ${RUNS:-/tmp/gyro-runs}/$OUT.incl
echo "$OUT charging thread ticks in 8 s: $((c2-c1)) $(grep -oE '[0-9.]+ answers/s' ${RUNS:-/tmp/gyro-runs}/$OUT.out | head -1)"
