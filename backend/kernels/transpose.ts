/**
 * Transpose: permutations that keep the memory order (identity, moving
 * size-1 axes) share the input's storage as Reshape does; matrix and batched
 * matrix transposes run as cache-blocked copies; the rest go to the `cpu`
 * kernel. TensorFlow.js's gather gradient transposes by the identity, which
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
  return fallback(tf.Transpose, args);
}
