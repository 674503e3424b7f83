#!/bin/bash
# rounds.sh FIRST LAST VARIANT...: rounds FIRST..LAST of run.sh for each VARIANT ($RUNS/VARIANT.jar), alternated
S=$(cd "$(dirname "$0")" && pwd); D=${RUNS:-/tmp/gyro-runs/journal}; F=$1; L=$2; shift 2
for r in $(seq $F $L); do
  for v in "$@"; do
    $S/run.sh $v-r$r $D/$v.jar > $D/$v-r$r.log 2>&1
    head -1 $D/$v-r$r.log
  done
done
