#!/usr/bin/env bash
# Times one part of mapleak's analysis, repeated in one JVM (the first run is a cold JVM's):
#
#   bash bench/parts.sh index|dominators|paths|decode [DUMP] [RUNS]
#
# DUMP defaults to bench/work/bench-mix.hprof (made by bench/run.sh); RUNS to 3. The heap is MAPLEAK_XMX [2g].
# Uses analyzer/target/mapleak.jar as it is (build it with: mvn -B -ntp -q package -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
part="${1:?usage: bench/parts.sh index|dominators|paths|decode [DUMP] [RUNS]}"
dump="${2:-$root/bench/work/bench-mix.hprof}"
runs="${3:-3}"
jar="$root/analyzer/target/mapleak.jar"
[ -f "$jar" ] || { echo "parts: $jar is missing; build it first" >&2; exit 1; }
[ -f "$dump" ] || { echo "parts: $dump is missing; bash bench/run.sh makes it" >&2; exit 1; }
out="$root/bench/parts/target"
mkdir -p "$out"
javac -d "$out" -cp "$jar" "$root/bench/parts/Parts.java"
exec java "-Xmx${MAPLEAK_XMX:-2g}" ${MAPLEAK_PARTS_OPTS:-} -cp "$jar:$out" Parts "$part" "$dump" "$runs"
