/**
 * im2col and col2im as 4-lane SIMD WebAssembly (`tools/wasm/kernels.as`),
 * with the column matrix kept in the module's memory: the products read
 * and write it there through BLAS, so it is never copied. A convolution
 * stages its input (im2col) or collects its input gradient (col2im) in the
 * same memory, one copy each. The JavaScript loops of `_im2col.ts` remain
 * for what runs without this (and as the reference the tests compare).
 *
 * @module
 */
import { pooledCopy, type Workspace, workspace } from "../_wasm_workspace.ts";
import type { Blas } from "../_blas.ts";
import { WASM_BASE64 as KERNELS } from "../_kernels_wasm.ts";
import { type ConvInfo, imagesPerChunk, patchSize } from "./_im2col.ts";

/** The geometry arguments of the kernels, after the addresses and the image range. */
function geometry(info: ConvInfo): number[] {
  return [
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

/** What a convolution kernel's body gets for one chunk of images. */
export interface ColumnChunk {
  /** The first image. */
  first: number;
  /** How many images. */
  count: number;
  /** Rows of the column matrix (`count · outHeight · outWidth`). */
  rows: number;
  /** The column matrix, `[rows, patchSize]`, in the module's memory. */
  cols: Float32Array;
}

/**
 * Runs `body` over the batch in chunks of images with a column matrix in
 * WebAssembly memory. With `input`, each chunk's matrix is first unfolded
 * from it (im2col); with `gradient`, each chunk's matrix (written by
 * `body`) is then folded back onto an input gradient (col2im), returned.
 *
 * @param info The convolution.
 * @param input The NHWC input to unfold, or `null`.
 * @param gradient Whether to fold the matrices into an input gradient.
 * @param body The product(s) of one chunk.
 * @param into Where the input gradient goes (its length is the input's size).
 */
export function withColumns(
  info: ConvInfo,
  input: Float32Array | null,
  body: (chunk: ColumnChunk) => void,
  into: Float32Array | null = null,
): void {
  const rowsPerImage = info.outHeight * info.outWidth;
  const perChunk = imagesPerChunk(info);
  const k = patchSize(info);
  const size = info.batchSize * info.inHeight * info.inWidth * info.inChannels;
  const w: Workspace<"x" | "cols"> = workspace(KERNELS, {
    x: size,
    cols: perChunk * rowsPerImage * k,
  });
  try {
    const { f32, at, fns } = w;
    if (input !== null) f32.set(input, at.x);
    else if (into !== null) w.view("x").fill(0);
    const g = geometry(info);
    for (let first = 0; first < info.batchSize; first += perChunk) {
      const count = Math.min(perChunk, info.batchSize - first);
      const rows = count * rowsPerImage;
      const cols = f32.subarray(at.cols, at.cols + rows * k);
      if (input !== null) fns.im2col(at.x * 4, at.cols * 4, first, count, ...g);
      body({ first, count, rows, cols });
      if (into !== null) fns.col2im(at.cols * 4, at.x * 4, first, count, ...g);
    }
    if (into !== null) into.set(w.view("x"));
  } finally {
    w.release();
  }
}

/** The WebAssembly kernels' activation codes (`biasActivation`) kerno's Conv2D runs there. */
const WASM_ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1 };

/**
 * The code of an activation {@link activatedProduct} applies (`linear` or
 * `relu`, whose results match `applyActivationInPlace`'s), else `null`.
 *
 * @param activation The activation's name; nothing means `linear`.
 * @returns The kernels' code, or `null`.
 */
export function wasmActivation(activation: string | undefined | null): number | null {
  return WASM_ACTIVATIONS[activation ?? "linear"] ?? null;
}

/**
 * `activation(product + bias)`, `[rows, n]`: `product` writes the product
 * (BLAS, `beta = 0`) into the given view of WebAssembly memory; one SIMD
 * pass (`biasActivation`) adds the bias and applies the activation there,
 * and one copy takes it out.
 *
 * @param rows Rows of the output.
 * @param n Values per row.
 * @param bias `[n]` or one value for all, or `null`.
 * @param code The activation's code ({@link wasmActivation}).
 * @param product Writes the product into its argument.
 * @returns The output, in a pooled buffer.
 */
export function activatedProduct(
  rows: number,
  n: number,
  bias: Float32Array | null,
  code: number,
  product: (y: Float32Array) => void,
): Float32Array {
  const w = workspace(KERNELS, { y: rows * n, bias: n });
  try {
    const { at, fns } = w;
    const y = w.view("y");
    product(y);
    if (bias !== null) {
      if (bias.length === n) w.view("bias").set(bias);
      else w.view("bias").fill(bias[0]);
    }
    fns.biasActivation(at.y * 4, bias === null ? 0 : at.bias * 4, rows, n, code);
    return pooledCopy(y);
  } finally {
    w.release();
  }
}

/**
 * Conv2D's `activation(conv(x, filter) + bias)` with the column matrix and
 * the output both in WebAssembly memory: BLAS writes each chunk's product
 * there, one SIMD pass adds the bias and applies the activation, one copy
 * takes it out.
 *
 * @param lib The CBLAS.
 * @param info The convolution (not pointwise).
 * @param x NHWC input values.
 * @param filter Filter values, `[fh, fw, cin, cout]`.
 * @param bias `[cout]` or one value for all, or `null`.
 * @param code The activation's code ({@link wasmActivation}).
 * @returns The output, `[batch · outHeight · outWidth, outChannels]`, pooled.
 */
export function convolveActivated(
  lib: Blas,
  info: ConvInfo,
  x: Float32Array,
  filter: Float32Array,
  bias: Float32Array | null,
  code: number,
): Float32Array {
  const rowsPerImage = info.outHeight * info.outWidth;
  const perChunk = imagesPerChunk(info);
  const k = patchSize(info);
  const n = info.outChannels;
  const rows = info.batchSize * rowsPerImage;
  const w = workspace(KERNELS, {
    x: x.length,
    cols: perChunk * rowsPerImage * k,
    y: rows * n,
    bias: n,
  });
  try {
    const { f32, at, fns } = w;
    f32.set(x, at.x);
    const g = geometry(info);
    for (let first = 0; first < info.batchSize; first += perChunk) {
      const count = Math.min(perChunk, info.batchSize - first);
      const chunkRows = count * rowsPerImage;
      const cols = f32.subarray(at.cols, at.cols + chunkRows * k);
      const dst = f32.subarray(
        at.y + first * rowsPerImage * n,
        at.y + (first + count) * rowsPerImage * n,
      );
      fns.im2col(at.x * 4, at.cols * 4, first, count, ...g);
      lib.sgemm(false, false, chunkRows, n, k, 1, cols, k, filter, n, 0, dst, n);
    }
    if (bias !== null) {
      if (bias.length === n) w.view("bias").set(bias);
      else w.view("bias").fill(bias[0]);
    }
    fns.biasActivation(at.y * 4, bias === null ? 0 : at.bias * 4, rows, n, code);
    return pooledCopy(w.view("y"));
  } finally {
    w.release();
  }
}

/** A convolution's column matrix kept in its workspace for the filter's gradient. */
export interface KeptColumns {
  /** The column matrix, `[rows, patchSize]`, in the workspace's memory. */
  cols: Float32Array;
  /** Gives the workspace back: `cols` may not be used after. */
  release(): void;
}

/**
 * Conv2D's `activation(conv(x, filter) + bias)` as {@link convolveActivated},
 * with the whole batch unfolded at once and one product, and the workspace
 * kept: the column matrix it returns is what the filter's gradient
 * multiplies (`dW = colsᵀ · dz`), so that pass need not unfold `x` again.
 *
 * @param lib The CBLAS.
 * @param info The convolution (not pointwise).
 * @param x NHWC input values.
 * @param filter Filter values, `[fh, fw, cin, cout]`.
 * @param bias `[cout]`.
 * @param code The activation's code ({@link wasmActivation}).
 * @returns The output (`[batch · outHeight · outWidth, outChannels]`,
 *   pooled) and the kept column matrix.
 */
export function convolveKeepingColumns(
  lib: Blas,
  info: ConvInfo,
  x: Float32Array,
  filter: Float32Array,
  bias: Float32Array,
  code: number,
): { y: Float32Array; kept: KeptColumns } {
  const k = patchSize(info);
  const n = info.outChannels;
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const w = workspace(KERNELS, { x: x.length, cols: rows * k, y: rows * n, bias: n });
  try {
    const { f32, at, fns } = w;
    f32.set(x, at.x);
    fns.im2col(at.x * 4, at.cols * 4, 0, info.batchSize, ...geometry(info));
    const cols = w.view("cols");
    lib.sgemm(false, false, rows, n, k, 1, cols, k, filter, n, 0, w.view("y"), n);
    w.view("bias").set(bias);
    fns.biasActivation(at.y * 4, at.bias * 4, rows, n, code);
    return { y: pooledCopy(w.view("y")), kept: { cols, release: () => w.release() } };
  } catch (e) {
    w.release();
    throw e;
  }
}
