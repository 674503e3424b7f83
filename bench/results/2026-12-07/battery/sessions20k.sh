#!/bin/bash
# sessions20k.sh SECONDS [RATE] : gyro serve on its defaults (1,000 demo subscribers, maxSessions 500,000,
# maxEndedSessions 1,200,000, graceSeconds 60), open loop of sessions with no CCR-U (CCR-I then CCR-T) and no SMS:
# RATE requests/s (default 40,000) = RATE/2 new sessions a second, for SECONDS after a 20 s warm-up. Counts 3004s.
set -u
. "$(dirname "$0")/lib.sh"
SECS=$1; RATE=${2:-40000}
exec 9>/tmp/gyro-bench.lock; flock 9
name=sessions-$RATE-$SECS; L=$(cut -d' ' -f1 /proc/loadavg)
start_server engine $OUT/$name.server.log || exit 1
java $FLAGS -Xms1g -Xmx1g -cp "$JDIR/benchmarks.jar" io.gyro.bench.load.LoadGenerator --port $PORT --mode open \
  -r $RATE -c 1 -n 4000 -k 0 --sms-share 0 --used-octets 1000 --subscribers 1000 --warmup 20 -d $SECS \
  --out $OUT --name $name > $OUT/$name.out 2>&1
status=$(curl -s -H "Authorization: Bearer $(cat $DATA/api-token)" http://127.0.0.1:$HTTP/status)
stop_server
flock -u 9
echo "$name load=$L $(grep -oE 'PASSED|FAILED' $OUT/$name.out | head -1) $(grep '== step' $OUT/$name.out | tail -1)"
echo "  $(grep 'answers by Result-Code' $OUT/$name.out | tail -1)"
echo "  engine: $(echo "$status" | grep -oE '"(ENDED_SESSIONS_DROPPED|RING_FULL[A-Z_]*|TOO_BUSY[A-Z_]*)" *: *[0-9]+' | paste -sd' ') sessionTableBytes $(echo "$status" | grep -oE '"sessionTableBytes" *: *[0-9]+' | grep -oE '[0-9]+$')"
