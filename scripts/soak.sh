#!/usr/bin/env bash
# Soak test (not run in CI): a real engine in its own JVM under steady open-loop load for an hour,
# reporting per minute the latency percentiles (from the load generator's JSON) and the engine's
# heap after a full GC (jcmd), so drift in either shows.
#
#   scripts/soak.sh [minutes=60] [rate-per-second=2000]
#
# Writes soak-<time>/soak.csv (minute, throughput, p50, p99, p99.9, max in µs, heap after GC in
# KiB) and the generator's per-minute JSON/.hgrm files. Loopback only; ports 3968 and 8180.
set -euo pipefail
minutes=${1:-60}
rate=${2:-2000}
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -f engine/target/gyro.jar ] || [ ! -f bench/target/benchmarks.jar ]; then
  mvn -B -q -DskipTests install
fi
out="$root/soak-$(date +%Y%m%dT%H%M%S)"
data="$out/data"
mkdir -p "$out"
./gyro serve --data-dir "$data" --set diameter.port=3968 --set http.port=8180 \
  --set demo.count=10000 --set stores.maxSubscribers=20000 --set stores.maxSessions=200000 \
  > "$out/engine.log" 2>&1 &
launcher=$!
trap 'kill -TERM $launcher 2>/dev/null || true; wait $launcher 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  grep -q "Gyro engine up" "$out/engine.log" && break
  sleep 1
done
grep -q "Gyro engine up" "$out/engine.log" || { echo "engine did not start; see $out/engine.log" >&2; exit 1; }
pid=$(pgrep -f "gyro.jar serve --data-dir $data" | head -1)
echo "minute,throughput_per_s,p50_us,p99_us,p999_us,max_us,heap_after_gc_kib,failed" > "$out/soak.csv"
for minute in $(seq 1 "$minutes"); do
  status=0
  GYRO_LOAD_JAVA_OPTS="-Xms256m -Xmx256m" bench/load.sh --host 127.0.0.1 --port 3968 --mode open -r "$rate" \
    -c 2 -n 2000 --subscribers 10000 --warmup 0 -d 60 --quiet -o "$out" --name "minute-$minute" \
    > "$out/minute-$minute.txt" 2>&1 || status=$?
  jcmd "$pid" GC.run > /dev/null
  heap=$(jcmd "$pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
  python3 - "$out/minute-$minute.json" "$minute" "$heap" "$status" >> "$out/soak.csv" <<'PY'
import json, sys
path, minute, heap, status = sys.argv[1:5]
step = json.load(open(path))["steps"][-1]
lat = step["latencyUs"]
print(f'{minute},{step["throughputPerSecond"]},{lat["p50"]},{lat["p99"]},{lat["p99.9"]},{lat.get("max", "")},{heap},{status != "0"}')
PY
  tail -1 "$out/soak.csv"
done
echo "results: $out/soak.csv"
