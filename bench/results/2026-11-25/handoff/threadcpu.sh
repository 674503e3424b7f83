#!/bin/bash
# threadcpu.sh PID SECONDS : per-thread CPU % over the interval
P=$1; S=$2
snap() { for t in /proc/$P/task/*; do echo "$(basename $t) $(cat $t/comm | tr ' ' _) $(awk '{print $14+$15}' $t/stat 2>/dev/null)"; done; }
snap > /tmp/tc1; sleep $S; snap > /tmp/tc2
join <(sort /tmp/tc1) <(sort /tmp/tc2) | awk -v s=$S '{d=$5-$3; if (d>0) printf "%6.1f%% %s\n", d/s, $2}' | sort -rn | head -15
