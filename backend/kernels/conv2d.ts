/**
 * Conv2D and FusedConv2D (NHWC) as im2col + `cblas_sgemm`. Conv1D in
 * TensorFlow.js runs through Conv2D, so it is covered too.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate } from "../_buffer_pool.ts";
import { type Blas, blas } from "../_blas.ts";
import { applyActivationInPlace, fillRowsWithBias, supportsActivation } from "./_activation.ts";
import { type ConvInfo, isPointwise, patchSize } from "./_im2col.ts";
import {
  activatedProduct,
  convolveActivated,
  wasmActivation,
  withColumns,
} from "./_im2col_wasm.ts";
import {
  cpuBackend,
  f32,
  fallback,
  type KernelArgs,
  type KernelResult,
  need,
  output,
} from "./_util.ts";

/** The geometry attributes Conv2D and its two gradients share. */
export interface ConvGeometryAttrs {
  /** Strides, `[height, width]` or one for both. */
  strides: [number, number] | number;
  /** Padding: `"valid"`, `"same"`, a number or explicit per-side pads. */
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  /** Data layout; kerno's kernels only take `"NHWC"`. */
  dataFormat: "NHWC" | "NCHW";
  /** Dilations, `[height, width]` or one for both. @default 1 */
  dilations?: [number, number] | number;
  /** How output sizes round with numeric padding. */
  dimRoundingMode?: "floor" | "round" | "ceil";
}

interface Conv2DAttrs extends ConvGeometryAttrs {
  activation?: string;
  leakyreluAlpha?: number;
}

/**
 * The convolution's geometry from the kernel attributes.
 *
 * @param xShape The input's shape.
 * @param filterShape The filter's shape.
 * @param attrs The kernel's attributes.
 * @param dilations The dilations to use.
 * @default dilations `attrs.dilations`, else 1
 * @returns TensorFlow.js's convolution info.
 */
export function convInfoOf(
  xShape: number[],
  filterShape: number[],
  attrs: ConvGeometryAttrs,
  dilations: [number, number] | number = attrs.dilations ?? 1,
): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
}

/**
 * Adds (`beta = 1`) or writes (`beta = 0`) the convolution of `x` with
 * `filter` into `out` (`[batch · outHeight · outWidth, outChannels]`).
 *
 * @param lib The CBLAS.
 * @param info The convolution.
 * @param x NHWC input values.
 * @param filter Filter values, `[fh, fw, cin, cout]`.
 * @param out Output values.
 * @param beta 0 to overwrite, 1 to accumulate.
 */
export function convolveInto(
  lib: Blas,
  info: ConvInfo,
  x: Float32Array,
  filter: Float32Array,
  out: Float32Array,
  beta: number,
): void {
  const k = patchSize(info);
  const n = info.outChannels;
  const rowsPerImage = info.outHeight * info.outWidth;
  if (isPointwise(info)) {
    lib.sgemm(false, false, info.batchSize * rowsPerImage, n, k, 1, x, k, filter, n, beta, out, n);
    return;
  }
  withColumns(info, x, ({ first, count, rows, cols }) => {
    const dst = out.subarray(first * rowsPerImage * n, (first + count) * rowsPerImage * n);
    lib.sgemm(false, false, rows, n, k, 1, cols, k, filter, n, beta, dst, n);
  });
}

function convolve(args: KernelArgs, fused: boolean): KernelResult | null {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const filter = need(args, "filter");
  const bias = args.inputs.bias;
  const attrs = args.attrs as unknown as Conv2DAttrs;
  const lib = blas();
  const xv = f32(backend, x);
  const fv = f32(backend, filter);
  const bv = bias === undefined ? null : f32(backend, bias);
  if (lib === null || xv === null || fv === null || attrs.dataFormat === "NCHW") return null;
  if (fused && !supportsActivation(attrs.activation)) return null;
  const info = convInfoOf(x.shape, filter.shape, attrs);
  const n = info.outChannels;
  if (bias !== undefined && (bv === null || (bv.length !== n && bv.length !== 1))) return null;
  if (bias !== undefined && bias.shape.length > 1) return null;
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const k = patchSize(info);
  const code = fused ? wasmActivation(attrs.activation) : null;
  if (code !== null && (bv !== null || code !== 0) && rows * n > 0 && k > 0) {
    // Product, bias and activation in WebAssembly memory, one copy out.
    const y = isPointwise(info)
      ? activatedProduct(rows, n, bv, code, (dst) => {
        lib.sgemm(false, false, rows, n, k, 1, xv, k, fv, n, 0, dst, n);
      })
      : convolveActivated(lib, info, xv, fv, bv, code);
    return output(backend, info.outShape, y);
  }
  const out = allocate(rows * n);
  if (bv !== null) fillRowsWithBias(out, bv, rows, n);
  else if (k === 0) out.fill(0);
  if (out.length > 0 && k > 0) convolveInto(lib, info, xv, fv, out, bv === null ? 0 : 1);
  if (fused) applyActivationInPlace(out, attrs.activation, attrs.leakyreluAlpha ?? 0.2);
  return output(backend, info.outShape, out);
}

/**
 * The Conv2D kernel: NHWC, any strides, dilations and padding, through
 * im2col + GEMM; NCHW, non-float32 and a missing BLAS go to the `cpu` kernel.
 *
 * @param args Inputs `{x, filter}`, attrs `{strides, pad, dataFormat, dilations, dimRoundingMode}`.
 * @returns The convolution, NHWC.
 */
export function conv2D(args: KernelArgs): KernelResult {
  return convolve(args, false) ?? fallback(tf.Conv2D, args);
}

/**
 * The FusedConv2D kernel (convolution + bias + activation) through im2col +
 * GEMM with the bias pre-filled and the activation applied in place.
 *
 * @param args Inputs `{x, filter, bias?, preluActivationWeights?}`, the
 *   Conv2D attrs plus `{activation, leakyreluAlpha}`.
 * @returns `activation(conv(x, filter) + bias)`.
 */
export function fusedConv2D(args: KernelArgs): KernelResult {
  return convolve(args, true) ?? fallback(tf.FusedConv2D, args);
}
