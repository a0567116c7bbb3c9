#!/usr/bin/env bash
# mapleak triage benchmark (not a timed test):
#
#   bash bench/triage.sh
#
# 1. Two jobs started at once (`mapleak triage DUMPS --out OUT --once`, SQLite store) over N small fixture dumps
#    (copies of the smoke scenario's dump, each with its own header time, so each is another dump): checks that every
#    dump was analysed exactly once, and reports the job's own cost per dump beyond the analysis itself: the child
#    JVM's start and exit, writing and reading the JSON report, the HTML page, the store, and the dump's share of the
#    index pages. From the store: an attempt runs from its claim to its recorded result; the analysis is the time the
#    report says the analysis took.
# 2. The index pages over M stored dumps: a store filled through mapleak's store API (bench/triage/StoreFiller.java),
#    then `mapleak triage EMPTY --out OUT --once` timed; the job prints how long writing the index took (reading the
#    store, building index.json, rendering index.html, writing both).
#
# Everything goes to bench/work/triage/ (git-ignored); the summary is printed and saved as summary.txt there.
# Environment (defaults in brackets):
#   TRIAGE_DUMPS      dumps for part 1 [50]
#   TRIAGE_STORED     dumps in the store for part 2 [10000]
#   TRIAGE_REPEAT     runs of part 2; the summary gives each and the median [3]
#   JOB_JAVA_OPTS     JVM options of the jobs themselves (their children are sized by the job) [the ones
#                     docs/triage.md recommends: -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC]; part 2 also runs
#                     with the JVM's defaults (-Xmx512m only), for comparison
#   BENCH_SKIP_BUILD  1 to use the jar as it is [0]
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/bench/work/triage"
jar="$root/analyzer/target/mapleak.jar"
dumps_n="${TRIAGE_DUMPS:-50}"
stored_n="${TRIAGE_STORED:-10000}"
repeat="${TRIAGE_REPEAT:-3}"
job_opts="${JOB_JAVA_OPTS:--Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

command -v java >/dev/null || die "java not found"
command -v python3 >/dev/null || die "python3 not found (it reads the SQLite store)"
mkdir -p "$work" || die "cannot create $work"
if ! /usr/bin/time -v true >/dev/null 2>&1; then
  log "installing GNU time (Debian package 'time')"
  apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; } || die "no GNU time"
fi

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building the analyzer jar"
  (cd "$root" && mvn -q -B -DskipTests package) >"$work/build.log" 2>&1 || die "build failed; see $work/build.log"
fi
[ -f "$jar" ] || die "missing $jar"

# --- the fixture dump ---------------------------------------------------------------------------------------------
smoke="$root/analyzer/target/fixture-dumps/jdk17/smoke.hprof"
if [ ! -f "$smoke" ]; then
  smoke="$work/fixture/smoke.hprof"
  if [ ! -f "$smoke" ]; then
    log "generating the smoke scenario's dump"
    (cd "$root" && mvn -q -B -pl fixtures install -DskipTests && mvn -q -B -pl fixtures dependency:build-classpath \
      -Dmdep.outputFile="$work/fixtures.classpath") >"$work/build-fixtures.log" 2>&1 || die "see $work/build-fixtures.log"
    mkdir -p "$work/fixture"
    java -Xmx512m -cp "$root/fixtures/target/classes:$(cat "$work/fixtures.classpath")" io.mapleak.fixtures.FixtureMain \
      smoke "$work/fixture" >"$work/fixture.log" 2>&1 || die "see $work/fixture.log"
  fi
fi

# --- part 1: two jobs over N dumps --------------------------------------------------------------------------------
log "making $dumps_n dumps from $smoke"
rm -rf "$work/dumps" "$work/out" "$work"/job-*.log "$work"/job-*.time
python3 - "$smoke" "$work/dumps" "$dumps_n" <<'EOF'
import os, shutil, struct, sys, time
source, target, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
old = time.time() - 3600
for i in range(n):
    d = os.path.join(target, "svc-%d" % (i % 5))
    os.makedirs(d, exist_ok=True)
    f = os.path.join(d, "java_pid%d.hprof" % (1000 + i))
    shutil.copyfile(source, f)
    with open(f, "r+b") as h:          # the header's time (after "JAVA PROFILE 1.0.2\0" and the id size)
        h.seek(23)
        h.write(struct.pack(">q", 1762000000000 + i * 60000))
    os.utime(f, (old, old))            # written an hour ago: past the quiet period
EOF
cat "$smoke" >/dev/null   # page cache warm: the analysis, not the disk, is measured
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
log "two jobs at once over $dumps_n dumps"
for j in A B; do
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$work/job-$j.time" java $job_opts -jar "$jar" triage "$work/dumps" --out "$work/out" --once \
    >"$work/job-$j.log" 2>&1 &
done
wait
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- part 2: the index over M stored dumps ------------------------------------------------------------------------
stored="$work/stored"
if ! python3 -c "import sqlite3,sys; c=sqlite3.connect('$stored/triage.db'); \
    sys.exit(0 if c.execute(\"select count(*) from triage_dumps where status='analysed'\").fetchone()[0] == $stored_n else 1)" \
    2>/dev/null; then
  log "filling a store with $stored_n analysed dumps (once; kept for later runs)"
  rm -rf "$stored" && mkdir -p "$stored/empty"
  java -cp "$jar" "$root/bench/triage/StoreFiller.java" "jdbc:sqlite:$stored/triage.db" "$stored_n" \
    >"$work/filler.log" 2>&1 || die "filling the store failed; see $work/filler.log"
fi
mkdir -p "$stored/empty"
for flavour in job default; do
  opts="$job_opts"
  [ "$flavour" = default ] && opts="-Xmx512m"
  for ((i = 1; i <= repeat; i++)); do
    log "index over $stored_n dumps, $flavour JVM options ($i/$repeat)"
    # shellcheck disable=SC2086
    /usr/bin/time -v -o "$work/index-$flavour-$i.time" java $opts -jar "$jar" triage "$stored/empty" --out "$stored" \
      --once >"$work/index-$flavour-$i.log" 2>&1 || die "the index run failed; see $work/index-$flavour-$i.log"
  done
done

# --- summary ------------------------------------------------------------------------------------------------------
python3 - "$work" "$dumps_n" "$stored_n" "$repeat" "$load_before" "$load_after" "$job_opts" <<'EOF' | tee "$work/summary.txt"
import os, re, sqlite3, statistics, sys
work, n, stored_n, repeat, load_before, load_after, job_opts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
def wall(f):
    t = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", open(f).read()).group(1)
    s = 0.0
    for part in t.split(":"):
        s = s * 60 + float(part)
    return s
def cpu(f):
    t = open(f).read()
    return float(re.search(r"User time \(seconds\): ([0-9.]+)", t).group(1)) + float(re.search(r"System time \(seconds\): ([0-9.]+)", t).group(1))
def rss(f):
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f).read()).group(1)) // 1024
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]
db = sqlite3.connect(os.path.join(work, "out", "triage.db"))
dumps = db.execute("select count(*) from triage_dumps").fetchone()[0]
analysed = db.execute("select count(*) from triage_dumps where status='analysed' and attempts=1").fetchone()[0]
per_dump = db.execute("select dump_id, count(*), sum(outcome='analysed') from triage_attempts group by dump_id").fetchall()
once = all(c == 1 and a == 1 for _, c, a in per_dump) and len(per_dump) == n
rows = db.execute("select a.owner, (a.finished_ms - a.started_ms) / 1000.0, a.child_seconds, a.analysis_seconds "
                  "from triage_attempts a where a.outcome = 'analysed'").fetchall()
by_owner = {}
for o, *_ in rows:
    by_owner[o] = by_owner.get(o, 0) + 1
index_s = {}
for j in "AB":
    text = open(os.path.join(work, "job-%s.log" % j)).read()
    m = re.findall(r"index \S+ written in ([0-9.]+) s", text)
    index_s[j] = sum(float(x) for x in m)
index_total = sum(index_s.values())
own = [total - analysis + index_total / n for _, total, child, analysis in rows]
child_extra = [child - analysis for _, total, child, analysis in rows]
parent = [total - child for _, total, child, analysis in rows]
analysis = [a for *_, a in rows]
print("mapleak triage benchmark, %d cores, %s" % (os.cpu_count(), os.popen("java -version 2>&1").readline().strip()))
print("load average (1, 5, 15 min) before part 1: %s, after: %s" % (load_before, load_after))
print("the jobs' own JVM options: %s" % job_opts)
print()
print("part 1: two jobs at once (SQLite store) over %d dumps of the smoke scenario (%d bytes each)"
      % (n, os.path.getsize(os.path.join(work, "dumps", "svc-0", "java_pid1000.hprof"))))
print("  dumps in the store: %d; analysed with one attempt: %d; each dump exactly one attempt, and it succeeded: %s"
      % (dumps, analysed, "yes" if once else "NO"))
print("  dumps analysed per job: %s" % ", ".join(str(v) for v in sorted(by_owner.values(), reverse=True)))
for j in "AB":
    f = os.path.join(work, "job-%s.time" % j)
    print("  job %s: %.1f s wall, %.1f s CPU, %d MB peak RSS (the job's JVM, not its children); index written in %.2f s in all"
          % (j, wall(f), cpu(f), rss(f), index_s[j]))
print("  per dump, seconds        median    p90     max")
for name, v in (("analysis (the report's)", analysis), ("own cost beyond it", own),
                ("  child JVM beyond it", child_extra), ("  job side (HTML, store)", parent)):
    print("  %-24s %6.2f %6.2f %7.2f" % (name, statistics.median(v), pct(v, 0.9), max(v)))
print("  (own cost = claim to recorded result, less the analysis, plus the dump's share of the index pages;")
print("   child JVM beyond it = the child's wall time less the analysis: JVM start, reading the dump's header, writing")
print("   the JSON, exit; job side = reading the JSON, the HTML page, moving both into place, the store)")
print()
html = os.path.getsize(os.path.join(work, "stored", "index.html"))
js = os.path.getsize(os.path.join(work, "stored", "index.json"))
print("part 2: index pages over %d stored dumps (index.html %d KB, index.json %d KB), each run a new JVM"
      % (stored_n, html // 1024, js // 1024))
for flavour, opts in (("job", job_opts), ("default", "-Xmx512m")):
    times = []
    for i in range(1, repeat + 1):
        text = open(os.path.join(work, "index-%s-%d.log" % (flavour, i))).read()
        f = os.path.join(work, "index-%s-%d.time" % (flavour, i))
        times.append((float(re.search(r"index \S+ written in ([0-9.]+) s", text).group(1)), wall(f), cpu(f)))
    print("  %s:" % opts)
    print("    index written in (s): %s; median %.2f" % (", ".join("%.2f" % t for t, _, _ in times),
                                                       statistics.median(t for t, _, _ in times)))
    print("    whole job (JVM start, store, scan, index): wall %s s, CPU %s s"
          % (" / ".join("%.2f" % w for _, w, _ in times), " / ".join("%.2f" % c for _, _, c in times)))
EOF
