/**
 * The two gradients of an NHWC Conv2D through `cblas_sgemm`:
 * Conv2DBackpropInput (`dx = col2im(dy · Wᵀ)`) and Conv2DBackpropFilter
 * (`dW = Σ im2col(x)ᵀ · dy`), chunked over images like the forward pass,
 * the column matrix in WebAssembly memory (`_im2col_wasm.ts`).
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate } from "../_buffer_pool.ts";
import { type Blas, blas } from "../_blas.ts";
import { type ConvGeometryAttrs, convInfoOf } from "./conv2d.ts";
import { isPointwise, patchSize } from "./_im2col.ts";
import { withColumns } from "./_im2col_wasm.ts";
import {
  cpuBackend,
  f32,
  fallback,
  type KernelArgs,
  type KernelResult,
  need,
  output,
} from "./_util.ts";

interface BackpropAttrs extends ConvGeometryAttrs {
  inputShape?: number[];
  filterShape?: number[];
}

/** What both gradients start from; `null` from {@link operands} means "use the `cpu` kernel". */
interface Operands {
  backend: ReturnType<typeof cpuBackend>;
  lib: Blas;
  attrs: BackpropAttrs;
  /** The first input (`dy`, or `x` for the filter gradient). */
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  av: Float32Array;
  bv: Float32Array;
  /** The gradient's shape, from the attribute named by `shapeAttr`. */
  outShape: number[];
}

function operands(
  args: KernelArgs,
  first: string,
  second: string,
  shapeAttr: "inputShape" | "filterShape",
): Operands | null {
  const backend = cpuBackend(args);
  const a = need(args, first);
  const b = need(args, second);
  const attrs = args.attrs as unknown as BackpropAttrs;
  const lib = blas();
  const av = f32(backend, a);
  const bv = f32(backend, b);
  const outShape = attrs[shapeAttr];
  if (
    lib === null || av === null || bv === null || attrs.dataFormat === "NCHW" ||
    outShape === undefined
  ) {
    return null;
  }
  return { backend, lib, attrs, a, b, av, bv, outShape };
}

/**
 * The Conv2DBackpropInput kernel: the gradient of Conv2D with respect to its
 * input (also what `tf.conv2dTranspose` runs).
 *
 * @param args Inputs `{dy, filter}`, attrs `{strides, pad, dataFormat, dimRoundingMode, inputShape}`.
 * @returns `dx`, shaped like the convolution's input.
 */
export function conv2DBackpropInput(args: KernelArgs): KernelResult {
  const ops = operands(args, "dy", "filter", "inputShape");
  if (ops === null) return fallback(tf.Conv2DBackpropInput, args);
  const { backend, lib, attrs, b: filter, av: dyv, bv: fv, outShape } = ops;
  // The gradients ignore any `dilations` attribute: TensorFlow.js only
  // differentiates undilated convolutions.
  const info = convInfoOf(outShape, filter.shape, attrs, 1);
  const k = patchSize(info);
  const n = info.outChannels;
  const rowsPerImage = info.outHeight * info.outWidth;
  const dx = allocate(info.batchSize * info.inHeight * info.inWidth * info.inChannels);
  if (dx.length === 0 || rowsPerImage * n === 0) return output(backend, outShape, dx.fill(0));
  if (isPointwise(info)) {
    lib.sgemm(false, true, info.batchSize * rowsPerImage, k, n, 1, dyv, n, fv, n, 0, dx, k);
    return output(backend, outShape, dx);
  }
  withColumns(info, null, ({ first, count, rows, cols }) => {
    const dyChunk = dyv.subarray(first * rowsPerImage * n, (first + count) * rowsPerImage * n);
    lib.sgemm(false, true, rows, k, n, 1, dyChunk, n, fv, n, 0, cols, k);
  }, dx);
  return output(backend, outShape, dx);
}

/**
 * The Conv2DBackpropFilter kernel: the gradient of Conv2D with respect to its
 * filter.
 *
 * @param args Inputs `{x, dy}`, attrs `{strides, pad, dataFormat, dimRoundingMode, filterShape}`.
 * @returns `dW`, `[fh, fw, cin, cout]`.
 */
export function conv2DBackpropFilter(args: KernelArgs): KernelResult {
  const ops = operands(args, "x", "dy", "filterShape");
  if (ops === null) return fallback(tf.Conv2DBackpropFilter, args);
  const { backend, lib, attrs, a: x, av: xv, bv: dyv, outShape } = ops;
  const info = convInfoOf(x.shape, outShape, attrs, 1);
  const k = patchSize(info);
  const n = info.outChannels;
  const rowsPerImage = info.outHeight * info.outWidth;
  const dw = allocate(k * n);
  if (dw.length === 0 || rowsPerImage * info.batchSize === 0) {
    return output(backend, outShape, dw);
  }
  if (isPointwise(info)) {
    lib.sgemm(true, false, k, n, info.batchSize * rowsPerImage, 1, xv, k, dyv, n, 0, dw, n);
    return output(backend, outShape, dw);
  }
  withColumns(info, xv, ({ first, count, rows, cols }) => {
    const dyChunk = dyv.subarray(first * rowsPerImage * n, (first + count) * rowsPerImage * n);
    lib.sgemm(true, false, k, n, rows, 1, cols, k, dyChunk, n, first === 0 ? 0 : 1, dw, n);
  });
  return output(backend, outShape, dw);
}
