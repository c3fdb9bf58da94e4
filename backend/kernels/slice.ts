/**
 * Slice, SplitV and PadV2 (the gradient of a slice) as row copies: the innermost
 * axis is copied as one contiguous run per output row, where TensorFlow.js's
 * `cpu` kernels go element by element through index conversions whenever
 * the slice is not one contiguous block (any slice of a middle axis: an
 * LSTM's gates, a sequence's last step, `tf.split` along features).
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

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  for (let a = shape.length - 1, st = 1; a >= 0; a--) {
    strides[a] = st;
    st *= shape[a];
  }
  return strides;
}

/**
 * Copies the block `size` starting at `begin` of `from` (shaped `shape`)
 * into `to` (shaped `toShape`) at `toBegin`, one innermost run at a time.
 */
function copyBlock(
  from: Float32Array,
  shape: readonly number[],
  begin: readonly number[],
  to: Float32Array,
  toShape: readonly number[],
  toBegin: readonly number[],
  size: readonly number[],
): void {
  const n = size.length;
  if (sizeOf(size) === 0) return;
  const fs = stridesOf(shape);
  const ts = stridesOf(toShape);
  const run = size[n - 1];
  let src = 0;
  let dst = 0;
  for (let a = 0; a < n; a++) {
    src += begin[a] * fs[a];
    dst += toBegin[a] * ts[a];
  }
  const idx = new Array<number>(n).fill(0);
  const rows = sizeOf(size) / run;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < run; j++) to[dst + j] = from[src + j];
    for (let a = n - 2; a >= 0; a--) {
      idx[a]++;
      src += fs[a];
      dst += ts[a];
      if (idx[a] < size[a]) break;
      src -= fs[a] * size[a];
      dst -= ts[a] * size[a];
      idx[a] = 0;
    }
  }
}

/**
 * The Slice kernel.
 *
 * @param args Inputs `{x}`, attrs `{begin, size}` (`-1`: to the end).
 * @returns The slice.
 */
export function sliceKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const xv = f32(backend, x);
  if (xv === null || x.shape.length === 0) return fallback(tf.Slice, args);
  const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  const out = allocate(sizeOf(s));
  copyBlock(xv, x.shape, b, out, s, new Array(s.length).fill(0), s);
  return output(backend, s, out);
}

/**
 * The SplitV kernel (`tf.split`, and the gradient of `tf.concat`): each part
 * a block copy, where TensorFlow.js's `cpu` kernel slices element by
 * element (6 ms a step for the transformer's [64, 192] kernel gradient).
 *
 * @param args Inputs `{x}`, attrs `{numOrSizeSplits, axis}`.
 * @returns The parts.
 */
export function splitVKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const xv = f32(backend, x);
  if (xv === null || x.shape.length === 0) return fallback(tf.SplitV, args);
  const { numOrSizeSplits, axis } = args.attrs as {
    numOrSizeSplits: number | number[];
    axis: number | number[];
  };
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((part) => {
    const size = x.shape.slice();
    size[$axis] = part;
    const out = allocate(sizeOf(size));
    copyBlock(xv, x.shape, begin, out, size, new Array(size.length).fill(0), size);
    begin[$axis] += part;
    return output(backend, size, out);
  });
}

/**
 * The PadV2 kernel.
 *
 * @param args Inputs `{x}`, attrs `{paddings, constantValue}`.
 * @returns `x` padded.
 */
export function padKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const xv = f32(backend, x);
  if (xv === null || x.shape.length === 0) return fallback(tf.PadV2, args);
  const { paddings, constantValue } = args.attrs as {
    paddings: [number, number][];
    constantValue: number;
  };
  const outShape = x.shape.map((d, a) => paddings[a][0] + d + paddings[a][1]);
  const out = allocate(sizeOf(outShape)).fill(constantValue);
  const zeros = new Array(x.shape.length).fill(0);
  copyBlock(xv, x.shape, zeros, out, outShape, paddings.map((p) => p[0]), x.shape);
  return output(backend, outShape, out);
}
