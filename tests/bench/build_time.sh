#!/usr/bin/env bash
# Measures the README's build from a fresh clone with an empty compiler cache and prints one
# table: configure, then each part of the build (engine, ui, cli, tests, benchmarks, link) with
# its wall time (from the first to the last of its steps, overlapping the others) and CPU time
# (the sum of its steps' durations, as ninja's log records them), the one-file and no-op
# rebuilds, the test run, and a separate cold build of the app alone.
#
#   tests/bench/build_time.sh [--bench] [--no-app] [--no-tests] [--touch FILE] [--jobs N]
#
# --bench also builds the benchmarks (-DPARTEDIT_BENCH=ON); --touch names the core source the
# one-file rebuild changes (a line of code appended; default core/runtime/stage.cpp). Run it on a
# quiet machine: it takes as long as the build does, twice over with the app build.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
bench=OFF
run_app=1
run_tests=1
touch_file=core/runtime/stage.cpp
jobs=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --bench) bench=ON ;;
    --no-app) run_app=0 ;;
    --no-tests) run_tests=0 ;;
    --touch) touch_file=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "build_time.sh: unknown option $1 (--help lists them)" >&2; exit 2 ;;
  esac
  shift
done

work=$(mktemp -d /tmp/partedit-build-time.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/src"  # the committed HEAD, as CI sees it
export CCACHE_DIR="$work/ccache"  # empty: a cold compiler cache, as on a fresh machine

# timed LABEL CMD...: runs CMD, appends "LABEL wall user sys" to $work/times.
timed() {
  local label=$1; shift
  /usr/bin/time -f "$label %e %U %S" -a -o "$work/times" "$@"
}

cd "$work/src"
timed configure cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARTEDIT_BENCH=$bench >/dev/null
timed build cmake --build build -j "$jobs" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
cp build/.ninja_log "$work/ninja_log.full"
# New code (a comment would not do: the compiler cache hashes the preprocessed text).
echo "static const int build_time_sh_touch_$$ = 0;" >>"$touch_file"
timed touch_rebuild cmake --build build -j "$jobs" >/dev/null
timed noop_rebuild cmake --build build -j "$jobs" >/dev/null
if [ $run_tests = 1 ]; then
  timed tests ctest --test-dir build -j "$jobs" >"$work/ctest.log" 2>&1 || { tail -30 "$work/ctest.log"; exit 1; }
  grep -E "tests passed|tests failed" "$work/ctest.log"
fi
if [ $run_app = 1 ]; then
  export CCACHE_DIR="$work/ccache-app"
  rm -rf build-app
  timed app_configure cmake -S . -B build-app -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  timed app_build cmake --build build-app -j "$jobs" --target partedit >/dev/null
fi

python3 - "$work/ninja_log.full" "$work/times" "$jobs" "$touch_file" <<'EOF'
import sys, collections
log, times_path, jobs, touched = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
steps = []
for line in open(log):
    if line.startswith('#'): continue
    start, end, _, output, _ = line.rstrip('\n').split('\t')
    steps.append((int(start) / 1000, int(end) / 1000, output))

def part(output):
    if not output.endswith(('.o', '.gch')): return 'link'  # libraries, executables, generated files
    if output.startswith('tests/bench/'): return 'benchmarks'
    if output.startswith('tests/'): return 'tests'
    if output.startswith('core/'): return 'engine'
    if output.startswith('ui/') or '/partedit.dir/' in output: return 'ui'
    if output.startswith('app/'): return 'cli'
    return 'link'

parts = collections.defaultdict(list)
for s in steps: parts[part(s[2])].append(s)
times = {}
for line in open(times_path):
    label, wall, user, sys_ = line.split()
    times[label] = (float(wall), float(user) + float(sys_))

def minutes(seconds): return f"{int(seconds // 60)}:{seconds % 60:04.1f}"
print(f"\n| step ({jobs} jobs, empty compiler cache) | wall | CPU | steps |")
print("|---|---|---|---|")
print(f"| configure | {minutes(times['configure'][0])} | {minutes(times['configure'][1])} | |")
for name in ['engine', 'ui', 'cli', 'tests', 'benchmarks', 'link']:
    if name not in parts: continue
    ss = parts[name]
    wall = max(e for _, e, _ in ss) - min(s for s, _, _ in ss)
    cpu = sum(e - s for s, e, _ in ss)
    print(f"| {name} | {minutes(wall)} (span) | {minutes(cpu)} | {len(ss)} |")
print(f"| **build, all of it** | **{minutes(times['build'][0])}** | {minutes(times['build'][1])} | {len(steps)} |")
print(f"| rebuild after changing {touched} | {minutes(times['touch_rebuild'][0])} | {minutes(times['touch_rebuild'][1])} | |")
print(f"| no-op rebuild | {minutes(times['noop_rebuild'][0])} | {minutes(times['noop_rebuild'][1])} | |")
if 'tests' in times:
    print(f"| ctest -j {jobs} | {minutes(times['tests'][0])} | {minutes(times['tests'][1])} | |")
    total = times['configure'][0] + times['build'][0] + times['tests'][0]
    print(f"| **README test command (configure + build + ctest)** | **{minutes(total)}** | | |")
if 'app_build' in times:
    total = times['app_configure'][0] + times['app_build'][0]
    print(f"| **README app command (configure + build partedit), separate cold build** | **{minutes(total)}** | {minutes(times['app_configure'][1] + times['app_build'][1])} | |")
slowest = sorted(steps, key=lambda s: s[0] - s[1])[:5]
print("\nslowest steps: " + ", ".join(f"{o} {e - s:.0f} s" for s, e, o in slowest))
EOF
