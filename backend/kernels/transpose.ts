/**
 * Transpose: permutations that keep the memory order (identity, moving
 * size-1 axes) share the input's storage as Reshape does; matrix and batched
 * matrix transposes run as cache-blocked copies; any other permutation is
 * one ordered pass over the output, copying the innermost axis as a run. TensorFlow.js's gather gradient transposes by the identity, which
 * the `cpu` kernel copies element by element.
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

const BLOCK = 32;

/**
 * Drops size-1 axes and merges axes that stay adjacent under the
 * permutation.
 *
 * @param shape The input's shape.
 * @param perm The permutation.
 * @returns The collapsed input shape and the permutation over it.
 */
export function collapsePermutation(
  shape: number[],
  perm: number[],
): { shape: number[]; perm: number[] } {
  const nonUnit = shape.map((_, axis) => axis).filter((axis) => shape[axis] !== 1);
  const dims = nonUnit.map((axis) => shape[axis]);
  const kept = perm.filter((axis) => shape[axis] !== 1).map((axis) => nonUnit.indexOf(axis));
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last[last.length - 1] + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  const byInputOrder = [...groups].sort((g, h) => g[0] - h[0]);
  const newShape = byInputOrder.map((g) => g.reduce((p, axis) => p * dims[axis], 1));
  const newPerm = groups.map((g) => byInputOrder.indexOf(g));
  return { shape: newShape, perm: newPerm };
}

function transpose2d(x: Float32Array, out: Float32Array, rows: number, cols: number, base: number) {
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let c0 = 0; c0 < cols; c0 += BLOCK) {
      const c1 = Math.min(cols, c0 + BLOCK);
      for (let r = r0; r < r1; r++) {
        const src = base + r * cols;
        for (let c = c0; c < c1; c++) out[base + c * rows + r] = x[src + c];
      }
    }
  }
}

/**
 * The Transpose kernel.
 *
 * @param args Inputs `{x}`, attrs `{perm}`.
 * @returns `x` with its axes permuted.
 */
export function transposeKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const { perm } = args.attrs as { perm: number[] };
  const xv = f32(backend, x);
  if (xv === null) return fallback(tf.Transpose, args);
  const outShape = perm.map((axis) => x.shape[axis]);
  const collapsed = collapsePermutation(x.shape, perm);
  if (collapsed.perm.every((axis, i) => axis === i)) {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: outShape, dtype: x.dtype };
  }
  const p = collapsed.perm.join(",");
  const s = collapsed.shape;
  if (p === "1,0" || p === "0,2,1") {
    const [batches, rows, cols] = p === "1,0" ? [1, s[0], s[1]] : [s[0], s[1], s[2]];
    const out = allocate(xv.length);
    for (let b = 0; b < batches; b++) transpose2d(xv, out, rows, cols, b * rows * cols);
    return output(backend, outShape, out);
  }
  const out = allocate(xv.length);
  permuteInto(xv, out, s, collapsed.perm);
  return output(backend, outShape, out);
}

/**
 * Any permutation, as one pass over the output in order: the input offset
 * advances by each output axis's input stride, and the innermost output
 * axis is copied as a run (contiguous when it is the input's last axis
 * too, as the head split of attention, `[b, t, h, d]` → `[b, h, t, d]`).
 *
 * @param x The input values.
 * @param out The output values.
 * @param shape The (collapsed) input shape.
 * @param perm The (collapsed) permutation.
 */
export function permuteInto(
  x: Float32Array,
  out: Float32Array,
  shape: number[],
  perm: number[],
): void {
  const n = shape.length;
  const inStrides = new Array<number>(n);
  for (let a = n - 1, st = 1; a >= 0; a--) {
    inStrides[a] = st;
    st *= shape[a];
  }
  const outShape = perm.map((a) => shape[a]);
  const step = perm.map((a) => inStrides[a]);
  const inner = outShape[n - 1];
  const innerStep = step[n - 1];
  const idx = new Array<number>(n).fill(0);
  const runs = inner === 0 ? 0 : out.length / inner;
  let src = 0;
  let dst = 0;
  for (let k = 0; k < runs; k++) {
    if (innerStep === 1) {
      for (let j = 0; j < inner; j++) out[dst + j] = x[src + j];
    } else {
      for (let j = 0, o = src; j < inner; j++, o += innerStep) out[dst + j] = x[o];
    }
    dst += inner;
    for (let a = n - 2; a >= 0; a--) {
      idx[a]++;
      src += step[a];
      if (idx[a] < outShape[a]) break;
      src -= step[a] * outShape[a];
      idx[a] = 0;
    }
  }
}
