#!/bin/bash
# heldlock10m.sh <label> <dataDir> <accountsFile> <entriesPerShard> (env JDIR: jar directory as for kill9-jars.sh; TC: engine/target/test-classes of the same build) : a child takes the write lock of segment 0 of
# one accounts file and is killed -9 (what a kill inside an account write leaves), the clean-shutdown marker is
# removed as a kill leaves it, then `serve` is started and its store-open / engine-up lines are printed.
set -u
# Copied from bench/results/2026-11-25/scale/heldlock10m.sh; only the default paths and the ports changed (2026-12-06). Run under flock /tmp/gyro-bench.lock.
label=$1 dir=$2 file=$3 entries=$4
cd ${JDIR:-/tmp/measure/j}
flags=$(cat jvm.flags)
cp=${TC:-/tmp/measure/j/test-classes}:gyro.jar
java $flags -Xmx256m -cp $cp io.gyro.engine.store.HeldLockChild $dir $entries 0 write $file > /tmp/measure/hl-child.out 2>&1 &
cpid=$!
for i in $(seq 1 120); do grep -q LOCKED /tmp/measure/hl-child.out && break; sleep 0.5; done
grep -q LOCKED /tmp/measure/hl-child.out || { echo "child never locked"; cat /tmp/measure/hl-child.out; kill -9 $cpid; exit 1; }
kill -9 $cpid; wait $cpid 2>/dev/null
rm -f $dir/clean-shutdown
t0=$(date +%s%3N)
log=/tmp/measure/hl-$label.log
java $flags -jar gyro.jar serve --data-dir $dir --set diameter.port=5068 --set http.port=9180 > $log 2>&1 &
pid=$!
for i in $(seq 1 600); do grep -q "engine up" $log && break; sleep 0.2; done
t1=$(date +%s%3N)
echo "$label: load=[$(cut -d' ' -f1-3 /proc/loadavg)] start->engine up $((t1 - t0)) ms; $(grep -o 'stores open in [0-9]* ms (recovery=[a-z]*, maps recovered=[0-9]* \[[^]]*\], corruptions=[0-9]*' $log); $(grep -o 'accounts[-0-9]*.cm3 open [0-9]* ms, lock probe [0-9]* ms ([0-9]* read locks reset), recovery [0-9]* ms' $log | grep -v 'recovery 0 ms')"
kill -TERM $pid; wait $pid
