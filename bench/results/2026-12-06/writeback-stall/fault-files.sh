#!/bin/bash
# fault-files.sh NAME [extra --set ...] : like sync-probe.sh with the maps fsynced every second; counts the charging
# thread's page faults by the file they land in (perf record -d; addresses matched against /proc/PID/maps).
set -u
NAME=$1; shift
R=${RUNS:-/tmp/gyro-runs}/s14; mkdir -p $R
O=$R/$NAME; D=$R/dd-$NAME
F=$(cat ${GDIR:-/work/main}/engine/target/jvm.flags)
JAR=${JAR:-$R/base.jar}
exec 9>/tmp/gyro-bench.lock; flock 9
rm -rf $D; mkdir -p $D
java $F -Xms1g -Xmx1g -cp $JAR io.gyro.bench.load.LoadGenerator --embedded --data-dir $D "$@" --mode open -r 25000 -c 1 -n 2000 --warmup 15 -d 20 --out $O > $O.out 2>&1 &
J=$!
sleep 12
P=$(pgrep -f "data-dir $D" | head -1)
T=$(grep -l gyro-charging /proc/$P/task/*/comm | head -1 | cut -d/ -f5)
cp /proc/$P/maps $O.maps
( for i in $(seq 1 20); do sync $D/*.cm3 $D/*/*.cm3 2>/dev/null; sleep 1; done ) &
L=$!
perf record -e page-faults -d -t $T -o $O.data -- sleep 14 >/dev/null 2>&1
wait $J; kill $L 2>/dev/null
flock -u 9
echo "$NAME: $(grep -oE 'PASSED|FAILED' $O.out | head -1) $(grep '== step' $O.out | tail -1)"
echo "per-second p99.9 (us): $(grep '^meas' $O.out | awk '{printf "%s:%d ", $2, $12}')"
perf script -i $O.data -F addr 2>/dev/null | python3 -c '
import sys
maps=[]
for l in open(sys.argv[1]):
    p=l.split()
    s,e=[int(x,16) for x in p[0].split("-")]
    maps.append((s,e,p[5] if len(p)>5 else "[anon]"))
c={}
for l in sys.stdin:
    a=int(l.strip(),16)
    n=next((m[2] for m in maps if m[0]<=a<m[1]),"?")
    c[n]=c.get(n,0)+1
for n,k in sorted(c.items(), key=lambda x:-x[1])[:10]: print(k, n)
' $O.maps
rm -rf $D
