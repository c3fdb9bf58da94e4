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
import { type Blas, blas } from "../_blas.ts";
import type { LaneKernels, ProductList } from "../_blas_lane.ts";
import { WASM_BASE64 as KERNELS } from "../_kernels_shared_wasm.ts";
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

/** Tasks for the second thread, or `null` without BLAS (each pass then runs here, whole). */
function lane(): ProductList | null {
  return blas()?.productList() ?? null;
}

/**
 * im2col (`unfold`: images `[first, first + count)` of the input at float
 * `image` into the column matrix at float `cols`, image `first`'s rows
 * first) or col2im, its adjoint (the column matrix added back onto the
 * gradient at `image`), in pieces of whole images shared between the
 * threads: no two pieces of a col2im write the same input position.
 */
function columns(
  w: LaneKernels,
  tasks: ProductList | null,
  unfold: boolean,
  image: number,
  cols: number,
  first: number,
  count: number,
  info: ConvInfo,
): void {
  const g = geometry(info);
  const args = (at: number, f: number, c: number) =>
    unfold ? [image * 4, at * 4, f, c, ...g] : [at * 4, image * 4, f, c, ...g];
  const kernel = unfold ? "im2col" : "col2im";
  if (tasks === null) return w.fns[kernel](...args(cols, first, count));
  const perImage = info.outHeight * info.outWidth * patchSize(info);
  tasks.split(w, kernel, count, perImage, (f, c) => args(cols + f * perImage, first + f, c));
  tasks.run();
}

/** `y = activation(y + bias)` over `rows` rows of `n` at float `y` (bias at float `bias`, 0 for none), in pieces of rows. */
function activate(
  w: LaneKernels,
  tasks: ProductList | null,
  y: number,
  bias: number,
  rows: number,
  n: number,
  code: number,
): void {
  if (tasks === null) return w.fns.biasActivation(y * 4, bias * 4, rows, n, code);
  tasks.split(w, "biasActivation", rows, n, (f, c) => [(y + f * n) * 4, bias * 4, c, n, code]);
  tasks.run();
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
    const { f32, at } = w;
    const tasks = lane();
    if (input !== null) f32.set(input, at.x);
    else if (into !== null) w.view("x").fill(0);
    for (let first = 0; first < info.batchSize; first += perChunk) {
      const count = Math.min(perChunk, info.batchSize - first);
      const rows = count * rowsPerImage;
      const cols = f32.subarray(at.cols, at.cols + rows * k);
      if (input !== null) columns(w, tasks, true, at.x, at.cols, first, count, info);
      body({ first, count, rows, cols });
      if (into !== null) columns(w, tasks, false, at.x, at.cols, first, count, info);
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
    const { at } = w;
    const y = w.view("y");
    product(y);
    if (bias !== null) {
      if (bias.length === n) w.view("bias").set(bias);
      else w.view("bias").fill(bias[0]);
    }
    activate(w, lane(), at.y, bias === null ? 0 : at.bias, rows, n, code);
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
    const { f32, at } = w;
    const tasks = lib.productList();
    f32.set(x, at.x);
    for (let first = 0; first < info.batchSize; first += perChunk) {
      const count = Math.min(perChunk, info.batchSize - first);
      const chunkRows = count * rowsPerImage;
      const cols = f32.subarray(at.cols, at.cols + chunkRows * k);
      const dst = f32.subarray(
        at.y + first * rowsPerImage * n,
        at.y + (first + count) * rowsPerImage * n,
      );
      columns(w, tasks, true, at.x, at.cols, first, count, info);
      lib.sgemm(false, false, chunkRows, n, k, 1, cols, k, filter, n, 0, dst, n);
    }
    if (bias !== null) {
      if (bias.length === n) w.view("bias").set(bias);
      else w.view("bias").fill(bias[0]);
    }
    activate(w, tasks, at.y, bias === null ? 0 : at.bias, rows, n, code);
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
    const { f32, at } = w;
    const tasks = lib.productList();
    f32.set(x, at.x);
    columns(w, tasks, true, at.x, at.cols, 0, info.batchSize, info);
    const cols = w.view("cols");
    lib.sgemm(false, false, rows, n, k, 1, cols, k, filter, n, 0, w.view("y"), n);
    w.view("bias").set(bias);
    activate(w, tasks, at.y, at.bias, rows, n, code);
    return { y: pooledCopy(w.view("y")), kept: { cols, release: () => w.release() } };
  } catch (e) {
    w.release();
    throw e;
  }
}
