#!/usr/bin/env bash
# Measures the README's "How fast is it" table on this machine and writes it into README.md
# (between the speed-table markers): a whole full-size SDXL part edit (bench_sdxl_edit,
# 1024², --sdxl-steps) in fp32 and bf16, the medium model's generate / edit / invert / train
# benches in fp32 and bf16, and fp32 generation with one core kept busy by another process,
# with matrix-product threads fitted to the free cores (the default) and fixed at all cores.
# Takes about an hour on 2 cores (the fp32 SDXL edit alone ~30 min); the JSON lines stay in
# the output folder. Usage, from the repository root after a build with -DPARTEDIT_BENCH=ON:
#   tests/bench/speed_table.sh [--build DIR] [--out DIR] [--sdxl-steps N] [--no-sdxl] [--no-readme]
#                              [--table-only]   (the table from the JSON lines already in --out)
set -euo pipefail
build=build
out=$(mktemp -d /tmp/partedit-speed.XXXXXX)
sdxl_steps=3
sdxl=1
readme=1
table_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --sdxl-steps) sdxl_steps=$2; shift 2 ;;
    --no-sdxl) sdxl=0; shift ;;
    --no-readme) readme=0; shift ;;
    --table-only) table_only=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench=$build/tests/bench
mkdir -p "$out"
run() {  # run NAME COMMAND...: one JSON line into $out/NAME.json
  local name=$1; shift
  echo "== $name: $*" >&2
  "$@" 2> "$out/$name.err" | tail -n 1 > "$out/$name.json"
  cat "$out/$name.json" >&2
}

if [ "$table_only" = 0 ]; then
for dtype in fp32 bf16; do
  run "generate_$dtype" "$bench/bench_generate" --dtype "$dtype" --steps 10 --runs 3
  run "edit_$dtype" "$bench/bench_edit" --dtype "$dtype" --steps 10 --runs 3
  run "invert_$dtype" "$bench/bench_invert" --dtype "$dtype" --steps 10 --runs 3
  run "train_$dtype" "$bench/bench_train" --dtype "$dtype" --runs 3
done

# fp32 with one core busy (a shell loop stands in for another program)
( while :; do :; done ) &
busy=$!
trap 'kill $busy 2>/dev/null || true' EXIT
sleep 1
run generate_fp32_busy_fitted "$bench/bench_generate" --dtype fp32 --steps 10 --runs 3
PARTEDIT_BLAS_THREADS=$(nproc) run generate_fp32_busy_all_cores "$bench/bench_generate" --dtype fp32 --steps 10 --runs 3
run generate_bf16_busy_fitted "$bench/bench_generate" --dtype bf16 --steps 10 --runs 3
kill $busy 2>/dev/null || true

if [ "$sdxl" = 1 ]; then
  run sdxl_edit_bf16 "$bench/bench_sdxl_edit" --dtype bf16 --steps "$sdxl_steps"
  run sdxl_edit_fp32 "$bench/bench_sdxl_edit" --dtype fp32 --steps "$sdxl_steps" --remove-model
fi
fi

python3 - "$out" "$readme" <<'EOF'
import json, os, platform, subprocess, sys, datetime
out, readme = sys.argv[1], sys.argv[2] == "1"
def load(name):
    try:
        with open(os.path.join(out, name + ".json")) as f:
            return json.loads(f.read().strip() or "null")
    except (OSError, ValueError):
        return None
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
cores = os.cpu_count()
mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
flags = open("/proc/cpuinfo").read()
native = "AMX-BF16" if "amx_bf16" in flags else ("AVX512-BF16" if "avx512_bf16" in flags else "no native bf16")
lines = [f"Measured {datetime.date.today()} by `tests/bench/speed_table.sh` on {cpu}, {cores} cores, "
         f"{mem_gb:.0f} GiB ({native}); CPU, all cores, medians of 3 runs after a warm-up (SDXL: one run, no warm-up; "
         "step times are the median of the steps after the first).", ""]
def s(x): return "–" if x is None else f"{x:.2f} s"
def ratio(a, b): return "–" if a is None or b is None or b == 0 else f"{a / b:.2f}"
sd = {d: load(f"sdxl_edit_{d}") for d in ("fp32", "bf16")}
if any(sd.values()):
    steps = next(v["steps"] for v in sd.values() if v)
    lines += [f"**SDXL-base shapes, 1024², {steps} steps** (random weights, `bench_sdxl_edit`):", "",
              "| | fp32 | bf16 | bf16 / fp32 |", "|---|---|---|---|"]
    for key, label in [("generate_step_s", "generation step"), ("edit_step_s", "PartEdit edit step"),
                       ("encode_s", "VAE encode (photo)"), ("decode_s", "VAE decode"), ("load_s", "model load")]:
        a, b = (sd[d][key] if sd[d] else None for d in ("fp32", "bf16"))
        lines.append(f"| {label} | {s(a)} | {s(b)} | {ratio(b, a)} |")
    phases = ("peak_rss_mb", "load_peak_rss_mb", "encode_peak_rss_mb", "decode_peak_rss_mb",
              "generate_peak_rss_mb", "edit_peak_rss_mb")
    a, b = (max(sd[d].get(k, 0) for k in phases) / 1024 if sd[d] else None for d in ("fp32", "bf16"))
    fmt = lambda x: "–" if x is None else f"{x:.2f} GiB"
    lines += [f"| peak memory (RSS) of the whole run | {fmt(a)} | {fmt(b)} | {ratio(b, a)} |", ""]
lines += ["**Medium test model** (SDXL structure, widths 64/128/256, 256², 10 steps):", "",
          "| pipeline | fp32 | bf16 | bf16 / fp32 |", "|---|---|---|---|"]
for name, label in [("generate", "generate"), ("edit", "PartEdit edit"), ("invert", "photo inversion"),
                    ("train", "token training step (cached)")]:
    a, b = load(f"{name}_fp32"), load(f"{name}_bf16")
    key = "cached_step_s" if name == "train" else "median_s"
    a = a.get(key) if a else None
    b = b.get(key) if b else None
    lines.append(f"| {label} | {s(a)} | {s(b)} | {ratio(b, a)} |")
idle = load("generate_fp32")
fit, allc, bf = load("generate_fp32_busy_fitted"), load("generate_fp32_busy_all_cores"), load("generate_bf16_busy_fitted")
get = lambda j: j["median_s"] if j else None
lines += ["", "**One core busy with another program** (medium model, generate):", "",
          "| | time | vs fp32 idle |", "|---|---|---|",
          f"| fp32, matrix-product threads fitted to the free cores (default) | {s(get(fit))} | {ratio(get(fit), get(idle))} |",
          f"| fp32, threads fixed at all cores (`PARTEDIT_BLAS_THREADS={cores}`) | {s(get(allc))} | {ratio(get(allc), get(idle))} |",
          f"| bf16 | {s(get(bf))} | {ratio(get(bf), get(idle))} |"]
table = "\n".join(lines) + "\n"
print(table)
if readme:
    begin, end = "<!-- speed-table:begin -->\n", "<!-- speed-table:end -->"
    text = open("README.md").read()
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < 0:
        sys.exit("README.md has no speed-table markers")
    new = text[: i + len(begin)] + table + text[j:]
    tmp = "README.md.speed-table"
    with open(tmp, "w") as f:
        f.write(new)
    os.replace(tmp, "README.md")
    print("README.md updated", file=sys.stderr)
EOF
