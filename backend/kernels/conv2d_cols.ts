/**
 * Conv2D + bias + activation from a column matrix built beforehand
 * (`im2col(x)`), so that the gradient can reuse the same matrix for the
 * filter gradient (`dW = colsᵀ · dz`) instead of unfolding `x` again. kerno's
 * fused Conv2D path (see `conv2d_fused.ts`) builds the matrix, holds it as a
 * tensor the gradient tape saves, and runs this kernel on it.
 *
 * @module
 */
import { allocate } from "../_buffer_pool.ts";
import { blas } from "../_blas.ts";
import { applyActivationInPlace, fillRowsWithBias } from "./_activation.ts";
import {
  activatedProduct,
  convolveKeepingColumns,
  type KeptColumns,
  wasmActivation,
} from "./_im2col_wasm.ts";
import { convInfoOf } from "./conv2d.ts";
import { isPointwise } from "./_im2col.ts";
import type { tf } from "../../engine/tf.ts";
import { cpuBackend, f32, type KernelArgs, type KernelResult, need, output } from "./_util.ts";

/** The kernel's name (kerno's backend only). */
export const CONV2D_FROM_COLS = "_KernoConv2DFromCols";

/** The name of the kernel that unfolds `x` itself and keeps the matrix (kerno's backend only). */
export const CONV2D_KEEP_COLS = "_KernoConv2DKeepCols";

/** The kernel's attributes. */
export interface Conv2DFromColsAttrs {
  /** The output's shape, `[batch, outRows, outCols, outChannels]`. */
  outShape: number[];
  /** `"relu"` or `"linear"`. */
  activation: string;
}

/**
 * `activation(cols · filter + bias)` shaped `outShape`, from inputs
 * `{x, filter, bias, cols}`: `cols` is `[outPixels, patchSize]` (the
 * unfolded `x`), `filter` `[fh, fw, cin, cout]`, `bias` `[cout]`. `x` is an
 * input only so that the gradient tape links the output to it.
 *
 * @param args Inputs `{x, filter, bias, cols}` (float32), attrs
 *   {@link Conv2DFromColsAttrs}.
 * @returns The convolution's output.
 */
export function conv2DFromColsKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const filter = need(args, "filter");
  const bias = need(args, "bias");
  const cols = need(args, "cols");
  const a = args.attrs as unknown as Conv2DFromColsAttrs;
  const fv = f32(backend, filter);
  const bv = f32(backend, bias);
  const cv = f32(backend, cols);
  const lib = blas();
  const n = filter.shape[3];
  const k = filter.shape[0] * filter.shape[1] * filter.shape[2];
  const rows = a.outShape[0] * a.outShape[1] * a.outShape[2];
  if (
    lib === null || fv === null || bv === null || cv === null || bv.length !== n ||
    cv.length !== rows * k || a.outShape[3] !== n
  ) {
    throw new TypeError(
      `Cannot run ${CONV2D_FROM_COLS} as "filter", "bias" and "cols" must be float32 of shapes [fh, fw, cin, ${
        a.outShape[3]
      }], [${
        a.outShape[3]
      }] and [${rows}, fh·fw·cin] with a BLAS loaded: received [${filter.shape}], [${bias.shape}] and [${cols.shape}]`,
    );
  }
  const code = wasmActivation(a.activation === "relu" ? "relu" : "linear")!;
  if (rows > 0 && k > 0 && n > 0) {
    // Product, bias and activation in WebAssembly memory, one copy out.
    const y = activatedProduct(rows, n, bv, code, (dst) => {
      lib.sgemm(false, false, rows, n, k, 1, cv, k, fv, n, 0, dst, n);
    });
    return output(backend, a.outShape, y);
  }
  const out = allocate(rows * n);
  fillRowsWithBias(out, bv, rows, n);
  applyActivationInPlace(out, a.activation === "relu" ? "relu" : "linear");
  return output(backend, a.outShape, out);
}

/** The kept column matrices, by the data id of the convolution's output. */
const keptByOutput = new WeakMap<tf.DataId, KeptColumns>();

/**
 * At most this many floats (128 MB) of column matrices are kept at once:
 * a deep network's convolutions each keep theirs from the forward pass to
 * the gradient, and past this the rest unfold their input again instead.
 */
export const MAX_KEPT_FLOATS = 1 << 25;
let keptFloats = 0;
/** Gives back the budget of matrices the garbage collector took untaken (no gradient asked). */
const untaken = new FinalizationRegistry<number>((floats) => {
  keptFloats -= floats;
});

/**
 * Whether a column matrix of `floats` more would stay within
 * {@link MAX_KEPT_FLOATS}.
 *
 * @param floats The matrix's size.
 * @returns `true` when it may be kept.
 */
export function mayKeepColumns(floats: number): boolean {
  return keptFloats + floats <= MAX_KEPT_FLOATS;
}

/** The floats of column matrices kept now (for tests). */
export function keptColumnFloats(): number {
  return keptFloats;
}

/** Records a kept matrix against the budget; releasing it (once) gives the budget back. */
function budgeted(kept: KeptColumns): KeptColumns {
  const floats = kept.cols.length;
  keptFloats += floats;
  const token = {};
  let released = false;
  const tracked: KeptColumns = {
    cols: kept.cols,
    release: () => {
      if (released) return;
      released = true;
      untaken.unregister(token);
      keptFloats -= floats;
      kept.release();
    },
  };
  untaken.register(tracked, floats, token);
  return tracked;
}

/**
 * Takes the column matrix {@link conv2DKeepColsKernel} kept for an output
 * (once: the caller must release it).
 *
 * @param dataId The convolution output's data id.
 * @returns The kept matrix, or `undefined` (taken already, or never kept).
 */
export function takeKeptColumns(dataId: tf.DataId): KeptColumns | undefined {
  const kept = keptByOutput.get(dataId);
  keptByOutput.delete(dataId);
  return kept;
}

/** The attributes of {@link conv2DKeepColsKernel}. */
export interface Conv2DKeepColsAttrs {
  /** Strides, `[rows, cols]`. */
  strides: [number, number];
  /** `"valid"` or `"same"`. */
  pad: "valid" | "same";
  /** `"relu"` or `"linear"`. */
  activation: string;
}

/**
 * `activation(conv2d(x, filter) + bias)` (NHWC, dilation 1) from inputs
 * `{x, filter, bias}`, unfolding the whole batch once in WebAssembly memory
 * and keeping that matrix, by the output's data id, for the filter's
 * gradient ({@link takeKeptColumns}); kerno's fused Conv2D path records it
 * while gradients are recorded, within {@link MAX_KEPT_FLOATS}. Matrices
 * the gradient never takes are left to the garbage collector with their
 * output (their budget comes back then).
 *
 * @param args Inputs `{x, filter, bias}` (float32), attrs {@link Conv2DKeepColsAttrs}.
 * @returns The convolution's output.
 */
export function conv2DKeepColsKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const filter = need(args, "filter");
  const bias = need(args, "bias");
  const a = args.attrs as unknown as Conv2DKeepColsAttrs;
  const [xv, fv, bv] = [f32(backend, x), f32(backend, filter), f32(backend, bias)];
  const lib = blas();
  const code = wasmActivation(a.activation);
  if (
    lib === null || xv === null || fv === null || bv === null || code === null ||
    x.shape.length !== 4 || filter.shape.length !== 4 || x.shape[3] !== filter.shape[2] ||
    bv.length !== filter.shape[3]
  ) {
    throw new TypeError(
      `Cannot run ${CONV2D_KEEP_COLS} as "x", "filter" and "bias" must be float32 of shapes [batch, h, w, cin], [fh, fw, cin, cout] and [cout] with a BLAS loaded and activation "relu" or "linear": received [${x.shape}], [${filter.shape}], [${bias.shape}] and "${a.activation}"`,
    );
  }
  const info = convInfoOf(x.shape, filter.shape, {
    strides: a.strides,
    pad: a.pad,
    dataFormat: "NHWC",
  }, 1);
  if (isPointwise(info) || info.outHeight * info.outWidth * info.batchSize === 0) {
    throw new RangeError(
      `Cannot run ${CONV2D_KEEP_COLS} on a pointwise or empty convolution: x [${x.shape}], filter [${filter.shape}]`,
    );
  }
  const { y, kept } = convolveKeepingColumns(lib, info, xv, fv, bv, code);
  const out = output(backend, info.outShape, y);
  keptByOutput.set(out.dataId, budgeted(kept));
  return out;
}
