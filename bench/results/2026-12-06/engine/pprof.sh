#!/bin/bash
# pprof.sh JAR BENCH OUT : perf profile of a JMH fork
mkdir -p ${RUNS:-/tmp/gyro-runs}
JAR=$1; B=$2; OUT=$3
java -jar $JAR "$B" -f 1 -wi 6 -w 2 -i 6 -r 2 -jvmArgsPrepend "-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer" > ${RUNS:-/tmp/gyro-runs}/$OUT.out 2>&1 &
sleep 20
P=$(pgrep -f ForkedMain | head -1)
perf record -F 999 -g -p $P -o ${RUNS:-/tmp/gyro-runs}/$OUT.data -- sleep 10 >/dev/null 2>&1
wait
perf report -i ${RUNS:-/tmp/gyro-runs}/$OUT.data --no-children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | cut -c1-160 | head -45 > ${RUNS:-/tmp/gyro-runs}/$OUT.self
perf report -i ${RUNS:-/tmp/gyro-runs}/$OUT.data --children --sort symbol --stdio -g none 2>/dev/null | grep -v '^#' | grep '%' | cut -c1-160 | head -70 > ${RUNS:-/tmp/gyro-runs}/$OUT.incl
grep -E '^PipelineBenchmark|^CodecBench' ${RUNS:-/tmp/gyro-runs}/$OUT.out
