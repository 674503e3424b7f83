#!/bin/bash
# ab.sh BENCHREGEX PAIRS JAR_A JAR_B : alternated JMH runs, one line per run; full outputs in ${RUNS:-/tmp/gyro-runs}/
B=$1; N=$2; A=$3; C=$4; shift 4
mkdir -p ${RUNS:-/tmp/gyro-runs}
for i in $(seq 1 $N); do
  for J in $A $C; do
    L=$(cut -d' ' -f1 /proc/loadavg)
    O=${RUNS:-/tmp/gyro-runs}/$(basename $J .jar)-$(date +%H%M%S).out
    flock /tmp/gyro-bench.lock java -jar $J "$B" -f 1 -wi ${WI:-5} -w ${W:-1} -i 5 -r ${RT:-1} "$@" > $O 2>&1
    RES=$(grep -E '^[A-Za-z]+Benchmark\.[A-Za-z]+ ' $O | awk '{print $1, $(NF-3), $(NF-1)}' | tr '\n' ' ')
    echo "$(basename $J) load=$L $RES $O"
  done
done
