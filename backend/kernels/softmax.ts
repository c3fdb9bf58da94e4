/**
 * Softmax along the last axis, one row at a time: max, shifted exponentials,
 * one sum, one scale — no intermediate tensors.
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

/**
 * The Softmax kernel over the last axis; other axes and non-float32 logits go
 * to the `cpu` kernel.
 *
 * @param args Inputs `{logits}`, attrs `{dim}`.
 * @returns `exp(x − max) / Σ exp(x − max)` per row.
 */
export function softmaxKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const logits = need(args, "logits");
  const { dim } = args.attrs as { dim: number };
  const rank = logits.shape.length;
  const xv = f32(backend, logits);
  if (xv === null || rank === 0 || (dim !== -1 && dim !== rank - 1)) {
    return fallback(tf.Softmax, args);
  }
  const width = logits.shape[rank - 1];
  const out = allocate(xv.length);
  for (let base = 0; width > 0 && base < xv.length; base += width) {
    let max = -Infinity;
    for (let j = 0; j < width; j++) if (xv[base + j] > max) max = xv[base + j];
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const e = Math.exp(xv[base + j] - max);
      out[base + j] = e;
      sum += e;
    }
    const scale = 1 / sum;
    for (let j = 0; j < width; j++) out[base + j] *= scale;
  }
  return output(backend, logits.shape, out);
}
