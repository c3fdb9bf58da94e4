#!/usr/bin/env bash
# kerno's benchmark on a real GPU, through WebGPU (Vulkan), on a machine that
# reaches no package registry: runs `bench/run.ts --backend=webgpu` on every
# workload, each bounded (WORKLOAD_TIMEOUT_S, 40 s by default) so the whole
# finishes in under 5 minutes, and writes the output to $OUT (or ./runs/gpu/out).
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
LOG="$OUT/gpu_check.log"

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

status=0
for w in $WORKLOADS; do
  say ""
  say "=== $w (at most ${WORKLOAD_TIMEOUT_S} s) ==="
  timeout -k 5 "$WORKLOAD_TIMEOUT_S" "$DENO" run --cached-only -A bench/run.ts --backend=webgpu \
    --quick --no-functional --only="$w" --out="$OUT/bench_$w.json" 2>&1 | tee -a "$LOG"
  rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then
    say "gpu_check: $w ended with exit status $rc$([ "$rc" -eq 124 ] && echo " (over ${WORKLOAD_TIMEOUT_S} s)")"
    status=1
  fi
done
say ""
say "gpu_check: samples/s on webgpu:"
grep -h '^kerno [a-z]*: ' "$LOG" | tee -a "$OUT/summary.txt"
exit $status
