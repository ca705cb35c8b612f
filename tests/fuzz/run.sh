#!/bin/bash
# Builds the libFuzzer targets (if needed) and runs each for SECONDS, then prints a table:
# executions, exec/s, coverage (libFuzzer's cov and ft) and crashes found per target.
#
#   tests/fuzz/run.sh SECONDS [TARGET ...]      (default: every target, one after another)
#
# Environment:
#   PARTEDIT_FUZZ_BUILD  build folder (default <repo>/build-fuzz; configured with clang on first use)
#   PARTEDIT_FUZZ_OUT    results (default <build>/fuzz-out): corpus/<t>/ the inputs found (grows
#                        over runs), crashes/<t>/ crash-*, leak-*, timeout-*, oom-* files, logs/<t>.log
#   PARTEDIT_FUZZ_JOBS   targets run at the same time (default 1)
#   PARTEDIT_FUZZ_FORK   1 (default): libFuzzer's -fork=1, which goes on after a crash and saves
#                        each distinct one; 0: stop at the first crash, as plain libFuzzer does
#   PARTEDIT_FUZZ_FLAGS  more libFuzzer flags (e.g. -max_len=65536)
#   PARTEDIT_FUZZ_NO_BUILD=1  run the targets as built, without rebuilding them first
# A crash worth keeping goes to tests/data/crashers/<target>/ under a descriptive name;
# io.test_crashers replays it in the normal build.
set -euo pipefail

if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
seconds=$1
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${PARTEDIT_FUZZ_BUILD:-$root/build-fuzz}
out=${PARTEDIT_FUZZ_OUT:-$build/fuzz-out}
jobs=${PARTEDIT_FUZZ_JOBS:-1}
fork=${PARTEDIT_FUZZ_FORK:-1}
all_targets=(safetensors_header image_header image_parameters infotext clip_bpe gpt2_bpe edit_instruction
             json_config batch_manifest_line pt_token)
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "unknown target '$t' (targets: ${all_targets[*]})" >&2; exit 2; }
done

# -O1: fast enough to fuzz, quick to build; assertions stay on.
if [[ ! -f $build/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE=-O1 -DPARTEDIT_FUZZ=ON >/dev/null
fi
[[ ${PARTEDIT_FUZZ_NO_BUILD:-0} == 1 ]] || cmake --build "$build" --target "${targets[@]/#/fuzz_}"

# The files path-taking parsers read go to memory when /dev/shm is there.
scratch_base=/dev/shm
[[ -d $scratch_base && -w $scratch_base ]] || scratch_base=${TMPDIR:-/tmp}
export PARTEDIT_FUZZ_SCRATCH=$(mktemp -d "$scratch_base/partedit-fuzz-run.XXXXXX")
trap 'rm -rf "$PARTEDIT_FUZZ_SCRATCH"' EXIT
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# Also reads of a returned function's stack (a pointer into a dead temporary).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=1}
export OMP_NUM_THREADS=1

run_target() {
  local t=$1 corpus=$out/corpus/$1 crashes=$out/crashes/$1 log=$out/logs/$1.log
  mkdir -p "$corpus" "$crashes" "$out/logs"
  local mode=()
  [[ $fork == 1 ]] && mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  [[ -f $here/dict/$t.dict ]] && mode+=(-dict="$here/dict/$t.dict")  # the format's keywords
  # LibTorch 1.13's zip reader leaks its state (~600 bytes, in libtorch_cpu) whenever it refuses
  # a damaged archive, which is most fuzzed inputs: leak checks would find only that, at a
  # third of the speed. Our own code of that target holds nothing but RAII objects.
  # -detect_leaks=0 stops libFuzzer's per-input checks; LeakSanitizer's check at the exit of
  # each fork job needs ASAN_OPTIONS too, or every job would end as a "crash".
  local asan=$ASAN_OPTIONS
  [[ $t == pt_token ]] && mode+=(-detect_leaks=0) && asan="$asan:detect_leaks=0"
  # New inputs go to the first folder; the checked-in seeds are only read.
  # shellcheck disable=SC2086
  (cd "$crashes" && ASAN_OPTIONS=$asan "$build/fuzz/fuzz_$t" "${mode[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
     -print_final_stats=1 -artifact_prefix="$crashes/" ${PARTEDIT_FUZZ_FLAGS:-} \
     "$corpus" "$here/corpus/$t") >"$log" 2>&1 || true
}

echo "fuzzing ${#targets[@]} target(s) for ${seconds} s each (fork=$fork, $jobs at a time); logs in $out/logs" >&2
running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

# The last status line of each log: "#N ... cov: C ft: F ... exec/s: E" (fork mode: "#N: cov: ...").
printf '%-20s %12s %9s %7s %7s %8s\n' target executions exec/s cov ft crashes
for t in "${targets[@]}"; do
  log=$out/logs/$t.log
  line=$(grep -E '^#[0-9]+:? ' "$log" | grep 'cov:' | tail -1 || true)
  execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$line")
  # Plain mode's final stats count every execution; prefer them when present.
  final=$(sed -nE 's/^stat::number_of_executed_units: ([0-9]+)/\1/p' "$log" | tail -1)
  [[ -n $final ]] && execs=$final
  rate=$(sed -nE 's/.*exec\/s:? ([0-9]+).*/\1/p' <<<"$line")
  final_rate=$(sed -nE 's/^stat::average_exec_per_sec: ([0-9]+)/\1/p' "$log" | tail -1)
  [[ -n $final_rate ]] && rate=$final_rate
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$line")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$line")
  found=$(find "$out/crashes/$t" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
            -o -name 'oom-*' \) | wc -l)
  printf '%-20s %12s %9s %7s %7s %8s\n' "$t" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" "$found"
done
echo "crash inputs: $out/crashes/<target>/ (reproduce: $build/fuzz/fuzz_<target> FILE)" >&2
