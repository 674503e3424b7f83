#!/bin/bash
# One round over several engine variants at one population, inside one flock; COLD=1 drops the data directory from
# the page cache before each run (evict.py). usage: variants.sh <round> <pop 10k|10m> <label=jarDir[=jvmOpts]>...
set -u
round=$1 pop=$2; shift 2
S=$(cd "$(dirname "$0")" && pwd)
export OUT=${OUT:-/tmp/scale/var}
mkdir -p $OUT
dir=/tmp/s$pop; count=$([ $pop = 10k ] && echo 10000 || echo 10000000)
exec flock /tmp/gyro-bench.lock bash -c '
  S=$1 dir=$2 count=$3 pop=$4 round=$5; shift 5
  for v in "$@"; do
    label=${v%%=*}; rest=${v#*=}; jd=${rest%%=*}; jo=""; [ "$rest" != "$jd" ] && jo=${rest#*=}
    [ "${COLD:-0}" = 1 ] && python3 $S/evict.py $dir
    JDIR=$jd JOPTS="$jo" $S/tput.sh $label-$pop $dir $count r$round 2>&1 | grep -v "No such file"
    grep -h "warm-up\|renewal bounds" $OUT/serve-$label-$pop-r$round.log | sed "s/^/    /" | cut -c1-190
  done' _ $S $dir $count $pop $round "$@"
