#!/bin/sh
# Runs the Gyro load generator (or, with "null-responder" first, the null responder) from the
# shaded bench/target/benchmarks.jar with the production JVM flags: engine/target/jvm.flags,
# which the engine build writes from the root POM property gyro.jvm.flags.
# Build first: mvn -B -q -DskipTests install. Extra JVM options: GYRO_LOAD_JAVA_OPTS (default -Xms1g -Xmx1g).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
flags_file="$root/engine/target/jvm.flags"
jar="$here/target/benchmarks.jar"
if [ ! -f "$flags_file" ] || [ ! -f "$jar" ]; then
    echo "missing $flags_file or $jar: run 'mvn -B -q -DskipTests install' in $root first" >&2
    exit 2
fi
main=io.gyro.bench.load.LoadGenerator
if [ "${1:-}" = "null-responder" ]; then
    main=io.gyro.bench.load.NullResponder
    shift
fi
# shellcheck disable=SC2046 # the flags file holds several space-separated options
exec java $(cat "$flags_file") ${GYRO_LOAD_JAVA_OPTS:--Xms1g -Xmx1g} -cp "$jar" "$main" "$@"
