#!/usr/bin/env bash
# The one prepared run for the GPU machine (../shared/docs/platform.md, "The GPU machine"):
# build the engine and the benchmarks against the CUDA LibTorch of its Python package, check a
# CUDA op, then measure a full-size SDXL-base UNet step at 1024² fp16 (generation and PartEdit
# edit, peak memory), a whole full-size SDXL part edit (bench_sdxl_edit: load, VAE encode and
# decode, generation and edit steps) in fp16 and bf16, and the medium-model generate/edit
# benchmarks on CUDA. Everything it
# prints also goes to $OUT (the device tool brings $OUT back).
#
# That machine has no nlohmann_json: carry a copy of the header folder, made here with
#   mkdir -p build-gpu-include && cp -r /usr/include/nlohmann build-gpu-include/
# and pass carry=["build-gpu-include"]. Run from the repository root:
#   tests/bench/gpu/run_gpu_bench.sh
set -uo pipefail
OUT=${OUT:-/tmp/partedit-gpu}
mkdir -p "$OUT"
log() { echo "== $*" | tee -a "$OUT/summary.txt"; }

TORCH_PREFIX=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)') || { log "no torch in python3"; exit 1; }
log "torch $(python3 -c 'import torch; print(torch.__version__, torch.version.cuda)')"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee -a "$OUT/summary.txt"

# 1. configure + build (engine and benchmarks only; no Qt, OpenCV, sentencepiece there)
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" \
  -DPARTEDIT_GUI=OFF -DPARTEDIT_TESTS=OFF -DPARTEDIT_BENCH=ON \
  -DPARTEDIT_JSON_INCLUDE_DIR="$PWD/build-gpu-include" > "$OUT/configure.log" 2>&1 \
  || { log "configure failed"; tail -40 "$OUT/configure.log"; exit 1; }
cmake --build build-gpu --target bench_sdxl_step bench_sdxl_edit bench_unet bench_generate bench_edit -j"$(nproc)" > "$OUT/build.log" 2>&1 \
  || { log "build failed"; grep -m20 -E "error" "$OUT/build.log"; tail -20 "$OUT/build.log"; exit 1; }
log "built"

# 2. smoke: a CUDA UNet call through the engine (medium model, one run)
timeout 120 build-gpu/tests/bench/bench_unet --device cuda --dtype fp16 --runs 1 --warmup 1 2>&1 | tee "$OUT/smoke.json" \
  || { log "CUDA smoke run failed"; exit 1; }

# 3. the measurements
timeout 300 build-gpu/tests/bench/bench_sdxl_step --device cuda --dtype fp16 --size 1024 --runs 5 --warmup 2 \
  2>&1 | tee "$OUT/sdxl_step_1024_fp16.json"
# the whole pipeline: writes the 6.9 GB random-weight SDXL folder once (~1 min), then fp16 and bf16
timeout 420 build-gpu/tests/bench/bench_sdxl_edit --device cuda --dtype fp16 --steps 8 --runs 2 --warmup 1 \
  2>&1 | tee "$OUT/sdxl_edit_1024_fp16.json"
timeout 240 build-gpu/tests/bench/bench_sdxl_edit --device cuda --dtype bf16 --steps 8 --runs 2 --warmup 1 --remove-model \
  2>&1 | tee "$OUT/sdxl_edit_1024_bf16.json"
timeout 120 build-gpu/tests/bench/bench_edit --device cuda --dtype fp16 --runs 3 --warmup 1 2>&1 | tee "$OUT/edit_medium_fp16.json"
log "done"
