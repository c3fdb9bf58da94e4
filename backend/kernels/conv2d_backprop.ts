/**
 * The two gradients of an NHWC Conv2D through `cblas_sgemm`:
 * Conv2DBackpropInput (`dx = col2im(dy · Wᵀ)`) and Conv2DBackpropFilter
 * (`dW = Σ im2col(x)ᵀ · dy`), chunked over images like the forward pass.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate, allocateZeroed } from "../_buffer_pool.ts";
import { blas } from "../_blas.ts";
import {
  col2im,
  type ConvInfo,
  im2col,
  imagesPerChunk,
  isPointwise,
  patchSize,
  scratch,
} from "./_im2col.ts";
import {
  cpuBackend,
  f32,
  fallback,
  type KernelArgs,
  type KernelResult,
  need,
  output,
} from "./_util.ts";

interface BackpropAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape?: number[];
  filterShape?: number[];
}

function infoOf(xShape: number[], filterShape: number[], attrs: BackpropAttrs): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
}

/**
 * The Conv2DBackpropInput kernel: the gradient of Conv2D with respect to its
 * input (also what `tf.conv2dTranspose` runs).
 *
 * @param args Inputs `{dy, filter}`, attrs `{strides, pad, dataFormat, dimRoundingMode, inputShape}`.
 * @returns `dx`, shaped like the convolution's input.
 */
export function conv2DBackpropInput(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const dy = need(args, "dy");
  const filter = need(args, "filter");
  const attrs = args.attrs as unknown as BackpropAttrs;
  const lib = blas();
  const dyv = f32(backend, dy);
  const fv = f32(backend, filter);
  if (
    lib === null || dyv === null || fv === null || attrs.dataFormat === "NCHW" ||
    attrs.inputShape === undefined
  ) {
    return fallback(tf.Conv2DBackpropInput, args);
  }
  const info = infoOf(attrs.inputShape, filter.shape, attrs);
  const k = patchSize(info);
  const n = info.outChannels;
  const rowsPerImage = info.outHeight * info.outWidth;
  const dx = allocateZeroed(info.batchSize * info.inHeight * info.inWidth * info.inChannels);
  if (dx.length === 0 || rowsPerImage * n === 0) return output(backend, attrs.inputShape, dx);
  if (isPointwise(info)) {
    lib.sgemm(false, true, info.batchSize * rowsPerImage, k, n, 1, dyv, n, fv, n, 0, dx, k);
    return output(backend, attrs.inputShape, dx);
  }
  const chunk = imagesPerChunk(info);
  const cols = scratch(chunk * rowsPerImage * k);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    const rows = count * rowsPerImage;
    const dyChunk = dyv.subarray(first * rowsPerImage * n, (first + count) * rowsPerImage * n);
    lib.sgemm(false, true, rows, k, n, 1, dyChunk, n, fv, n, 0, cols, k);
    col2im(cols, info, first, count, dx);
  }
  return output(backend, attrs.inputShape, dx);
}

/**
 * The Conv2DBackpropFilter kernel: the gradient of Conv2D with respect to its
 * filter.
 *
 * @param args Inputs `{x, dy}`, attrs `{strides, pad, dataFormat, dimRoundingMode, filterShape}`.
 * @returns `dW`, `[fh, fw, cin, cout]`.
 */
export function conv2DBackpropFilter(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const dy = need(args, "dy");
  const attrs = args.attrs as unknown as BackpropAttrs;
  const lib = blas();
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  if (
    lib === null || xv === null || dyv === null || attrs.dataFormat === "NCHW" ||
    attrs.filterShape === undefined
  ) {
    return fallback(tf.Conv2DBackpropFilter, args);
  }
  const info = infoOf(x.shape, attrs.filterShape, attrs);
  const k = patchSize(info);
  const n = info.outChannels;
  const rowsPerImage = info.outHeight * info.outWidth;
  const dw = allocate(k * n);
  if (dw.length === 0 || rowsPerImage * info.batchSize === 0) {
    return output(backend, attrs.filterShape, dw);
  }
  if (isPointwise(info)) {
    lib.sgemm(true, false, k, n, info.batchSize * rowsPerImage, 1, xv, k, dyv, n, 0, dw, n);
    return output(backend, attrs.filterShape, dw);
  }
  const chunk = imagesPerChunk(info);
  const cols = scratch(chunk * rowsPerImage * k);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    const rows = count * rowsPerImage;
    im2col(xv, info, first, count, cols);
    const dyChunk = dyv.subarray(first * rowsPerImage * n, (first + count) * rowsPerImage * n);
    lib.sgemm(true, false, k, n, rows, 1, cols, k, dyChunk, n, first === 0 ? 0 : 1, dw, n);
  }
  return output(backend, attrs.filterShape, dw);
}
