#!/bin/bash
# 10M bulk load into a fresh directory with the measured build's jar (plain production flags, no CDS: bulk-load is not serve).
# usage (under the lock): flock /tmp/gyro-bench.lock ./bulkload.sh <dataDir>
set -u
dir=$1
cd /tmp/measure/j
echo "bulk-load start $(date -u +%FT%TZ) load=[$(cut -d' ' -f1-3 /proc/loadavg)] dir=$dir"
/usr/bin/time -v java $(cat jvm.flags.plain) -jar gyro.jar bulk-load --count 10000000 --set stores.maxSubscribers=10000000 --data-dir $dir 2>&1 \
  | grep -v '^\s*\(Average\|Socket\|Signals\|Swaps\|Page size\|Exit\|File system\|Voluntary\|Involuntary\|Minor\|Major\|Percent\)' 
echo "bulk-load end $(date -u +%FT%TZ) load=[$(cut -d' ' -f1-3 /proc/loadavg)]"
ls -l $dir; du -sh $dir
