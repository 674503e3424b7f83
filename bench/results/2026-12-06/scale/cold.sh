#!/bin/bash
# Cold page cache at 10M, A and B alternated: before each run the 10M directory's files are dropped from the page
# cache (evict.py), then tput.sh. One flock per round. usage: cold.sh <round> <jarDirA> <jarDirB> [AB|BA]
set -u
round=$1 A=$2 B=$3 order=${4:-AB}
S=$(cd "$(dirname "$0")" && pwd)
export OUT=${OUT:-/tmp/scale/cold}
mkdir -p $OUT
flock /tmp/gyro-bench.lock bash -c "
  for b in \$(echo $order | grep -o .); do
    jd=\$([ \$b = A ] && echo $A || echo $B)
    python3 $S/evict.py /tmp/s10m; echo \"cached before \$b: \$(fincore -b /tmp/s10m/*.cm3 | awk 'NR>1{s+=\$1} END{print s/1048576 \" MiB\"}')\"
    JDIR=\$jd $S/tput.sh cold-\$b-10m /tmp/s10m 10000000 r$round
    grep -h 'warm-up\|renewal bounds' \$OUT/serve-cold-\$b-10m-r$round.log | cut -c1-200
  done"
