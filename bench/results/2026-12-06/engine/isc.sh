#!/bin/bash
# decode with and without -XX:InlineSmallCode=4000, alternated
cd /work/main
for i in 1 2 3; do
  for V in default 4000; do
    A=""; [ $V = 4000 ] && A="-jvmArgsPrepend -XX:InlineSmallCode=4000"
    L=$(cut -d' ' -f1 /proc/loadavg)
    O=/tmp/gyro-runs/isc-$V-$i.out
    flock /tmp/gyro-bench.lock java -jar /tmp/final.jar 'CodecBenchmark.(decode|validateAndDecode)$' -f 1 -wi 5 -w 1 -i 5 -r 1 $A > $O 2>&1
    echo "$V r$i load=$L $(grep -E '^CodecBenchmark\.' $O | awk '{print $1, $(NF-3), $(NF-1)}' | tr '\n' ' ')"
  done
done
