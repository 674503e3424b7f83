# Shared by the battery scripts: start/stop the engine (gyro serve) or the null responder, each in its own JVM, and
# read per-thread CPU from /proc (ENGINE_OPTS: more JVM options for the engine, e.g. -Xlog:gc). JDIR holds gyro.jar, benchmarks.jar and jvm.flags (copies of one build).
: "${JDIR:?JDIR: directory with gyro.jar, benchmarks.jar, jvm.flags}"
OUT=${OUT:-/tmp/gyro-runs/battery}; mkdir -p "$OUT"
FLAGS=$(cat "$JDIR/jvm.flags")
PORT=${PORT:-3968}; HTTP=${HTTP:-8180}

# start_server engine|null LOG [extra serve options...] : sets SPID
start_server() {
  local what=$1 log=$2; shift 2
  if [ "$what" = engine ]; then
    DATA=$OUT/data-$$; rm -rf "$DATA"
    java $FLAGS ${ENGINE_OPTS:-} -jar "$JDIR/gyro.jar" serve --data-dir "$DATA" --set diameter.port=$PORT --set http.port=$HTTP "$@" \
      > "$log" 2>&1 &
    SPID=$!
    for _ in $(seq 1 600); do grep -q "engine up" "$log" && return 0; sleep 0.2; done
    echo "engine did not start: $(tail -3 "$log")" >&2; return 1
  else
    java $FLAGS -Xms1g -Xmx1g -cp "$JDIR/benchmarks.jar" io.gyro.bench.load.NullResponder --port $PORT > "$log" 2>&1 &
    SPID=$!
    for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0; sleep 0.2; done
    echo "null responder did not start" >&2; return 1
  fi
}

stop_server() {
  kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
  [ -n "${DATA:-}" ] && rm -rf "$DATA"; DATA=""
}

# cpu_snapshot PID FILE : "name ticks" per thread (utime+stime, 100 ticks = one core-second)
cpu_snapshot() {
  for t in /proc/$1/task/*; do
    printf '%s %s\n' "$(tr ' ' '_' < $t/comm)" "$(awk '{print $14+$15}' $t/stat 2>/dev/null)"
  done > "$2"
}

# cpu_per_request BEFORE AFTER REQUESTS : microseconds of CPU per request, per thread group and all threads together
cpu_per_request() {
  awk -v req="$3" '
    FNR==NR { b[$1]+=$2; next } { a[$1]+=$2 }
    END {
      for (k in a) { g=k; sub(/-[0-9]+(-[0-9]+)?$/, "", g); d[g]+=a[k]-b[k]; all+=a[k]-b[k] }
      printf "all %.2f us/req;", all*10000/req
      for (g in d) if (d[g] > 0) printf " %s %.2f", g, d[g]*10000/req
      printf "\n"
    }' "$1" "$2"
}
