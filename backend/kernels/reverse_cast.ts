/**
 * Reverse and Cast for float32 results. TensorFlow.js's `cpu` Reverse walks
 * every element through index conversions (an RNN's `goBackwards` reverses
 * the whole sequence, and its gradient again); here rows are copied, the
 * innermost axis as one run. Its Cast of a boolean or int32 tensor to
 * float32 keeps the source's typed array (a float32 tensor held as a
 * `Uint8Array`), which every float32 kernel of kerno's then declines; here
 * the result is a `Float32Array`.
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
  sizeOf,
} from "./_util.ts";

/**
 * The Reverse kernel.
 *
 * @param args Inputs `{x}`, attrs `{dims}`.
 * @returns `x` reversed along `dims`.
 */
export function reverseKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const xv = f32(backend, x);
  if (xv === null || x.shape.length === 0) return fallback(tf.Reverse, args);
  const rank = x.shape.length;
  const raw = (args.attrs as { dims: number | number[] }).dims;
  const dims = (Array.isArray(raw) ? raw : [raw]).map((d) => (d < 0 ? d + rank : d));
  const flip = x.shape.map((_, a) => dims.includes(a));
  const shape = x.shape;
  const strides = new Array<number>(rank);
  for (let a = rank - 1, st = 1; a >= 0; a--) {
    strides[a] = st;
    st *= shape[a];
  }
  const out = allocate(xv.length);
  if (xv.length === 0) return output(backend, shape, out);
  const run = shape[rank - 1];
  const rows = xv.length / run;
  const idx = new Array<number>(rank - 1).fill(0);
  // The source row of output row 0: the last index along every flipped outer axis.
  let src = 0;
  for (let a = 0; a < rank - 1; a++) if (flip[a]) src += (shape[a] - 1) * strides[a];
  const lastFlipped = flip[rank - 1];
  for (let r = 0; r < rows; r++) {
    const dst = r * run;
    if (lastFlipped) {
      for (let j = 0; j < run; j++) out[dst + j] = xv[src + run - 1 - j];
    } else {
      for (let j = 0; j < run; j++) out[dst + j] = xv[src + j];
    }
    for (let a = rank - 2; a >= 0; a--) {
      idx[a]++;
      src += flip[a] ? -strides[a] : strides[a];
      if (idx[a] < shape[a]) break;
      src -= (flip[a] ? -strides[a] : strides[a]) * shape[a];
      idx[a] = 0;
    }
  }
  return output(backend, shape, out);
}

/**
 * The Cast kernel: to float32 from a boolean or int32 tensor as a
 * `Float32Array`; everything else as the `cpu` kernel does.
 *
 * @param args Inputs `{x}`, attrs `{dtype}`.
 * @returns The cast tensor.
 */
export function castKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const { dtype } = args.attrs as { dtype: tf.DataType };
  if (dtype !== "float32" || (x.dtype !== "bool" && x.dtype !== "int32")) {
    return fallback(tf.Cast, args);
  }
  if (!backend.data.has(x.dataId)) return fallback(tf.Cast, args);
  const values = backend.data.get(x.dataId).values as ArrayLike<number>;
  const out = allocate(sizeOf(x.shape));
  for (let i = 0; i < out.length; i++) out[i] = values[i];
  return output(backend, x.shape, out);
}
