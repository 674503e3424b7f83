#!/bin/bash
# all.sh NEW_JDIR BASE_JDIR : the whole battery in one sitting, in this order: closed loop 1 x 100 (3 rounds, new and
# base engines alternated with the null responder), closed loop 4 x 100 (2 rounds, new), open loop at half the new
# engine's median closed-loop answers/s for 10 minutes (engine, then null responder), 20,000 new sessions/s for
# 10 minutes on the defaults. Output to $OUT (default /tmp/gyro-runs/battery); one summary line per run on stdout.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NEW=$1; BASE=$2
export OUT=${OUT:-/tmp/gyro-runs/battery}; mkdir -p $OUT
echo "== battery $(date -u +%FT%TZ), new $NEW, base $BASE"
JDIR=$NEW JDIRS="$NEW $BASE" bash $here/closed.sh 3 1 100 | tee $OUT/closed-1x100.txt
JDIR=$NEW bash $here/closed.sh 2 4 100 | tee $OUT/closed-4x100.txt
max=$(grep "^closed-engine-$(basename $NEW)-c1" $OUT/closed-1x100.txt | grep -oE 'tput=[0-9.]+' | cut -d= -f2 | sort -n \
  | awk '{v[NR]=$1} END {print int(v[int((NR+1)/2)])}')
rate=$(( max / 2 / 1000 * 1000 ))
echo "== open loop at half of the new engine's median closed-loop maximum ($max answers/s): $rate/s"
JDIR=$NEW bash $here/open10.sh $rate 600 | tee $OUT/open10.txt
JDIR=$NEW bash $here/sessions20k.sh 600 | tee $OUT/sessions20k.txt
echo "== done $(date -u +%FT%TZ)"
