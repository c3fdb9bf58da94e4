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
import { type Workspace, workspace } from "../_wasm_workspace.ts";
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
