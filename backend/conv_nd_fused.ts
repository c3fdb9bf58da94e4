/**
 * kerno's general and transposed convolutions (the seam's
 * `convBiasActivation` and `convTransposeBiasActivation`, 1-, 2- and 3-D,
 * channels last) through `cblas_sgemm`, each one recorded operation whose
 * gradient computes every input's in one pass:
 *
 * - general (grouped, 3-D): per channel group, im2col of the input and one
 *   product with the group's kernel columns; the gradient unfolds the input
 *   again for `dW = colsᵀ · dz` and folds `dz · Wᵀ` back (col2im) for `dx`.
 * - transposed: one product `x · Wᵀ` (`[pixels, channels]` by `[channels,
 *   taps·filters]`) and a col2im scatter into the output; the gradient
 *   unfolds `dz` once (im2col) for both `dx = cols · W` (a plain
 *   convolution) and `dW = colsᵀ · x`.
 *
 * The bias is written before the product and the activation (relu or
 * sigmoid) applied in place; its gradient (`dz = dy·step(y)` or
 * `dy·y·(1 − y)`, `dbias = Σ dz`) is one sweep (`_conv_activation.ts`).
 * The transposed convolution of 1 and 2 dimensions keeps its column matrix
 * in WebAssembly memory (`conv_transpose_2d.ts`).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { FusedConvOptions, FusedConvTransposeOptions } from "../engine/fused.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { allocate, allocateZeroed } from "./_buffer_pool.ts";
import { blas } from "./_blas.ts";
import { activationGrad, biasActivate } from "./_conv_activation.ts";
import { isPlanar, transposeBackward, transposeForward } from "./conv_transpose_2d.ts";
import {
  col2imNd,
  im2colNd,
  imagesPerChunk,
  ndGeometry,
  outPixels,
  taps,
} from "./kernels/_im2col_nd.ts";

/** The live float32 values of a tensor on kerno's backend (not copied). */
function valuesOf(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as {
    data: { get(id: unknown): { values?: unknown } };
  };
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : t.dataSync() as Float32Array;
}

/** Whether the arguments are ones this file handles. */
function accepts(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): boolean {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || blas() === null) return false;
  if (x.dtype !== "float32" || kernel.dtype !== "float32") return false;
  if (bias !== null && (bias.dtype !== "float32" || bias.rank !== 1)) return false;
  return x.rank >= 3 && x.rank <= 5 && kernel.rank === x.rank && x.size > 0 && kernel.size > 0;
}

/** `out` (`[rows, n]`) filled with the bias per row, or zeros. */
function withBias(rows: number, n: number, bias: Float32Array | null): Float32Array {
  if (bias === null) return allocateZeroed(rows * n);
  const out = allocate(rows * n);
  if (n === 1) return out.fill(bias[0]);
  for (let r = 0, i = 0; r < rows; r++) for (let f = 0; f < n; f++, i++) out[i] = bias[f];
  return out;
}

const scratchBuffers: Float32Array[] = [new Float32Array(0), new Float32Array(0)];

/**
 * One of two reusable work buffers for column matrices (kernels run one at
 * a time and are done with them when they return).
 *
 * @param which 0 or 1.
 * @param floats The length needed.
 * @returns A view of that length (contents unspecified).
 */
function scratch(which: 0 | 1, floats: number): Float32Array {
  if (scratchBuffers[which].length < floats) scratchBuffers[which] = new Float32Array(floats);
  return scratchBuffers[which].subarray(0, floats);
}

function tensorOf(values: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(values, shape, "float32");
}

/**
 * kerno's general convolution, or `null` to let the plain definition run.
 *
 * @param x `[batch, ...spatial, channels]`.
 * @param kernel `[...taps, channels / groups, filters]`.
 * @param bias `[filters]`, or `null`.
 * @param o The geometry.
 * @returns The output, or `null`.
 */
export function convNdFused(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor1D | null,
  o: FusedConvOptions,
): tf.Tensor | null {
  if (!accepts(x, kernel, bias)) return null;
  const rank = x.rank - 2;
  const channels = x.shape[rank + 1];
  const filters = kernel.shape[rank + 1];
  const groups = o.groups;
  if (channels % groups !== 0 || kernel.shape[rank] * groups !== channels) return null;
  const inSize = x.shape.slice(1, 1 + rank);
  const kSize = kernel.shape.slice(0, rank);
  const outSize = inSize.map((n, i) => {
    const span = (kSize[i] - 1) * o.dilations[i] + 1;
    return Math.floor((n + o.padBefore[i] + o.padAfter[i] - span) / o.strides[i]) + 1;
  });
  if (outSize.some((n) => n <= 0)) return null;
  const g = ndGeometry(x.shape[0], inSize, outSize, kSize, o.strides, o.dilations, o.padBefore);
  const outShape = [x.shape[0], ...outSize, filters];
  const lib = blas()!;
  const cg = channels / groups;
  const fg = filters / groups;
  const k = taps(g) * cg;
  const rowsPerImage = outPixels(g);
  const chunk = imagesPerChunk(g, k);
  const act = o.activation;
  const forward = (xv: Float32Array, kv: Float32Array, bv: Float32Array | null) => {
    const out = withBias(g.batch * rowsPerImage, filters, bv);
    const cols = scratch(0, chunk * rowsPerImage * k);
    for (let first = 0; first < g.batch; first += chunk) {
      const count = Math.min(chunk, g.batch - first);
      const rows = count * rowsPerImage;
      for (let grp = 0; grp < groups; grp++) {
        im2colNd(xv, g, channels, grp * cg, cg, first, count, cols);
        const dst = out.subarray(first * rowsPerImage * filters + grp * fg);
        lib.sgemm(
          false,
          false,
          rows,
          fg,
          k,
          1,
          cols,
          k,
          kv.subarray(grp * fg),
          filters,
          1,
          dst,
          filters,
        );
      }
    }
    biasActivate(out, out, null, filters, act);
    return out;
  };
  const backward = (dy: Float32Array, y: Float32Array, xv: Float32Array, kv: Float32Array) => {
    const [dz, db] = activationGrad(dy, y, filters, act, bias !== null);
    const dx = allocateZeroed(xv.length);
    const dw = allocateZeroed(kv.length);
    const cols = scratch(0, chunk * rowsPerImage * k);
    const dcols = scratch(1, chunk * rowsPerImage * k);
    for (let first = 0; first < g.batch; first += chunk) {
      const count = Math.min(chunk, g.batch - first);
      const rows = count * rowsPerImage;
      for (let grp = 0; grp < groups; grp++) {
        const dzg = dz.subarray(first * rowsPerImage * filters + grp * fg);
        im2colNd(xv, g, channels, grp * cg, cg, first, count, cols);
        lib.sgemm(
          true,
          false,
          k,
          fg,
          rows,
          1,
          cols,
          k,
          dzg,
          filters,
          1,
          dw.subarray(grp * fg),
          filters,
        );
        lib.sgemm(
          false,
          true,
          rows,
          k,
          fg,
          1,
          dzg,
          filters,
          kv.subarray(grp * fg),
          filters,
          0,
          dcols,
          k,
        );
        col2imNd(dcols, g, channels, grp * cg, cg, first, count, dx);
      }
    }
    return { dx, dw, db };
  };
  return record(x, kernel, bias, outShape, forward, backward);
}

/**
 * kerno's transposed convolution, or `null` to let the plain definition run.
 *
 * @param x `[batch, ...spatial, channels]`.
 * @param kernel `[...taps, filters, channels]`.
 * @param bias `[filters]`, or `null`.
 * @param o The geometry.
 * @returns The output, or `null`.
 */
export function convTransposeNdFused(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor1D | null,
  o: FusedConvTransposeOptions,
): tf.Tensor | null {
  if (!accepts(x, kernel, bias)) return null;
  const rank = x.rank - 2;
  const channels = x.shape[rank + 1];
  const filters = kernel.shape[rank];
  if (kernel.shape[rank + 1] !== channels || o.outputSize.some((n) => n <= 0)) return null;
  const inSize = x.shape.slice(1, 1 + rank);
  const kSize = kernel.shape.slice(0, rank);
  // The convolution this is the adjoint of: from the output (its input) to x (its output).
  const g = ndGeometry(
    x.shape[0],
    o.outputSize,
    inSize,
    kSize,
    o.strides,
    o.dilations,
    o.padBefore,
  );
  const outShape = [x.shape[0], ...o.outputSize, filters];
  const lib = blas()!;
  const n = taps(g) * filters;
  const pixels = outPixels(g); // x's positions per image
  const outPerImage = o.outputSize.reduce((a, b) => a * b, 1);
  const chunk = imagesPerChunk(g, n);
  const act = o.activation;
  if (isPlanar(g)) {
    const s = { g, channels, filters };
    return record(
      x,
      kernel,
      bias,
      outShape,
      (xv, kv, bv) => transposeForward(lib, s, xv, kv, bv, act),
      (dy, y, xv, kv) => transposeBackward(lib, s, dy, y, xv, kv, act, bias !== null),
    );
  }
  const forward = (xv: Float32Array, kv: Float32Array, bv: Float32Array | null) => {
    const out = withBias(g.batch * outPerImage, filters, bv);
    const cols = scratch(0, chunk * pixels * n);
    for (let first = 0; first < g.batch; first += chunk) {
      const count = Math.min(chunk, g.batch - first);
      const xs = xv.subarray(first * pixels * channels);
      lib.sgemm(
        false,
        true,
        count * pixels,
        n,
        channels,
        1,
        xs,
        channels,
        kv,
        channels,
        0,
        cols,
        n,
      );
      col2imNd(cols, g, filters, 0, filters, first, count, out);
    }
    biasActivate(out, out, null, filters, act);
    return out;
  };
  const backward = (dy: Float32Array, y: Float32Array, xv: Float32Array, kv: Float32Array) => {
    const [dz, db] = activationGrad(dy, y, filters, act, bias !== null);
    const dx = allocate(xv.length);
    const dw = allocateZeroed(kv.length);
    const cols = scratch(0, chunk * pixels * n);
    for (let first = 0; first < g.batch; first += chunk) {
      const count = Math.min(chunk, g.batch - first);
      const rows = count * pixels;
      im2colNd(dz, g, filters, 0, filters, first, count, cols);
      const xs = xv.subarray(first * pixels * channels);
      lib.sgemm(
        false,
        false,
        rows,
        channels,
        n,
        1,
        cols,
        n,
        kv,
        channels,
        0,
        dx.subarray(first * pixels * channels),
        channels,
      );
      lib.sgemm(true, false, n, channels, rows, 1, cols, n, xs, channels, 1, dw, channels);
    }
    return { dx, dw, db };
  };
  return record(x, kernel, bias, outShape, forward, backward);
}

type Forward = (x: Float32Array, k: Float32Array, b: Float32Array | null) => Float32Array;
type Backward = (
  dy: Float32Array,
  y: Float32Array,
  x: Float32Array,
  k: Float32Array,
) => { dx: Float32Array; dw: Float32Array; db: Float32Array };

/** Runs `forward` as one operation whose gradient is `backward`'s. */
function record(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  outShape: number[],
  forward: Forward,
  backward: Backward,
): tf.Tensor {
  const inputs = bias === null ? [x, kernel] : [x, kernel, bias];
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xt, kt] = args as tf.Tensor[];
    const bt = bias === null ? null : args[2] as tf.Tensor;
    const value = tensorOf(forward(valuesOf(xt), valuesOf(kt), bt && valuesOf(bt)), outShape);
    save([xt, kt, value]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, ks, ys] = saved;
      const { dx, dw, db } = backward(
        valuesOf(dy as tf.Tensor),
        valuesOf(ys),
        valuesOf(xs),
        valuesOf(ks),
      );
      const grads = [tensorOf(dx, xs.shape), tensorOf(dw, ks.shape)];
      if (bias !== null) grads.push(tensorOf(db, [db.length]));
      return grads;
    };
    return { value, gradFunc };
  });
  return run(...inputs);
}
