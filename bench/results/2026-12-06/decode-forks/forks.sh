#!/bin/bash
# forks.sh JAR NFORKS [JVM flags...]: CodecBenchmark.decode in NFORKS forks; prints each fork's mean of its
# measurement iterations (sorted) and their median. Holds /tmp/gyro-bench.lock while it runs.
J=$1; N=$2; shift 2
O=$(mktemp /tmp/forks.XXXXXX)
if [ $# -gt 0 ]; then
  flock /tmp/gyro-bench.lock java -jar $J 'CodecBenchmark.decode$' -f $N -wi 4 -w 1 -i 3 -r 1 -jvmArgsPrepend "$*" > $O 2>&1
else
  flock /tmp/gyro-bench.lock java -jar $J 'CodecBenchmark.decode$' -f $N -wi 4 -w 1 -i 3 -r 1 > $O 2>&1
fi
awk '/^# Fork:/{if(n)print s/n; s=0;n=0} /^Iteration/{s+=$3;n++} END{if(n)print s/n}' $O | sort -n | awk '{a[NR]=$1; printf "%.0f ", $1} END{printf "| median %.0f\n", (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'
echo "  ($O, flags: ${*:-none})"
