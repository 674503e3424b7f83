#!/bin/bash
# Extra (not the documented procedure): the jDiameter CCA-session server alone in the surefire JVM, with the test flags'
# heap at <Xmx> instead of the POM's -Xmx1g, to see whether its collapse in the last seconds is the heap.
# usage (from the worktree root): heap.sh <label> <Xmx, e.g. 1g or 4g> [targets]
set -u
label=$1 xmx=$2 targets=${3:-jdiameter-cca-session}
out=$(pwd)/bench/results/2026-12-06/baselines
flags="$(cat engine/target/jvm.flags) -Dio.netty.leakDetection.level=paranoid -Dio.netty.leakDetection.targetRecords=4 -Xmx$xmx"
flock /tmp/gyro-bench.lock bash -c "
  echo \"$label start \$(date -u +%FT%TZ) load=[\$(cut -d' ' -f1-3 /proc/loadavg)] commit=\$(git rev-parse --short HEAD) targets=$targets Xmx=$xmx\"
  mvn -B -o -q -pl bench -am test -Dtest=JDiameterBaselineRun -Dgyro.baseline=true -Dsurefire.failIfNoSpecifiedTests=false \
      -Dgyro.baseline.targets=$targets -Dgyro.baseline.out=$out/heap-$label '-Dgyro.test.flags=$flags' > $out/$label-mvn.txt 2>&1
  rc=\$?
  echo \"$label end \$(date -u +%FT%TZ) load=[\$(cut -d' ' -f1-3 /proc/loadavg)] mvn exit \$rc\"
  cp bench/target/surefire-reports/io.gyro.bench.baseline.JDiameterBaselineRun-output.txt $out/$label-output.txt 2>/dev/null
"
