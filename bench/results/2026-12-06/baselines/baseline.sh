#!/bin/bash
# One invocation of the documented baseline run (JDiameterBaselineRun, one round), under the box-wide bench lock.
# usage: baseline.sh <label> <targets, comma-separated, in run order>
# Run from the worktree root. -am so that the bench module's tests run against this worktree's engine/diameter/rating
# classes (plain `-pl bench` would take io.gyro:*:0.1.0-SNAPSHOT from the shared ~/.m2, i.e. whatever was installed last).
set -u
label=$1 targets=$2
out=$(pwd)/bench/results/2026-12-06/baselines
cd "$(git rev-parse --show-toplevel)"
mvn -B -o -q -pl bench -am test-compile > $out/$label-compile.txt 2>&1 || { echo "compile failed"; exit 1; }
flock /tmp/gyro-bench.lock bash -c "
  echo \"$label start \$(date -u +%FT%TZ) load=[\$(cut -d' ' -f1-3 /proc/loadavg)] commit=\$(git rev-parse --short HEAD) targets=$targets\"
  mvn -B -o -q -pl bench -am test -Dtest=JDiameterBaselineRun -Dgyro.baseline=true -Dsurefire.failIfNoSpecifiedTests=false \
      -Dgyro.baseline.targets=$targets -Dgyro.baseline.out=$out > $out/$label-mvn.txt 2>&1
  rc=\$?
  echo \"$label end \$(date -u +%FT%TZ) load=[\$(cut -d' ' -f1-3 /proc/loadavg)] mvn exit \$rc\"
  cp bench/target/surefire-reports/io.gyro.bench.baseline.JDiameterBaselineRun-output.txt $out/$label-output.txt 2>/dev/null
"
