/**
 * The 1- and 2-D transposed convolution of `conv_nd_fused.ts` with its
 * column matrix in WebAssembly memory (`tools/wasm/kernels.as`'s SIMD
 * `im2col`/`col2im`, the same kernels as Conv2D's). The forward pass is
 * Conv2DBackpropInput's computation with `x` in `dy`'s place: BLAS writes
 * `x · Wᵀ` straight into the module's memory, `col2im` folds it onto the
 * output there, and one SIMD pass adds the bias and applies the activation
 * (`biasActivation`). The gradient copies `dy` into that memory and turns it
 * into `dz` there (the activation's and the bias's gradients, one SIMD pass,
 * `activationBiasGrad`); `im2col` unfolds `dz` once for both `dx = cols · W`
 * and `dW = colsᵀ · x`, which BLAS reads in place.
 *
 * @module
 */
import type { ConvActivation } from "../engine/_conv_ops.ts";
import { WASM_BASE64 as KERNELS } from "./_kernels_shared_wasm.ts";
import { pooledCopy, type Workspace, workspace } from "./_wasm_workspace.ts";
import { allocate } from "./_buffer_pool.ts";
import type { Blas } from "./_blas.ts";
import { type LaneKernel, ProductList, sumPieces } from "./_blas_lane.ts";
import { type NdGeometry, outPixels, taps } from "./kernels/_im2col_nd.ts";

/**
 * Floats per column chunk (8 MB, as Conv2D's): large enough that the
 * products of a batch stay one product each (large products gain from
 * BLAS's second thread, small ones do not).
 */
const CHUNK_FLOATS = 1 << 21;

/**
 * Whether a geometry (of the convolution the transposed one is the adjoint
 * of) is planar: depth 1 everywhere, as 1- and 2-D convolutions are.
 *
 * @param g The geometry.
 * @returns `true` when the 2-D kernels take it.
 */
export function isPlanar(g: NdGeometry): boolean {
  return g.inSize[0] === 1 && g.outSize[0] === 1 && g.kernel[0] === 1 && g.padBefore[0] === 0;
}

/**
 * One of the kernels (`im2col` or `col2im`) bound to a geometry: `(from,
 * to, first, count)` with byte addresses. One channel runs `im2col1` /
 * `col2im1`, which skip the per-tap copy loops.
 */
function kernelFor(
  name: "im2col" | "col2im",
  g: NdGeometry,
  channels: number,
): {
  kernel: LaneKernel;
  args: (from: number, to: number, first: number, count: number) => number[];
} {
  const [inH, inW] = [g.inSize[1], g.inSize[2]];
  const [outH, outW] = [g.outSize[1], g.outSize[2]];
  const rest = [
    g.kernel[1],
    g.kernel[2],
    g.strides[1],
    g.strides[2],
    g.dilations[1],
    g.dilations[2],
    g.padBefore[1],
    g.padBefore[2],
  ];
  if (channels === 1) {
    return {
      kernel: `${name}1`,
      args: (from, to, first, count) => [from, to, first, count, inH, inW, outH, outW, ...rest],
    };
  }
  return {
    kernel: name,
    args: (from, to, first, count) => [
      from,
      to,
      first,
      count,
      inH,
      inW,
      channels,
      outH,
      outW,
      ...rest,
    ],
  };
}

/**
 * im2col or col2im over images `[first, first + count)`, the column matrix
 * at byte `cols` (image `first`'s rows first, `perImage` floats an image),
 * in pieces of whole images shared with the second thread (col2im's pieces
 * add onto different images).
 */
function unfoldOrFold(
  w: Workspace<string>,
  tasks: ProductList,
  pass: ReturnType<typeof kernelFor>,
  unfold: boolean,
  image: number,
  cols: number,
  first: number,
  count: number,
  perImage: number,
): void {
  tasks.split(w, pass.kernel, count, perImage, (f, c) => {
    const at = cols + f * perImage * 4;
    return unfold ? pass.args(image, at, first + f, c) : pass.args(at, image, first + f, c);
  });
  tasks.run();
}

/** The kernels' code for an activation. */
const ACTIVATION_CODES: Record<ConvActivation, number> = { linear: 0, relu: 1, sigmoid: 2 };

/** Images per chunk: a column matrix of about {@link CHUNK_FLOATS}. */
function chunkOf(g: NdGeometry, width: number): number {
  const perImage = outPixels(g) * width;
  return Math.max(1, Math.min(g.batch, Math.floor(CHUNK_FLOATS / Math.max(1, perImage))));
}

/** The sizes one transposed convolution works with. */
export interface TransposeShape {
  /** The convolution that this is the adjoint of: from the output to `x`. */
  g: NdGeometry;
  /** `x`'s channels. */
  channels: number;
  /** The output's channels. */
  filters: number;
}

/**
 * `activation(convTranspose(x, kernel) + bias)`.
 *
 * @param lib The CBLAS.
 * @param s The sizes.
 * @param xv `x`, `[batch, ...spatial, channels]`.
 * @param kv The kernel, `[...taps, filters, channels]`.
 * @param bv The bias, or `null`.
 * @param activation The activation.
 * @returns The output, in a pooled buffer.
 */
export function transposeForward(
  lib: Blas,
  s: TransposeShape,
  xv: Float32Array,
  kv: Float32Array,
  bv: Float32Array | null,
  activation: ConvActivation,
): Float32Array {
  const { g, channels, filters } = s;
  const n = taps(g) * filters;
  const pixels = outPixels(g);
  const chunk = chunkOf(g, n);
  const outLength = g.batch * g.inSize[1] * g.inSize[2] * filters;
  const w = workspace(KERNELS, { y: outLength, cols: chunk * pixels * n, bias: filters });
  try {
    const { f32, at } = w;
    const tasks = lib.productList();
    const y = w.view("y");
    y.fill(0);
    if (bv !== null) f32.set(bv, at.bias);
    const col2im = kernelFor("col2im", g, filters);
    for (let first = 0; first < g.batch; first += chunk) {
      const count = Math.min(chunk, g.batch - first);
      const rows = count * pixels;
      const cols = f32.subarray(at.cols, at.cols + rows * n);
      const xs = xv.subarray(first * pixels * channels, (first + count) * pixels * channels);
      lib.sgemm(false, true, rows, n, channels, 1, xs, channels, kv, channels, 0, cols, n);
      unfoldOrFold(w, tasks, col2im, false, at.y * 4, at.cols * 4, first, count, pixels * n);
    }
    const rows = outLength / filters;
    const code = ACTIVATION_CODES[activation];
    tasks.split(w, "biasActivation", rows, filters, (f, c) => [
      (at.y + f * filters) * 4,
      bv === null ? 0 : at.bias * 4,
      c,
      filters,
      code,
    ]);
    tasks.run();
    return pooledCopy(y);
  } finally {
    w.release();
  }
}

/**
 * Writes `dz` (the gradient before the activation) into the workspace's
 * `z` from `dy` and the output `y`, and returns the bias's gradient.
 */
function stageGradient(
  w: Workspace<"z" | "y" | "db" | "cols" | "dwt">,
  tasks: ProductList,
  dy: Float32Array,
  y: Float32Array,
  filters: number,
  activation: ConvActivation,
  withBias: boolean,
): Float32Array {
  const { f32, at } = w;
  f32.set(dy, at.z);
  if (activation !== "linear") f32.set(y, at.y);
  const code = ACTIVATION_CODES[activation];
  // Pieces of rows shared with the second thread, each summing its own bias gradient.
  const pieces = tasks.split(
    w,
    "activationBiasGrad",
    dy.length / filters,
    filters,
    (f, c, piece) => [
      (at.z + f * filters) * 4,
      (at.y + f * filters) * 4,
      (at.z + f * filters) * 4,
      c,
      filters,
      code,
      withBias ? (at.db + piece * filters) * 4 : 0,
    ],
  );
  tasks.run();
  if (!withBias) return new Float32Array(0);
  return sumPieces(w.view("db"), filters, pieces).slice();
}

/**
 * The gradients of {@link transposeForward}.
 *
 * @param lib The CBLAS.
 * @param s The sizes.
 * @param dy The output's gradient.
 * @param y The output.
 * @param xv `x`.
 * @param kv The kernel.
 * @param activation The activation.
 * @param withBias Whether there is a bias.
 * @returns `dx`, `dW` (pooled buffers) and `dbias` (empty without a bias).
 */
export function transposeBackward(
  lib: Blas,
  s: TransposeShape,
  dy: Float32Array,
  y: Float32Array,
  xv: Float32Array,
  kv: Float32Array,
  activation: ConvActivation,
  withBias: boolean,
): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
  const { g, channels, filters } = s;
  const n = taps(g) * filters;
  const pixels = outPixels(g);
  const chunk = chunkOf(g, n);
  const w = workspace(KERNELS, {
    z: dy.length,
    y: y.length,
    cols: chunk * pixels * n,
    db: filters * ProductList.PIECES, // each piece's bias gradient
    dwt: n * channels,
  });
  try {
    const { f32, at } = w;
    const tasks = lib.productList();
    const db = stageGradient(w, tasks, dy, y, filters, activation, withBias);
    const dx = allocate(xv.length);
    // A wide dW (more taps·filters than channels) comes out faster as dWᵀ = xᵀ · cols.
    const wide = n > channels;
    const dw = allocate(kv.length);
    const dwt = wide ? w.view("dwt") : dw;
    const im2col = kernelFor("im2col", g, filters);
    for (let first = 0; first < g.batch; first += chunk) {
      const count = Math.min(chunk, g.batch - first);
      const rows = count * pixels;
      const cols = f32.subarray(at.cols, at.cols + rows * n);
      unfoldOrFold(w, tasks, im2col, true, at.z * 4, at.cols * 4, first, count, pixels * n);
      const at0 = first * pixels * channels;
      const xs = xv.subarray(at0, at0 + rows * channels);
      const dxs = dx.subarray(at0, at0 + rows * channels);
      const beta = first === 0 ? 0 : 1;
      lib.sgemm(false, false, rows, channels, n, 1, cols, n, kv, channels, 0, dxs, channels);
      if (wide) lib.sgemm(true, false, channels, n, rows, 1, xs, channels, cols, n, beta, dwt, n);
      else lib.sgemm(true, false, n, channels, rows, 1, cols, n, xs, channels, beta, dw, channels);
    }
    if (wide) {
      for (let c = 0; c < channels; c++) {
        for (let j = 0; j < n; j++) dw[j * channels + c] = dwt[c * n + j];
      }
    }
    return { dx, dw, db };
  } finally {
    w.release();
  }
}
