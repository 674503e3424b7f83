#!/bin/bash
# Driver: heldlock10m.sh on three account shards of the 10M directory, each run alone under the box-wide lock.
# 638500 = AccountStore.entriesPerShard(10,000,000, 16).
here=$(cd "$(dirname "$0")" && pwd)
for f in 03 07 11; do
  flock /tmp/gyro-bench.lock $here/heldlock10m.sh hl$f /tmp/measure/d10m accounts-$f.cm3 638500 >> $here/heldlock-10m.txt 2>&1
  sleep 2
done
