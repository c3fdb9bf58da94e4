/**
 * kerno's masked softmax (the seam's `maskedSoftmax`, `engine/fused.ts`):
 * one pass per row for the lowered logits, the softmax and the mask, where
 * the plain definition makes five tensors; the gradient is one pass too,
 * `dlogits = p·(dy·keep − Σ dy·keep·p)` from the saved probabilities. The
 * mask is read through broadcast strides, never expanded.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { allocate } from "./_buffer_pool.ts";

/** Strides to read `keep` (shape `keepShape`) at each index of `shape`: 0 on broadcast axes. */
function broadcastStrides(shape: number[], keepShape: number[]): number[] {
  const strides = new Array<number>(shape.length).fill(0);
  for (let a = shape.length - 1, st = 1; a >= 0; a--) {
    if (keepShape[a] !== 1) strides[a] = st;
    st *= keepShape[a];
  }
  return strides;
}

/** The keep value's offset for each row (all axes but the last). */
function rowOffsets(shape: number[], strides: number[]): Int32Array {
  const lead = shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const out = new Int32Array(rows);
  const idx = new Array<number>(lead.length).fill(0);
  let offset = 0;
  for (let r = 0; r < rows; r++) {
    out[r] = offset;
    for (let a = lead.length - 1; a >= 0; a--) {
      idx[a]++;
      offset += strides[a];
      if (idx[a] < lead[a]) break;
      offset -= strides[a] * lead[a];
      idx[a] = 0;
    }
  }
  return out;
}

/**
 * kerno's `maskedSoftmax`, or `null` to let the plain definition run.
 *
 * @param logits float32 scores.
 * @param keep float32 0/1 mask of the same rank, broadcasting, or `null`.
 * @returns The probabilities, or `null`.
 */
export function maskedSoftmaxFused(logits: tf.Tensor, keep: tf.Tensor | null): tf.Tensor | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || logits.dtype !== "float32" || logits.rank < 1) {
    return null;
  }
  if (keep !== null) {
    if (keep.dtype !== "float32" || keep.rank !== logits.rank) return null;
    if (keep.shape.some((d, a) => d !== 1 && d !== logits.shape[a])) return null;
  }
  const shape = logits.shape;
  const n = shape[shape.length - 1];
  // Without a mask: every step kept (one value, read with stride 0).
  const keepShape = keep === null ? shape.map(() => 1) : keep.shape;
  const strides = broadcastStrides(shape, keepShape);
  const lastStride = strides[strides.length - 1];
  const offsets = rowOffsets(shape, strides);
  const kv = keep === null ? Float32Array.of(1) : keep.dataSync() as Float32Array;
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const xv = x.dataSync() as Float32Array;
    const p = new Float32Array(xv.length); // the softmax of the lowered logits, for the gradient
    const y = allocate(xv.length);
    for (let r = 0; r < offsets.length; r++) {
      const base = r * n;
      const k0 = offsets[r];
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = xv[base + j] + (1 - kv[k0 + j * lastStride]) * -1e9;
        p[base + j] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const e = Math.exp(p[base + j] - max);
        p[base + j] = e;
        sum += e;
      }
      for (let j = 0; j < n; j++) {
        const pj = p[base + j] / sum;
        p[base + j] = pj;
        y[base + j] = pj * kv[k0 + j * lastStride];
      }
    }
    const value = tf.tensor(y, shape, "float32");
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const dv = (dy as tf.Tensor).dataSync() as Float32Array;
      const dx = allocate(dv.length);
      for (let r = 0; r < offsets.length; r++) {
        const base = r * n;
        const k0 = offsets[r];
        let dot = 0;
        for (let j = 0; j < n; j++) dot += dv[base + j] * kv[k0 + j * lastStride] * p[base + j];
        for (let j = 0; j < n; j++) {
          const pj = p[base + j];
          dx[base + j] = pj * (dv[base + j] * kv[k0 + j * lastStride] - dot);
        }
      }
      return keep === null
        ? tf.tensor(dx, shape, "float32")
        : [tf.tensor(dx, shape, "float32"), tf.zerosLike(keep)];
    };
    return { value, gradFunc };
  });
  return keep === null ? run(logits) : run(logits, keep);
}
