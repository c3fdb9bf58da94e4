#!/usr/bin/env bash
# kerno's benchmark on a real GPU, through WebGPU (Vulkan), on a machine that
# reaches no package registry: runs `bench/run.ts --backend=webgpu` on every
# workload, each bounded (WORKLOAD_TIMEOUT_S, 40 s by default); then the WebGPU
# tests (tests/webgpu/: webgpu against cpu) on that GPU (at most TESTS_TIMEOUT_S,
# 60 s); then, where the machine's own Python has PyTorch with CUDA, the same
# workloads in PyTorch on that GPU (bench/torch_anchor.py --device cuda, at most
# TORCH_TIMEOUT_S, 60 s), a reference from the same machine. On an NVIDIA H200
# the whole took about 2 minutes (6 at most, by the bounds); it writes its
# output to $OUT (or ./runs/gpu/out): 5 files.
#
# Prepare here, once (both paths are ignored by git):
#   deno task gpu-bundle     # -> runs/gpu/kerno-gpu.tar.xz (Deno + a pruned npm cache, ~35 MiB)
#   # the Vulkan loader, as the device tool's README says:
#   echo /.gl/ >>.git/info/exclude; mkdir -p .gl /tmp/amd64/partial
#   o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
#   apt-get $o update; (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
# Run there from the repository's root, carrying `.gl` and `runs/gpu/kerno-gpu.tar.xz`:
#   bash bench/gpu_check.sh
set -uo pipefail

OUT="${OUT:-runs/gpu/out}"
mkdir -p "$OUT"
BUNDLE="${KERNO_GPU_BUNDLE:-runs/gpu/kerno-gpu.tar.xz}"
WORKLOADS="${WORKLOADS:-mlp cnn embedding autoencoder lstm transformer}"
WORKLOAD_TIMEOUT_S="${WORKLOAD_TIMEOUT_S:-40}"
TESTS_TIMEOUT_S="${TESTS_TIMEOUT_S:-60}"
TORCH_TIMEOUT_S="${TORCH_TIMEOUT_S:-60}"
LOG="$OUT/gpu_check.log"
: >"$LOG"
rm -f "$OUT/summary.txt" "$OUT/torch_cuda.jsonl"

say() { echo "$*" | tee -a "$LOG"; }

# The Vulkan loader (libvulkan.so.1), when the machine lacks it.
if ! ldconfig -p | grep -q libvulkan; then
  if ls .gl/*.deb >/dev/null 2>&1; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  else
    say "gpu_check: ldconfig lists no libvulkan and there is no .gl/*.deb to unpack (see this script's header); going on, Deno may still find an adapter"
  fi
fi
# The NVIDIA driver's Vulkan ICD, where the loader finds none by itself.
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi

if [ ! -f "$BUNDLE" ]; then
  say "gpu_check: $BUNDLE is missing: build it with 'deno task gpu-bundle' and carry it"
  exit 1
fi
DIR="${TMPDIR:-/tmp}/kerno-gpu"
rm -rf "$DIR" && mkdir -p "$DIR"
if command -v xz >/dev/null; then
  tar -C "$DIR" -xJf "$BUNDLE"
else # no xz there: Python's lzma reads it
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$BUNDLE" "$DIR"
fi || { say "gpu_check: cannot unpack $BUNDLE"; exit 1; }
export DENO_DIR="$DIR/deno_dir"
DENO="$DIR/deno"

say "gpu_check: $(date -u +%FT%TZ), $(uname -m), deno $("$DENO" --version | head -1)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | tee -a "$LOG"
"$DENO" eval 'const a = await navigator.gpu?.requestAdapter(); console.log("adapter:", JSON.stringify(a ? { vendor: a.info.vendor, architecture: a.info.architecture, device: a.info.device, description: a.info.description, isFallbackAdapter: a.info.isFallbackAdapter } : null))' 2>&1 | tee -a "$LOG"
# kerno's automatic choice there (it says in one line why, when it takes webgpu).
timeout -k 5 60 "$DENO" eval --cached-only --no-check \
  'const k = await import("./mod.ts"); console.log("kerno: automatic choice:", k.getBackend())' 2>&1 | tee -a "$LOG"

status=0
for w in $WORKLOADS; do
  say ""
  say "=== $w (at most ${WORKLOAD_TIMEOUT_S} s) ==="
  timeout -k 5 "$WORKLOAD_TIMEOUT_S" "$DENO" run --cached-only -A bench/run.ts --backend=webgpu \
    --quick --no-functional --only="$w" --out="$DIR/bench_$w.json" 2>&1 | tee -a "$LOG"
  rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then
    say "gpu_check: $w ended with exit status $rc$([ "$rc" -eq 124 ] && echo " (over ${WORKLOAD_TIMEOUT_S} s)")"
    status=1
  fi
done
# One file for the workloads' results (what comes back from the GPU machine is counted in files).
"$DENO" eval --cached-only --no-check 'const all = {}; for (const w of Deno.args.slice(1)) {
  try { all[w] = JSON.parse(Deno.readTextFileSync(`${Deno.args[0]}/bench_${w}.json`)); } catch { all[w] = null; }
} Deno.writeTextFileSync(`${Deno.args[0]}/bench_webgpu.json`, JSON.stringify(all, null, 1));' \
  "$DIR" $WORKLOADS && cp "$DIR/bench_webgpu.json" "$OUT/"

say ""
say "=== tests/webgpu on this GPU (at most ${TESTS_TIMEOUT_S} s) ==="
# --no-check: the pruned cache has no type packages; the suite type-checks where it is built.
NO_COLOR=1 timeout -k 5 "$TESTS_TIMEOUT_S" "$DENO" test --cached-only --no-check -A tests/webgpu/ 2>&1 |
  tee "$OUT/tests_webgpu.log" | tee -a "$LOG"
rc=${PIPESTATUS[0]}
summary=$(grep -aE '(ok|FAILED) \| [0-9]+ passed' "$OUT/tests_webgpu.log" | tail -1)
if [ "$rc" -ne 0 ]; then
  # Mesa's Vulkan driver can abort Deno at exit ("double free or corruption") after every test
  # passed; the summary line, not the exit status, says how the tests went.
  say "gpu_check: tests/webgpu ended with exit status $rc${summary:+ after: $summary}"
  grep -qE '^ok \|.*\| 0 failed' <<<"$summary" || status=1
fi

say ""
say "=== PyTorch on this GPU (CUDA; at most ${TORCH_TIMEOUT_S} s) ==="
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  timeout -k 5 "$TORCH_TIMEOUT_S" python3 bench/torch_anchor.py --device cuda --passes 2 2>&1 |
    tee "$OUT/torch_cuda.jsonl" | tee -a "$LOG"
  rc=${PIPESTATUS[0]}
  [ "$rc" -ne 0 ] && say "gpu_check: the PyTorch reference ended with exit status $rc"
else
  say "gpu_check: no PyTorch with CUDA in this machine's python3; no reference from it"
fi

say ""
say "gpu_check: samples/s on webgpu:"
grep -h '^kerno [a-z]*: ' "$LOG" | tee -a "$OUT/summary.txt"
grep -h '"samples_per_s"' "$OUT/torch_cuda.jsonl" 2>/dev/null | tee -a "$OUT/summary.txt"
exit $status
