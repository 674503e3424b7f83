#!/bin/bash
# One round of the A/B: 10k and 10M with build A and build B (jar dirs), alternated, all inside one flock of the
# shared bench lock (about 4 minutes). usage: ab.sh <round> <jarDirA> <jarDirB> [BA to run B first]
set -u
round=$1 A=$2 B=$3 order=${4:-AB}
S=$(cd "$(dirname "$0")" && pwd)
export OUT=${OUT:-/tmp/scale/ab}
mkdir -p $OUT
one() { JDIR=$2 $S/tput.sh $1 ${3} ${4} r$round; }
flock /tmp/gyro-bench.lock bash -c "
  set -u
  for pop in 10k 10m; do
    dir=/tmp/s\$pop; count=\$([ \$pop = 10k ] && echo 10000 || echo 10000000)
    for b in \$(echo $order | grep -o .); do
      jd=\$([ \$b = A ] && echo $A || echo $B)
      JDIR=\$jd $S/tput.sh \$b-\$pop \$dir \$count r$round
    done
  done"
