#!/bin/bash
# jDiameter CCA-session server alone, heap 1g / 2g / 4g alternated, 2 rounds
cd /work/main
for r in 1 2; do
  for H in 1g 2g 4g; do
    L=$(cut -d' ' -f1 /proc/loadavg)
    flock /tmp/gyro-bench.lock mvn -B -o -q -pl bench test -Dtest=JDiameterBaselineRun -Dgyro.baseline=true -Dsurefire.failIfNoSpecifiedTests=false -Dgyro.test.heap=-Xmx$H -Dgyro.baseline.targets=jdiameter-cca-session -Dgyro.baseline.out=/tmp/heap-$H-$r > /tmp/heap-$H-$r.log 2>&1
    rc=$?
    echo "heap $H r$r load=$L rc=$rc $(grep -E '^jdiameter-cca-session +1' bench/target/surefire-reports/io.gyro.bench.baseline.JDiameterBaselineRun-output.txt | awk '{print $4" answers/s p50 "$5" p99 "$7" p99.9 "$8" "$10}')"
  done
done
