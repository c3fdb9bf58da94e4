/**
 * The backward pass of "bias add then relu" in one sweep: `dz = dy·step(y)`
 * and the bias gradient `Σ_rows dz`, where `y` is the relu's output and the
 * bias runs along the last axis. kerno's fused Conv2D gradient uses it in
 * place of Step, Multiply and Sum (three passes over the activations).
 * When `dy` is a 2×2 max pool's scatter onto `y` itself (zero but at one
 * position per window), the scatter has written `dz` and the bias gradient
 * already (`pool_argmax.ts`), and this kernel takes them.
 *
 * @module
 */
import { allocate } from "../_buffer_pool.ts";
import { scatteredGradient } from "./pool_argmax.ts";
import { pooledCopy, workspace } from "../_wasm_workspace.ts";
import { WASM_BASE64 as KERNELS } from "../_kernels_shared_wasm.ts";
import { blas } from "../_blas.ts";
import { ProductList, sumPieces } from "../_blas_lane.ts";
import { cpuBackend, f32, type KernelArgs, type KernelResult, need, output } from "./_util.ts";

/** The kernel's name (registered on kerno's backend only). */
export const RELU_BIAS_GRAD = "_KernoReluBiasGrad";

/**
 * `[dz, dbias]` from `{dy, y}`: `dz = dy · step(y)` with TensorFlow.js's
 * `step` (1 above zero, 0 at or below, NaN for NaN), and `dbias` the sum of
 * `dz` over every axis but the last.
 *
 * @param args Inputs `{dy, y}` (same shape, float32, rank ≥ 1).
 * @returns `dz` shaped like `dy`, and `dbias` shaped `[channels]`.
 */
export function reluBiasGradKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const dy = need(args, "dy");
  const y = need(args, "y");
  const dyv = f32(backend, dy);
  const yv = f32(backend, y);
  if (dyv === null || yv === null || dyv.length !== yv.length || dy.shape.length === 0) {
    throw new TypeError(
      `Cannot run ${RELU_BIAS_GRAD} as "dy" and "y" must be float32 tensors of one shape: received [${dy.shape}] and [${y.shape}]`,
    );
  }
  const n = dy.shape[dy.shape.length - 1];
  const sparse = scatteredGradient(dy.dataId);
  if (
    sparse !== undefined && sparse.dz !== null && sparse.input === y.dataId &&
    sparse.biasGradient.length === n && sparse.dz.length === dyv.length
  ) {
    // dy came from a max pool of y (NaN-free): the scatter wrote dz and summed the bias gradient.
    const dz = sparse.dz;
    sparse.dz = null; // taken: a second gradient of the same dy makes its own
    return [
      output(backend, dy.shape, dz),
      output(backend, [n], Float32Array.from(sparse.biasGradient)),
    ];
  }
  if (n % 4 === 0 && dyv.length >= WASM_FROM) {
    const [dz, db] = reluBiasGradWasm(dyv, yv, n);
    return [output(backend, dy.shape, dz), output(backend, [n], db)];
  }
  const dz = allocate(dyv.length);
  const acc = new Float64Array(n);
  const len = dyv.length;
  // Branch-free (random signs defeat branch prediction); `probe` turns NaN
  // when some `y` is NaN (or when +∞ and −∞ meet), sending those rare
  // inputs through an exact second pass.
  let probe = 0;
  for (let base = 0; n > 0 && base < len; base += n) {
    for (let ch = 0; ch < n; ch++) {
      const i = base + ch;
      const v = yv[i];
      const g = dyv[i] * +(v > 0);
      dz[i] = g;
      acc[ch] += g;
      probe += v;
    }
  }
  if (probe !== probe) nanPass(yv, dyv, dz, acc, n);
  return [output(backend, dy.shape, dz), output(backend, [n], Float32Array.from(acc))];
}

/** Values from which the SIMD WebAssembly pass runs (below, staging costs more than it saves). */
const WASM_FROM = 1 << 14;

/**
 * The dense pass as SIMD WebAssembly (`reluBiasGrad64`, channels a multiple
 * of 4): the same values, NaN included, the bias sums in float64 in the same
 * order.
 */
function reluBiasGradWasm(
  dyv: Float32Array,
  yv: Float32Array,
  n: number,
): [Float32Array, Float32Array] {
  // `db` holds a piece's n float64 sums (2n floats), for each piece of rows.
  const w = workspace(KERNELS, { z: dyv.length, y: yv.length, db: 2 * n * ProductList.PIECES });
  try {
    const { f32, at, fns } = w;
    f32.set(dyv, at.z);
    f32.set(yv, at.y);
    const rows = dyv.length / n;
    const args = (first: number, count: number, piece: number) => [
      (at.z + first * n) * 4,
      (at.y + first * n) * 4,
      (at.z + first * n) * 4,
      count,
      n,
      (at.db + piece * 2 * n) * 4,
    ];
    // Pieces of rows shared with the second thread, each summing its own bias gradient.
    const tasks = blas()?.productList();
    let pieces = 1;
    if (tasks === undefined) fns.reluBiasGrad64(...args(0, rows, 0));
    else {
      pieces = tasks.split(w, "reluBiasGrad64", rows, n, args);
      tasks.run();
    }
    const sums = sumPieces(new Float64Array(f32.buffer, at.db * 4, n * pieces), n, pieces);
    return [pooledCopy(w.view("z")), Float32Array.from(sums)];
  } finally {
    w.release();
  }
}

/** The exact (branching) pass for inputs holding NaN: step(NaN) is NaN. */
function nanPass(
  yv: Float32Array,
  dyv: Float32Array,
  dz: Float32Array,
  acc: Float64Array,
  n: number,
): void {
  acc.fill(0);
  for (let i = 0; i < dyv.length; i++) {
    const v = yv[i];
    const g = v > 0 ? dyv[i] : v === v ? dyv[i] * 0 : NaN;
    dz[i] = g;
    acc[i % n] += g;
  }
}
