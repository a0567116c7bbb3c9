#!/usr/bin/env bash
# mapleak's benchmark: one ~1 GB dump, mapleak against a plain sequential read and the NetBeans heap library.
#
#   bash bench/run.sh
#
# Builds what it needs (fixtures, the analyzer jar, bench/netbeans), generates bench/work/bench-mix.hprof if it
# is missing, warms the page cache, then runs every step in a new JVM with no cache files left from an earlier
# run, each under /usr/bin/time -v (wall time, peak RSS). Raw output of every step goes to bench/work/
# (git-ignored); the summary is printed and saved as bench/work/summary.txt. mapleak commands that do not
# exist yet (exit code 2, usage error) are reported as n/a. Method and results: docs/PERFORMANCE.md.
#
# Environment (defaults in brackets):
#   BENCH_SCALE        scenario size, -Dbench.scale of the bench-mix fixture [1.0]; other scales use
#                      bench/work/scale-<s>/ so that dumps of different sizes never mix
#   FIXTURE_XMX        heap of the JVM that builds and dumps the scenario [4g]; keep it <= 6g
#   MAPLEAK_XMX        heap given to mapleak through MAPLEAK_JAVA_OPTS [1g]
#   NETBEANS_XMX       heap given to the NetBeans library [4g]
#   BENCH_REPEAT       runs per step; the summary shows the median wall time and the largest RSS [1]
#   BENCH_RETAINED     0 to skip timing NetBeans' retained sizes (dominator tree: ~4 min at scale 1.0) [1]
#   BENCH_RETAINED_REPEAT  runs of that step [BENCH_REPEAT]
#   BENCH_SKIP_BUILD   1 to use the jars as they are [0]
#   BENCH_HEAPS        extra runs of 'analyze' with these heaps ('default' = no -Xmx: the JVM's own choice,
#                      a quarter of RAM) [512m 2g default]
#   BENCH_LARGE        1 to also generate (once) and analyse a ~10 GB dump of the same scenario at scale 10 in
#                      bench/work/large/: takes about 10 GB of disk, 15 GB of RAM and several minutes to generate
#                      [0]; its steps are analyze with each of BENCH_LARGE_HEAPS
#   BENCH_LARGE_HEAPS  heaps of the large dump's analyze runs [default 2g]
#   LARGE_FIXTURE_XMX  heap of the JVM that builds the large dump [14g]
#   BENCH_BASELINE     a git revision (built once into bench/work/baseline-REV.jar) or a mapleak jar: 'analyze' of
#                      that version runs beside this one's on the same dump, alternating run by run, so that the
#                      two are compared in the same minutes of a machine whose speed drifts [none]
#   BENCH_BASELINE_HEAPS  heaps of those paired runs [default]
#   BENCH_BASELINE_PAIRS  pairs of runs per heap [3]
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scale="${BENCH_SCALE:-1.0}"
repeat="${BENCH_REPEAT:-1}"
fixture_xmx="${FIXTURE_XMX:-4g}"
mapleak_xmx="${MAPLEAK_XMX:-1g}"
netbeans_xmx="${NETBEANS_XMX:-4g}"
if [ "$scale" = "1.0" ] || [ "$scale" = "1" ]; then
  work="$root/bench/work"
else
  work="$root/bench/work/scale-$scale"
fi
dump="$work/bench-mix.hprof"
nb_jar="$root/bench/netbeans/target/netbeans-bench.jar"
mapleak="$root/bin/mapleak"
tmp="$work/tmp"   # java.io.tmpdir of every measured JVM, emptied before each step

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

mkdir -p "$work" "$tmp" || die "cannot create $work"

# --- tools -----------------------------------------------------------------------------------------------
command -v java >/dev/null || die "java not found"
command -v mvn >/dev/null || die "mvn not found"
if ! /usr/bin/time -v true >/dev/null 2>&1; then
  log "installing GNU time (Debian package 'time') for wall time and peak RSS"
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; } \
      || die "could not install 'time'"
  else
    sudo apt-get install -y -qq time || die "install GNU time: apt-get install time"
  fi
fi

# --- build -----------------------------------------------------------------------------------------------
mapleak_built=1
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building fixtures"
  (cd "$root" && mvn -q -B -pl fixtures install -DskipTests) >"$work/build-fixtures.log" 2>&1 \
    || die "fixtures build failed; see $work/build-fixtures.log"
  log "building the analyzer jar"
  if ! (cd "$root" && mvn -q -B -DskipTests package) >"$work/build-mapleak.log" 2>&1; then
    mapleak_built=0
    log "analyzer build failed (see $work/build-mapleak.log); mapleak steps will be n/a"
  fi
  log "building the NetBeans bench jar"
  (cd "$root/bench/netbeans" && mvn -q -B package) >"$work/build-netbeans.log" 2>&1 \
    || die "bench/netbeans build failed; see $work/build-netbeans.log"
fi
[ -f "$root/analyzer/target/mapleak.jar" ] || mapleak_built=0
[ -f "$nb_jar" ] || die "missing $nb_jar (run without BENCH_SKIP_BUILD)"

# --- the dump --------------------------------------------------------------------------------------------
if [ ! -f "$dump" ]; then
  log "generating $dump (scale $scale, -Xmx$fixture_xmx; about 10 s and 1.3 GB of RSS at scale 1.0)"
  (cd "$root" && mvn -q -B -pl fixtures dependency:build-classpath -Dmdep.outputFile="$work/fixtures.classpath") \
    >"$work/build-classpath.log" 2>&1 || die "could not resolve the fixtures' classpath; see $work/build-classpath.log"
  cp="$root/fixtures/target/classes:$(cat "$work/fixtures.classpath")"
  /usr/bin/time -v -o "$work/generate.time" java "-Xmx$fixture_xmx" "-Dbench.scale=$scale" -cp "$cp" \
    io.mapleak.fixtures.FixtureMain bench-mix "$work" >"$work/generate.out" 2>&1 \
    || die "generating the dump failed; see $work/generate.out"
fi
[ -f "$work/bench-mix.histo-before.txt" ] || die "missing $work/bench-mix.histo-before.txt (delete $dump to regenerate)"

# --- measuring -------------------------------------------------------------------------------------------
declare -A wall cpu rss status runs done_runs walls_of cpus_of max_kb_of
steps=()

# Anything named after the dump plus a suffix counts as a cache of an earlier step: NetBeans' index
# (bench-mix.hprof.nbcache/) or a sidecar file another tool might write. Before each step such files and the
# temp directory are emptied; after it, what the step left is listed in the summary and moved to
# left-by/STEP/ (NetBeans' index, half the dump's size, is deleted instead) so that no step sees another's.
clean_caches() {
  local f
  for f in "$dump"?*; do
    [ -e "$f" ] && rm -rf -- "$f"
  done
  rm -rf -- "$tmp" && mkdir -p "$tmp"
  sync   # don't let the write-back of an earlier step's files run into this one
}

put_aside_caches() {
  local step="$1" f found=""
  for f in "$dump"?* "$tmp"/*; do
    [ -e "$f" ] || continue
    found+=" $(basename "$f") ($(du -sh "$f" | cut -f1))"
    case "$f" in
      *.nbcache) rm -rf -- "$f" ;;
      *) mkdir -p "$work/left-by/$step" && mv -- "$f" "$work/left-by/$step/" ;;
    esac
  done
  [ -n "$found" ] && echo "  $step:$found" >>"$work/caches.txt"
  return 0
}

# seconds NAME.time: the wall time /usr/bin/time -v measured, in seconds.
seconds() {
  sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" \
    | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}

# cpu_seconds NAME.time: user + system CPU time, less disturbed than wall time when the machine is shared.
cpu_seconds() {
  awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$1"
}

# measure NAME KIND COMMAND...: runs COMMAND $repeat times, each cold (new JVM, no cache files), keeping the
# median wall time and the largest peak RSS. KIND "mapleak": exit code 2 (usage: command not there yet) = n/a.
# Calling it again with the same NAME adds runs to that step (paired runs alternate two steps this way).
measure() {
  local name="$1" kind="$2"
  shift 2
  if [ -z "${done_runs[$name]:-}" ]; then
    steps+=("$name")
    done_runs[$name]=0
    walls_of[$name]=""
    cpus_of[$name]=""
    max_kb_of[$name]=0
    rm -f -- "$work/$name".*.time
  fi
  local i k rc=0 kb
  for ((i = 1; i <= repeat; i++)); do
    k=$((done_runs[$name] + 1))
    done_runs[$name]=$k
    clean_caches
    log "running $name (run $k)"
    (cd "$work" && /usr/bin/time -v -o "$work/$name.$k.time" "$@" >"$work/$name.out" 2>"$work/$name.err")
    rc=$?
    put_aside_caches "$name"
    walls_of[$name]+=" $(seconds "$work/$name.$k.time")"
    cpus_of[$name]+=" $(cpu_seconds "$work/$name.$k.time")"
    kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.$k.time")"
    [ "${kb:-0}" -gt "${max_kb_of[$name]}" ] && max_kb_of[$name]="$kb"
    [ "$rc" = 0 ] || break
  done
  local walls cpus
  read -r -a walls <<<"${walls_of[$name]}"
  read -r -a cpus <<<"${cpus_of[$name]}"
  wall[$name]="$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
  cpu[$name]="$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
  [ "${#walls[@]}" -gt 1 ] && runs[$name]="${walls[*]}"
  rss[$name]="$(awk -v kb="${max_kb_of[$name]}" 'BEGIN { printf "%d", kb / 1024 }')"
  if [ "$rc" = 0 ]; then
    [ "${status[$name]:-ok}" = ok ] && status[$name]=ok
  elif [ "$kind" = mapleak ] && [ "$rc" = 2 ]; then
    status[$name]="n/a (exit 2: $(head -1 "$work/$name.err" | cut -c1-60))"
  else
    status[$name]="failed (exit $rc; see $name.err)"
  fi
}

na() {
  steps+=("$1")
  status[$1]="n/a (analyzer jar not built)"
  wall[$1]=""
  cpu[$1]=""
  rss[$1]=""
}

rm -rf -- "$work/caches.txt" "$work/left-by"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
mapleak_version=""
if [ "$mapleak_built" = 1 ]; then
  mapleak_version="mapleak: $(git -C "$root" describe --always --dirty 2>/dev/null || echo "no git"), jar built"
  mapleak_version+=" $(date -u -r "$root/analyzer/target/mapleak.jar" '+%Y-%m-%d %H:%M UTC'),"
  mapleak_version+=" sha256 $(sha256sum "$root/analyzer/target/mapleak.jar" | cut -c1-12)"
fi
log "warming the page cache with $dump"
cat "$dump" >/dev/null
# The reference: reading the (now cached) file once, sequentially, with nothing else to do.
measure seqread other dd if="$dump" of=/dev/null bs=16M

export MAPLEAK_JAVA_OPTS="-Xmx$mapleak_xmx -Djava.io.tmpdir=$tmp"
mapleak_json="$work/mapleak-histogram.json"
if [ "$mapleak_built" = 1 ]; then
  measure mapleak-histogram mapleak "$mapleak" histogram "$dump" --top 20
  measure mapleak-info mapleak "$mapleak" info "$dump"
  rm -f "$mapleak_json"
  measure mapleak-histogram-json mapleak "$mapleak" histogram "$dump" --json "$mapleak_json"
  measure mapleak-top mapleak "$mapleak" top "$dump"
  measure mapleak-maps mapleak "$mapleak" maps "$dump"
  measure mapleak-analyze mapleak "$mapleak" analyze "$dump"
  for heap in ${BENCH_HEAPS-512m 2g default}; do
    if [ "$heap" = default ]; then
      export MAPLEAK_JAVA_OPTS="-Djava.io.tmpdir=$tmp"
      measure mapleak-analyze-default mapleak "$mapleak" analyze "$dump"
    else
      export MAPLEAK_JAVA_OPTS="-Xmx$heap -Djava.io.tmpdir=$tmp"
      measure "mapleak-analyze-xmx$heap" mapleak "$mapleak" analyze "$dump"
    fi
  done
else
  for s in mapleak-histogram mapleak-info mapleak-histogram-json mapleak-top mapleak-maps mapleak-analyze; do na "$s"; done
fi
unset MAPLEAK_JAVA_OPTS

# --- the ~10 GB dump (opt-in) ----------------------------------------------------------------------------
large_dump="$root/bench/work/large/bench-mix.hprof"
if [ "${BENCH_LARGE:-0}" = 1 ] && [ "$mapleak_built" = 1 ]; then
  mkdir -p "$(dirname "$large_dump")"
  if [ ! -f "$large_dump" ]; then
    log "generating $large_dump (scale 10, -Xmx${LARGE_FIXTURE_XMX:-14g}; about 10 GB, several minutes)"
    [ -f "$work/fixtures.classpath" ] || (cd "$root" && mvn -q -B -pl fixtures dependency:build-classpath \
      -Dmdep.outputFile="$work/fixtures.classpath") >"$work/build-classpath.log" 2>&1 \
      || die "could not resolve the fixtures' classpath; see $work/build-classpath.log"
    cp="$root/fixtures/target/classes:$(cat "$work/fixtures.classpath")"
    /usr/bin/time -v -o "$(dirname "$large_dump")/generate.time" java "-Xmx${LARGE_FIXTURE_XMX:-14g}" \
      -Dbench.scale=10 -cp "$cp" io.mapleak.fixtures.FixtureMain bench-mix "$(dirname "$large_dump")" \
      >"$(dirname "$large_dump")/generate.out" 2>&1 || die "generating the large dump failed"
  fi
  log "warming the page cache with $large_dump (as far as it fits)"
  cat "$large_dump" >/dev/null
  for heap in ${BENCH_LARGE_HEAPS-default 2g}; do
    if [ "$heap" = default ]; then
      export MAPLEAK_JAVA_OPTS="-Djava.io.tmpdir=$tmp"
      measure large-analyze-default mapleak "$mapleak" analyze "$large_dump" --json "$work/large-analyze-default.json"
    else
      export MAPLEAK_JAVA_OPTS="-Xmx$heap -Djava.io.tmpdir=$tmp"
      measure "large-analyze-xmx$heap" mapleak "$mapleak" analyze "$large_dump" --json "$work/large-analyze-xmx$heap.json"
    fi
  done
  unset MAPLEAK_JAVA_OPTS
fi

# --- against a baseline version (opt-in) -------------------------------------------------------------------
# The jar of BENCH_BASELINE: a file as given, or a git revision built once (in a detached worktree, removed after).
baseline_jar() {
  local spec="$1" rev out src
  if [ -f "$spec" ]; then
    echo "$spec"
    return
  fi
  rev="$(git -C "$root" rev-parse --short=12 "$spec^{commit}" 2>/dev/null)" \
    || die "BENCH_BASELINE=$spec is neither a file nor a git revision"
  out="$work/baseline-$rev.jar"
  if [ ! -f "$out" ]; then
    src="$work/baseline-src"
    git -C "$root" worktree remove --force "$src" >/dev/null 2>&1 || rm -rf -- "$src"
    git -C "$root" worktree prune >/dev/null 2>&1   # an earlier run stopped before it removed its worktree
    log "building the baseline jar of $rev"
    git -C "$root" worktree add --detach "$src" "$rev" >"$work/build-baseline.log" 2>&1 \
      || die "could not check out $rev; see $work/build-baseline.log"
    if (cd "$src" && mvn -q -B -DskipTests -pl analyzer -am package) >>"$work/build-baseline.log" 2>&1; then
      cp "$src/analyzer/target/mapleak.jar" "$out"
    fi
    git -C "$root" worktree remove --force "$src" >/dev/null 2>&1
    [ -f "$out" ] || die "the baseline build failed; see $work/build-baseline.log"
  fi
  echo "$out"
}

baseline_note=""
if [ -n "${BENCH_BASELINE:-}" ] && [ "$mapleak_built" = 1 ]; then
  base_jar="$(baseline_jar "$BENCH_BASELINE")" || exit 1
  baseline_note="baseline: $BENCH_BASELINE ($base_jar, sha256 $(sha256sum "$base_jar" | cut -c1-12)); paired steps alternate"
  baseline_note+=" the baseline's analyze and this one's, ${BENCH_BASELINE_PAIRS:-3} pairs a heap"
  for heap in ${BENCH_BASELINE_HEAPS-default}; do
    if [ "$heap" = default ]; then heap_opt=(); else heap_opt=("-Xmx$heap"); fi
    for ((pair = 1; pair <= ${BENCH_BASELINE_PAIRS:-3}; pair++)); do
      repeat=1 measure "paired-baseline-$heap" mapleak java "${heap_opt[@]}" "-Djava.io.tmpdir=$tmp" -jar "$base_jar" \
        analyze "$dump"
      MAPLEAK_JAVA_OPTS="${heap_opt[*]} -Djava.io.tmpdir=$tmp" repeat=1 measure "paired-now-$heap" mapleak "$mapleak" \
        analyze "$dump"
    done
  done
fi

nb_java=(java "-Xmx$netbeans_xmx" "-Djava.io.tmpdir=$tmp" -jar "$nb_jar")
measure netbeans-histogram other "${nb_java[@]}" histogram "$dump" --tsv "$work/netbeans-histogram.tsv" --top 20
if [ "${BENCH_RETAINED:-1}" = 1 ]; then
  repeat="${BENCH_RETAINED_REPEAT:-$repeat}" measure netbeans-retained other "${nb_java[@]}" retained "$dump" --top 5
fi
clean_caches

# --- comparing histograms --------------------------------------------------------------------------------
compare_args=(--jvm "$work/bench-mix.histo-before.txt" --netbeans "$work/netbeans-histogram.tsv" --top 5)
if [ "${status[mapleak-histogram-json]}" = ok ] && [ -s "$mapleak_json" ]; then
  compare_args+=(--mapleak "$mapleak_json")
fi
if [ "${status[netbeans-histogram]}" = ok ]; then
  java -jar "$nb_jar" compare "${compare_args[@]}" >"$work/compare.txt" 2>&1 || log "compare failed; see $work/compare.txt"
else
  echo "NetBeans histogram failed; nothing to compare" >"$work/compare.txt"
fi

# --- summary ---------------------------------------------------------------------------------------------
ratio() {  # ratio A B: A/B with 2 decimals, or n/a
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}
partner() {  # the mapleak step a NetBeans step is compared with
  case "$1" in
    netbeans-histogram) echo mapleak-histogram ;;
    netbeans-retained) echo mapleak-top ;;
  esac
}

{
  echo "mapleak benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GB RAM,"\
    "$(java -version 2>&1 | head -1)"
  [ "${BENCH_LARGE:-0}" = 1 ] && [ -f "$large_dump" ] && echo "large dump: $large_dump, $(stat -L -c %s "$large_dump") bytes;" \
    "JVM histogram: $(awk '/^Total/ { printf "%d objects, %d bytes", $2, $3 }' "$(dirname "$large_dump")/bench-mix.histo-before.txt")"
  echo "dump: $dump, $(stat -L -c %s "$dump") bytes;" \
    "JVM histogram: $(awk '/^Total/ { printf "%d objects, %d bytes", $2, $3 }' "$work/bench-mix.histo-before.txt")"
  if [ -f "$work/generate.time" ]; then
    echo "dump generation (when it was last generated by this script): $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/generate.time")" \
      "wall, $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/generate.time" | awk '{ printf "%d", $1 / 1024 }') MB peak RSS"
  fi
  echo "load average (1, 5, 15 min) before the steps: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)" \
    "(above ~0 the machine was shared; trust cpu s more than wall s)"
  [ -n "$mapleak_version" ] && echo "$mapleak_version"
  [ -n "$baseline_note" ] && echo "$baseline_note"
  echo "heaps: mapleak -Xmx$mapleak_xmx, NetBeans RELEASE250 -Xmx$netbeans_xmx; page cache warm; each step a new JVM, no cache files"
  echo
  printf "%-24s %9s %8s %11s %9s  %-16s %s\n" step "wall s" "cpu s" "peak RSS MB" "x read" "NetBeans/mapleak" status
  for s in "${steps[@]}"; do
    w="${wall[$s]}"
    r="${rss[$s]}"
    nbm=""
    p="$(partner "$s")"
    if [ -n "$p" ]; then
      if [ "${status[$s]}" = ok ] && [ "${status[$p]:-}" = ok ]; then
        nbm="$(ratio "$w" "${wall[$p]}") / $(ratio "$r" "${rss[$p]}")"
      else
        nbm="n/a"
      fi
    fi
    if [[ "${status[$s]}" == n/a* ]]; then
      printf "%-24s %9s %8s %11s %9s  %-16s %s\n" "$s" n/a n/a n/a n/a "$nbm" "${status[$s]}"
    else
      printf "%-24s %9s %8s %11s %9s  %-16s %s\n" "$s" "$w" "${cpu[$s]}" "$r" "$(ratio "$w" "${wall[seqread]}")" \
        "$nbm" "${status[$s]}"
    fi
  done
  echo "(wall s: median of the runs; cpu s: user + system, median; peak RSS: largest of the runs, including resident"
  echo " pages of memory-mapped files; x read: wall time relative to seqread; NetBeans/mapleak: wall ratio / RSS ratio"
  echo " against mapleak-histogram, or against mapleak-top for retained sizes)"
  for s in "${steps[@]}"; do
    [ -n "${runs[$s]:-}" ] && echo "$s wall times of the runs: ${runs[$s]}"
  done
  for s in "${steps[@]}"; do
    b="paired-baseline-${s#paired-now-}"
    if [[ "$s" == paired-now-* ]] && [ "${status[$s]}" = ok ] && [ "${status[$b]:-}" = ok ]; then
      echo "${s#paired-now-} heap, this version / the baseline (medians of the pairs): wall $(ratio "${wall[$s]}" "${wall[$b]}")," \
        "cpu $(ratio "${cpu[$s]}" "${cpu[$b]}"), peak RSS $(ratio "${rss[$s]}" "${rss[$b]}")"
    fi
  done
  for s in "${steps[@]}"; do
    [[ "$s" == netbeans-* ]] && grep -h '^RESULT' "$work/$s.out" | sed 's/^/netbeans /'
  done
  if [ -s "$work/caches.txt" ]; then
    echo
    echo "cache/temp files left by steps (NetBeans' deleted, others moved to bench/work/left-by/):"
    cat "$work/caches.txt"
  fi
  echo
  cat "$work/compare.txt"
} >"$work/summary.txt"
rm -f "$work/caches.txt"
cat "$work/summary.txt"
