/**
 * MaxPool that also records where each maximum came from, and the gradient
 * that uses the record: a scatter of `dy` onto those positions, in place of
 * MaxPoolGrad's second search through every window. kerno's MaxPooling2D
 * uses the pair while gradients are recorded (see `max_pool_argmax.ts`).
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate, allocateZeroed } from "../_buffer_pool.ts";
import { cpuBackend, f32, type KernelArgs, type KernelResult, need, output } from "./_util.ts";
import { workspace } from "../_wasm_workspace.ts";
import { WASM_BASE64 as KERNELS } from "../_kernels_shared_wasm.ts";
import { blas } from "../_blas.ts";

/** The forward kernel's name (kerno's backend only). */
export const MAX_POOL_ARGMAX = "_KernoMaxPoolArgmax";
/** The gradient kernel's name (kerno's backend only). */
export const MAX_POOL_SCATTER = "_KernoMaxPoolScatter";

/**
 * What the gradient of a relu before the pool may skip. A 2×2, stride-2 pool
 * of NaN-free input scatters its gradient onto one position per window and
 * leaves the rest zero (the positions no window covers too). When the pool's
 * input is a relu's output `y` (one {@link markReluOutput} noted; of other
 * inputs the scatter writes `dx` alone), the relu's gradient `dz = dy·step(y)` is
 * then zero but at those positions, where it is `dy·step(pooled)`, and its
 * bias gradient is the sum of those values per channel (`∞·0` is NaN, as
 * on `cpu`): the scatter, which reads the pooled values in order, writes
 * both into buffers of their own as it scatters, and `_KernoReluBiasGrad`
 * takes them (once) instead of reading `dy` and `y` through every window.
 * Keyed by the scatter output's data id, which is never reused.
 */
export interface Scattered {
  /** The data id of the pool's input. */
  input: tf.DataId;
  /** Per channel, the float64 sum of `dy·step(pooled)` over the pooled values. */
  biasGradient: Float64Array;
  /** The relu's gradient `dz`, shaped as the pool's input; `null` once taken. */
  dz: Float32Array | null;
}

/** Data ids of relu outputs whose gradient is `_KernoReluBiasGrad` (kerno's fused Conv2D). */
const reluOutputs = new WeakSet<tf.DataId>();

/**
 * Notes that a tensor is the output of a relu whose gradient runs
 * `_KernoReluBiasGrad`: a 2×2 max pool of it then writes that gradient
 * beside its own ({@link Scattered}); of any other input it does not.
 *
 * @param dataId The relu output's data id.
 */
export function markReluOutput(dataId: tf.DataId): void {
  reluOutputs.add(dataId);
}

/** Argmax records of disjoint pools of NaN-free input, by the indices' data id. */
const pools = new WeakMap<tf.DataId, tf.DataId>();
/** Scattered gradients of such pools, by their data id. */
const scattered = new WeakMap<tf.DataId, Scattered>();

/**
 * What is known of a gradient that a disjoint max pool of NaN-free input
 * scattered ({@link Scattered}).
 *
 * @param dataId A gradient's data id.
 * @returns The record, or `undefined`.
 */
export function scatteredGradient(dataId: tf.DataId): Scattered | undefined {
  return scattered.get(dataId);
}

/**
 * Whether the part of an NHWC input that no 2×2 window covers (the last row
 * or column of an odd size) holds no NaN.
 */
function uncoveredFinite(
  xv: Float32Array,
  batch: number,
  h: number,
  w: number,
  c: number,
  outHeight: number,
  outWidth: number,
): boolean {
  let probe = 0;
  const row = w * c;
  for (let b = 0; b < batch; b++) {
    const image = b * h * row;
    for (let y = 0; y < h; y++) {
      const start = image + y * row;
      // Rows below the last window whole; else the columns right of it.
      const from = y >= outHeight * 2 ? start : start + outWidth * 2 * c;
      const to = start + row;
      for (let i = from; i < to; i++) probe += xv[i] * 0;
    }
  }
  return probe === 0;
}

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same";
}

/**
 * `[y, indices]` from `{x}`: the max pool of `x` (NHWC) and, per output
 * value, the flat index into `x` of the first maximal tap of its window
 * (row-major order; the MaxPoolGrad kernel's choice), `-1` for an empty
 * window. A window holding a NaN gives NaN and the index of its last NaN,
 * as PyTorch does and as kerno's MaxPool and MaxPoolGrad do.
 *
 * @param args Inputs `{x}` (float32, rank 4), attrs `{filterSize, strides, pad}`.
 * @returns The pooled tensor (float32) and the indices (int32), same shape.
 */
export function maxPoolArgmaxKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const xv = f32(backend, x);
  if (xv === null || x.shape.length !== 4) {
    throw new TypeError(
      `Cannot run ${MAX_POOL_ARGMAX} as "x" must be a float32 rank-4 tensor: received ${x.dtype} [${x.shape}]`,
    );
  }
  const a = args.attrs as unknown as PoolAttrs;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
  );
  const { inHeight: h, inWidth: w, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const size = info.batchSize * outHeight * outWidth * c;
  const out = allocate(size);
  const where = new Int32Array(size);
  if (
    filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 &&
    top === 0 && left === 0 && outHeight * 2 <= h && outWidth * 2 <= w &&
    (argmax2x2Wasm(xv, out, where, info.batchSize, h, w, c, outHeight, outWidth) ||
      argmax2x2(xv, out, where, info.batchSize, h, w, c, outHeight, outWidth))
  ) {
    const indices = backend.makeTensorInfo(info.outShape, "int32", where);
    // No NaN in the input: the scatter's gradient is zero but at the maxima.
    const whole = outHeight * 2 === h && outWidth * 2 === w;
    if (whole || uncoveredFinite(xv, info.batchSize, h, w, c, outHeight, outWidth)) {
      pools.set(indices.dataId, x.dataId);
    }
    return [output(backend, info.outShape, out), indices];
  }
  let o = 0;
  for (let b = 0; b < info.batchSize; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < outHeight; oy++) {
      const yStart = oy * strideHeight - top;
      const y0 = yStart < 0 ? 0 : yStart;
      const y1 = Math.min(h, yStart + filterHeight);
      for (let ox = 0; ox < outWidth; ox++, o += c) {
        const xStart = ox * strideWidth - left;
        const x0 = xStart < 0 ? 0 : xStart;
        const x1 = Math.min(w, xStart + filterWidth);
        if (y1 <= y0 || x1 <= x0) {
          out.fill(-Infinity, o, o + c);
          where.fill(-1, o, o + c);
          continue;
        }
        const first = image + (y0 * w + x0) * c;
        for (let ch = 0; ch < c; ch++) {
          out[o + ch] = xv[first + ch];
          where[o + ch] = first + ch;
        }
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
            const src = image + (iy * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              // Branch-free "first strictly greater wins"; every NaN wins
              // (so the last one does) and is then kept, as in PyTorch.
              const best = out[o + ch];
              const v = xv[src + ch];
              const greater = +(v > best) | +(v !== v);
              out[o + ch] = greater === 1 ? v : best;
              where[o + ch] += greater * (src + ch - where[o + ch]);
            }
          }
        }
      }
    }
  }
  return [
    output(backend, info.outShape, out),
    backend.makeTensorInfo(info.outShape, "int32", where),
  ];
}

/**
 * `dx` from `{dy, indices}`: every `dy` value added at its recorded index of
 * a zero tensor shaped `inputShape` (entries with index `-1` are dropped).
 * With the optional input `pooled` (the pool's output) and a pool of
 * NaN-free input, it also records what a relu's gradient before the pool
 * needs ({@link Scattered}).
 *
 * @param args Inputs `{dy}` (float32), `{indices}` (int32, same shape) and
 *   optionally `{pooled}` (float32, same shape), attrs `{inputShape}`.
 * @returns The gradient with respect to the pooled input.
 */
export function maxPoolScatterKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const dy = need(args, "dy");
  const indices = need(args, "indices");
  const pooled = args.inputs.pooled;
  const dyv = f32(backend, dy);
  const iv = backend.data.get(indices.dataId).values;
  const pv = pooled === undefined ? null : f32(backend, pooled);
  const shape = (args.attrs as unknown as { inputShape: number[] }).inputShape;
  if (
    dyv === null || !(iv instanceof Int32Array) || iv.length !== dyv.length ||
    (pooled !== undefined && (pv === null || pv.length !== dyv.length))
  ) {
    throw new TypeError(
      `Cannot run ${MAX_POOL_SCATTER} as "dy" (float32), "indices" (int32) and "pooled" (float32, optional) must have one shape: received [${dy.shape}], [${indices.shape}] and ${
        pooled === undefined ? "none" : `[${pooled.shape}]`
      }`,
    );
  }
  let n = 1;
  for (const d of shape) n *= d;
  const dx = allocateZeroed(n);
  const input = pools.get(indices.dataId);
  const channels = shape[shape.length - 1] ?? 0;
  if (input === undefined || pv === null || channels === 0 || !reluOutputs.has(input)) {
    for (let i = 0; i < iv.length; i++) {
      const j = iv[i];
      if (j >= 0) dx[j] += dyv[i];
    }
    return output(backend, shape, dx);
  }
  // One branch-free pass (the signs are random): each value stored at its
  // maximum (2×2 windows of stride 2 do not overlap, so no sum is needed),
  // and beside it the relu's gradient there, dy·step(y), summed per channel
  // for the bias.
  const biasGradient = new Float64Array(channels);
  const dz = allocateZeroed(n);
  for (let i = 0, ch = 0; i < iv.length; i++) {
    const g = dyv[i];
    const at = iv[i];
    const r = g * +(pv[i] > 0);
    dx[at] = g;
    dz[at] = r;
    biasGradient[ch] += r;
    if (++ch === channels) ch = 0;
  }
  const result = output(backend, shape, dx);
  scattered.set(result.dataId, { input, biasGradient, dz });
  return result;
}

/**
 * The 2×2, stride-2, unpadded windows as SIMD WebAssembly (four channels at
 * a time, `tools/wasm/kernels.as`): the input staged in the module's memory,
 * the maxima and their indices copied out.
 *
 * @returns `false` when some window held a NaN (results then unusable).
 */
function argmax2x2Wasm(
  xv: Float32Array,
  out: Float32Array,
  where: Int32Array,
  batch: number,
  h: number,
  w: number,
  c: number,
  outHeight: number,
  outWidth: number,
): boolean {
  const n = out.length;
  const ws = workspace(KERNELS, { x: xv.length, y: n, where: n });
  try {
    ws.f32.set(xv, ws.at.x);
    const { at } = ws;
    const args = (first: number, count: number) => [
      at.x * 4,
      at.y * 4,
      at.where * 4,
      first,
      count,
      h,
      w,
      c,
      outHeight,
      outWidth,
    ];
    // Pieces of whole images, shared with the second thread when there is one.
    const tasks = blas()?.productList();
    let fine: boolean;
    if (tasks === undefined) {
      fine = (ws.fns.maxPool2x2(...args(0, batch)) as unknown as number) === 1;
    } else {
      tasks.split(ws, "maxPool2x2", batch, h * w * c, args);
      fine = tasks.run().every((r) => r === 1);
    }
    if (!fine) return false;
    out.set(ws.view("y"));
    where.set(new Int32Array(ws.f32.buffer, at.where * 4, n));
    return true;
  } finally {
    ws.release();
  }
}

/**
 * The 2×2, stride-2, unpadded windows, four taps held in locals.
 *
 * @returns `false` when some value was not finite (results then unusable).
 */
function argmax2x2(
  xv: Float32Array,
  out: Float32Array,
  where: Int32Array,
  batch: number,
  h: number,
  w: number,
  c: number,
  outHeight: number,
  outWidth: number,
): boolean {
  const row = w * c;
  let probe = 0;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const rowStart = (b * h + oy * 2) * row;
      for (let ox = 0; ox < outWidth; ox++, o += c) {
        const p = rowStart + ox * 2 * c;
        for (let ch = 0; ch < c; ch++) {
          const i0 = p + ch;
          let best = xv[i0];
          let at = i0;
          const v1 = xv[i0 + c];
          const v2 = xv[i0 + row];
          const v3 = xv[i0 + row + c];
          // Branch-free (random signs defeat branch prediction): exact for
          // finite values; `probe` turns NaN otherwise, and the caller reruns
          // the branching loop.
          let g = +(v1 > best);
          best += g * (v1 - best);
          at += g * c;
          g = +(v2 > best);
          best += g * (v2 - best);
          at += g * (i0 + row - at);
          g = +(v3 > best);
          best += g * (v3 - best);
          at += g * (i0 + row + c - at);
          probe += best * 0;
          out[o + ch] = best;
          where[o + ch] = at;
        }
      }
    }
  }
  return probe === 0;
}
