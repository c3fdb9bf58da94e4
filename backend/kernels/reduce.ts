/**
 * Reductions (Sum, Mean, Max, Min) over one contiguous run of axes — the last
 * axes (per-sample sums, softmax denominators), the first axes (bias
 * gradients, batch means) or a middle run — as tight loops; scattered axes
 * and non-float32 inputs go to the `cpu` kernels.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate } from "../_buffer_pool.ts";
import {
  cpuBackend,
  f32,
  fallback,
  type KernelArgs,
  type KernelResult,
  need,
  output,
} from "./_util.ts";

/** The input seen as `[outer, mid, inner]`, reduced over `mid`. */
interface ReducePlan {
  outer: number;
  mid: number;
  inner: number;
  outShape: number[];
}

function planReduce(shape: number[], axis: unknown, keepDims: boolean): ReducePlan | null {
  const rank = shape.length;
  const axes = [...new Set(tf.util.parseAxisParam(axis as number | number[], shape))].sort((
    p,
    q,
  ) => p - q);
  if (axes.length === 0 || rank === 0) return null;
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return null;
  const first = axes[0];
  const last = axes[axes.length - 1];
  let outer = 1;
  let mid = 1;
  let inner = 1;
  const outShape: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (d < first) outer *= shape[d];
    else if (d > last) inner *= shape[d];
    else mid *= shape[d];
    if (d < first || d > last) outShape.push(shape[d]);
    else if (keepDims) outShape.push(1);
  }
  return { outer, mid, inner, outShape };
}

type Mode = "sum" | "max" | "min";

/** Sums `x[start .. start + n)` with four independent accumulators. */
function sumRun(x: Float32Array, start: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let m = 0;
  for (; m + 3 < n; m += 4) {
    s0 += x[start + m];
    s1 += x[start + m + 1];
    s2 += x[start + m + 2];
    s3 += x[start + m + 3];
  }
  for (; m < n; m++) s0 += x[start + m];
  return (s0 + s1) + (s2 + s3);
}

function reduceInto(x: Float32Array, p: ReducePlan, mode: Mode, out: Float32Array): void {
  const { outer, mid, inner } = p;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * mid;
      let acc = mode === "sum" ? 0 : x[base];
      if (mode === "sum") acc = sumRun(x, base, mid);
      else if (mode === "max") {
        for (let m = 1; m < mid; m++) {
          const v = x[base + m];
          if (v > acc || v !== v) acc = v;
        }
      } else {
        for (let m = 1; m < mid; m++) {
          const v = x[base + m];
          if (v < acc || v !== v) acc = v;
        }
      }
      out[o] = mid === 0 ? (mode === "sum" ? 0 : mode === "max" ? -Infinity : Infinity) : acc;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * mid * inner;
    if (mode === "sum") acc.fill(0);
    else acc.fill(mode === "max" ? -Infinity : Infinity);
    for (let m = 0; m < mid; m++) {
      const row = base + m * inner;
      if (mode === "sum") { for (let j = 0; j < inner; j++) acc[j] += x[row + j]; }
      else if (mode === "max") {
        for (let j = 0; j < inner; j++) {
          const v = x[row + j];
          if (v > acc[j] || v !== v) acc[j] = v;
        }
      } else {
        for (let j = 0; j < inner; j++) {
          const v = x[row + j];
          if (v < acc[j] || v !== v) acc[j] = v;
        }
      }
    }
    out.set(acc, o * inner);
  }
}

function reduceKernel(
  kernelName: string,
  mode: Mode,
  mean: boolean,
): (args: KernelArgs) => KernelResult {
  return (args) => {
    const backend = cpuBackend(args);
    const x = need(args, "x");
    const attrs = args.attrs as {
      axis?: number | number[];
      reductionIndices?: number | number[];
      keepDims: boolean;
    };
    const axis = attrs.axis ?? attrs.reductionIndices;
    const keepDims = attrs.keepDims;
    const xv = f32(backend, x);
    const plan = xv === null ? null : planReduce(x.shape, axis, keepDims);
    if (xv === null || plan === null) return fallback(kernelName, args);
    const out = allocate(plan.outer * plan.inner);
    // Over axes of size 1 (a per-sample mean over one channel) each output is its one input.
    if (plan.mid === 1) out.set(xv);
    else reduceInto(xv, plan, mode, out);
    if (mean) { for (let i = 0; i < out.length; i++) out[i] /= plan.mid; }
    return output(backend, plan.outShape, out);
  };
}

/** The Sum kernel over a contiguous run of axes. */
export const sumKernel: (args: KernelArgs) => KernelResult = reduceKernel(tf.Sum, "sum", false);
/** The Mean kernel over a contiguous run of axes. */
export const meanKernel: (args: KernelArgs) => KernelResult = reduceKernel(tf.Mean, "sum", true);
/** The Max kernel over a contiguous run of axes (NaN-propagating). */
export const maxKernel: (args: KernelArgs) => KernelResult = reduceKernel(tf.Max, "max", false);
/** The Min kernel over a contiguous run of axes (NaN-propagating). */
export const minKernel: (args: KernelArgs) => KernelResult = reduceKernel(tf.Min, "min", false);
