#!/bin/bash
# Driver: kill -9 runs <from>..<to> on the 10M directory, each cycle alone under the box-wide lock; lines appended to kills-10m.txt.
# usage: kills.sh <label> <from> <to> [dataDir]
set -u
here=$(cd "$(dirname "$0")" && pwd)
label=$1 from=$2 to=$3 dir=${4:-/tmp/measure/d10m}
for run in $(seq $from $to); do
  flock /tmp/gyro-bench.lock $here/kill9-measure.sh $label $dir 10000000 $run /tmp/measure/j 20 >> $here/kills-10m.txt 2>&1
  sleep 2
done
