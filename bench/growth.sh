#!/usr/bin/env bash
# mapleak growth's benchmark: three ~1 GB dumps of one process (the bench-mix heap, its leak 5% larger each time),
# compared from their analyze reports and from the dumps themselves.
#
#   bash bench/growth.sh
#
# Builds the fixtures and the analyzer jar (mvn package, nothing installed), generates
# bench/work/growth/bench-growth.1.hprof, .2.hprof and bench-growth.hprof if they are missing (FixtureMain
# bench-growth, one JVM that dumps itself three times), warms the page cache, then times in a new JVM each, under
# /usr/bin/time -v (wall time, CPU time, peak RSS):
#
#   analyze-N        bin/mapleak analyze DUMP_N --json REPORT_N     (N = 1, 2, 3: the three analyses)
#   growth-reports-text  bin/mapleak growth REPORT_1 REPORT_2 REPORT_3             (BENCH_REPEAT times)
#   growth-reports   bin/mapleak growth REPORT_1 REPORT_2 REPORT_3 --json --html   (BENCH_REPEAT times)
#   growth-dumps     bin/mapleak growth DUMP_1 DUMP_2 DUMP_3 --json --html
#
# Raw output of every step stays in bench/work/growth/ (git-ignored); the summary is printed and saved as
# bench/work/growth/summary.txt. Results and method: docs/PERFORMANCE.md, "Growth across dumps".
#
# Environment (defaults in brackets):
#   BENCH_SCALE        scale of the bench-mix heap [1.0]
#   FIXTURE_XMX        heap of the JVM that builds and dumps it [4g]
#   MAPLEAK_XMX        heap given to mapleak through MAPLEAK_JAVA_OPTS [1g]
#   BENCH_REPEAT       runs of growth-reports; the summary shows the median wall time [3]
#   BENCH_SKIP_BUILD   1 to use the jar as it is [0]
#   BENCH_JAVA_OPTS    more JVM options for every mapleak step, e.g. -XX:TieredStopAtLevel=1 []
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scale="${BENCH_SCALE:-1.0}"
repeat="${BENCH_REPEAT:-3}"
work="$root/bench/work/growth"
[ "$scale" = "1.0" ] || [ "$scale" = "1" ] || work="$root/bench/work/growth-scale-$scale"
mapleak="$root/bin/mapleak"
dumps=("$work/bench-growth.1.hprof" "$work/bench-growth.2.hprof" "$work/bench-growth.hprof")
reports=("$work/bench-growth.1.json" "$work/bench-growth.2.json" "$work/bench-growth.3.json")

die() { echo "growth bench: $*" >&2; exit 1; }
log() { echo "growth bench: $*" >&2; }

mkdir -p "$work/tmp" || die "cannot create $work"
/usr/bin/time -v true >/dev/null 2>&1 || die "GNU time is missing (Debian: apt-get install time)"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building the fixtures and the analyzer jar"
  (cd "$root" && mvn -q -B -DskipTests package) >"$work/build.log" 2>&1 || die "build failed; see $work/build.log"
fi
[ -f "$root/analyzer/target/mapleak.jar" ] || die "no analyzer/target/mapleak.jar (run without BENCH_SKIP_BUILD)"

missing=0
for d in "${dumps[@]}"; do [ -f "$d" ] || missing=1; done
if [ "$missing" = 1 ]; then
  log "generating the three dumps in $work (scale $scale, -Xmx${FIXTURE_XMX:-4g}; about a minute, 3 GB of disk)"
  /usr/bin/time -v -o "$work/generate.time" java "-Xmx${FIXTURE_XMX:-4g}" "-Dbench.scale=$scale" \
    -cp "$root/fixtures/target/classes" io.mapleak.fixtures.FixtureMain bench-growth "$work" \
    >"$work/generate.out" 2>&1 || die "generating the dumps failed; see $work/generate.out"
fi

declare -A wall cpu rss runs
steps=()
seconds() {  # the wall time a /usr/bin/time -v report gives, in seconds
  sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" \
    | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
# timed NAME RUNS COMMAND...: COMMAND RUNS times, each a new JVM with an emptied temp dir; keeps the median wall
# and CPU time and the largest peak RSS. Any exit code but 0 stops the benchmark.
timed() {
  local name="$1" n="$2" i walls=() cpus=() kb max_kb=0
  shift 2
  steps+=("$name")
  for ((i = 1; i <= n; i++)); do
    rm -rf -- "$work/tmp" && mkdir -p "$work/tmp"
    log "running $name ($i/$n)"
    /usr/bin/time -v -o "$work/$name.$i.time" "$@" >"$work/$name.out" 2>"$work/$name.err" \
      || die "$name failed; see $work/$name.err"
    walls+=("$(seconds "$work/$name.$i.time")")
    cpus+=("$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$work/$name.$i.time")")
    kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.$i.time")"
    [ "${kb:-0}" -gt "$max_kb" ] && max_kb="$kb"
  done
  wall[$name]="$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
  cpu[$name]="$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
  rss[$name]="$((max_kb / 1024))"
  runs[$name]="${walls[*]}"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
log "warming the page cache"
cat "${dumps[@]}" >/dev/null
export MAPLEAK_JAVA_OPTS="-Xmx${MAPLEAK_XMX:-1g} -Djava.io.tmpdir=$work/tmp ${BENCH_JAVA_OPTS:-}"
for i in 0 1 2; do
  timed "analyze-$((i + 1))" 1 "$mapleak" analyze "${dumps[$i]}" --json "${reports[$i]}"
done
timed growth-reports-text "$repeat" "$mapleak" growth "${reports[@]}"
timed growth-reports "$repeat" "$mapleak" growth "${reports[@]}" --json "$work/growth-reports.json" \
  --html "$work/growth-reports.html"
timed growth-dumps 1 "$mapleak" growth "${dumps[@]}" --json "$work/growth-dumps.json" \
  --html "$work/growth-dumps.html"
unset MAPLEAK_JAVA_OPTS

same="differ"
if python3 - "$work/growth-reports.json" "$work/growth-dumps.json" <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sys.exit(0 if all(a[k] == b[k] for k in ("maps", "classes", "classTrends", "heap", "trends")) else 1)
EOF
then
  same="are identical"
fi

{
  echo "mapleak growth benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(java -version 2>&1 | head -1)"
  for d in "${dumps[@]}"; do echo "dump: $d, $(stat -c %s "$d") bytes"; done
  echo "load average (1, 5, 15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "mapleak: $(git -C "$root" describe --always --dirty 2>/dev/null), -Xmx${MAPLEAK_XMX:-1g} ${BENCH_JAVA_OPTS:-};" \
    "page cache warm"
  echo
  printf "%-20s %8s %8s %12s  %s\n" step "wall s" "cpu s" "peak RSS MB" "runs (wall s)"
  total=0
  for s in "${steps[@]}"; do
    printf "%-20s %8s %8s %12s  %s\n" "$s" "${wall[$s]}" "${cpu[$s]}" "${rss[$s]}" "${runs[$s]}"
  done
  three="$(awk -v a="${wall[analyze-1]}" -v b="${wall[analyze-2]}" -v c="${wall[analyze-3]}" 'BEGIN { printf "%.2f", a + b + c }')"
  echo
  echo "three analyses: $three s; growth over the dumps: ${wall[growth-dumps]} s" \
    "($(awk -v a="${wall[growth-dumps]}" -v b="$three" 'BEGIN { printf "%.2f", a / b }')x);" \
    "growth over the reports: ${wall[growth-reports]} s with --json and --html, ${wall[growth-reports-text]} s" \
    "without (medians)"
  echo "the growth reports from the dumps and from the reports $same (maps, classes, classTrends, heap, trends)"
  echo
  sed -n '1,/^Classes/p' "$work/growth-reports.out" | head -40
} >"$work/summary.txt"
cat "$work/summary.txt"
