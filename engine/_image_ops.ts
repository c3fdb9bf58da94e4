/**
 * Internal: the image operations at the seam (`resizeImages`,
 * `affineTransform` in `fused.ts`) — TensorFlow's pixel conventions as
 * one-dimensional sampling weights, and the plain-`tf` definitions built on
 * them. Every resize method TensorFlow 2's `tf.image.resize` offers without
 * antialiasing is separable: each output row is a weighted sum of input
 * rows, then each output column of input columns, so one table of
 * `(index, weight)` pairs per axis describes it, and a backend's kernel
 * needs nothing else.
 *
 * @module
 */
import { tf } from "./tf.ts";

/** The interpolations of `resizeImages` (Keras's `Resizing`). */
export type ResizeMethod = "bilinear" | "nearest" | "bicubic" | "area" | "lanczos3" | "lanczos5";

/** Every {@link ResizeMethod}, in Keras's order. */
export const RESIZE_METHODS: readonly ResizeMethod[] = [
  "bilinear",
  "nearest",
  "bicubic",
  "area",
  "lanczos3",
  "lanczos5",
];

/** How `affineTransform` fills points outside the input (TensorFlow's `fill_mode`). */
export type FillMode = "reflect" | "wrap" | "constant" | "nearest";

/** Every {@link FillMode}. */
export const FILL_MODES: readonly FillMode[] = ["reflect", "wrap", "constant", "nearest"];

/** The interpolations of `affineTransform`. */
export type TransformInterpolation = "bilinear" | "nearest";

/**
 * The weights of a resize along one axis: output `i` is
 * `Σ_k weight[i·span + k] · input[index[i·span + k]]`.
 */
export interface ResizeSpans {
  /** Entries per output position. */
  span: number;
  /** Input positions, `outSize · span`, each in `[0, inSize)`. */
  index: Int32Array;
  /** Their weights (0 for unused entries). */
  weight: Float32Array;
}

const f32 = Math.fround;

/**
 * The weights TensorFlow uses to resize one axis from `inSize` to `outSize`
 * (`tf.image.resize`, half-pixel centres, no antialiasing): `bilinear` and
 * `nearest` as `ResizeBilinear`/`ResizeNearestNeighbor` with
 * `half_pixel_centers`, `bicubic` as `ResizeBicubic` (Keys' cubic with
 * a = −0.5 from its 1024-entry table, taps outside the image dropped and
 * the rest renormalised), `area` as `ResizeArea` (each output cell the
 * mean of the input cells it covers, by overlap), `lanczos3`/`lanczos5` as
 * `ScaleAndTranslate` with a Lanczos kernel of radius 3 or 5.
 *
 * @param inSize The input's size along the axis.
 * @param outSize The output's size.
 * @param method The interpolation.
 * @returns The weights.
 */
export function resizeSpans(inSize: number, outSize: number, method: ResizeMethod): ResizeSpans {
  switch (method) {
    case "bilinear":
      return bilinearSpans(inSize, outSize);
    case "nearest":
      return nearestSpans(inSize, outSize);
    case "bicubic":
      return bicubicSpans(inSize, outSize);
    case "area":
      return areaSpans(inSize, outSize);
    case "lanczos3":
      return lanczosSpans(inSize, outSize, 3);
    case "lanczos5":
      return lanczosSpans(inSize, outSize, 5);
  }
}

function emptySpans(outSize: number, span: number): ResizeSpans {
  return { span, index: new Int32Array(outSize * span), weight: new Float32Array(outSize * span) };
}

function bilinearSpans(inSize: number, outSize: number): ResizeSpans {
  const scale = f32(inSize / outSize);
  const s = emptySpans(outSize, 2);
  for (let i = 0; i < outSize; i++) {
    const at = f32(f32((i + 0.5) * scale) - 0.5);
    const low = Math.floor(at);
    const lerp = at - low;
    s.index[2 * i] = Math.max(low, 0);
    s.index[2 * i + 1] = Math.min(Math.ceil(at), inSize - 1);
    s.weight[2 * i] = 1 - lerp;
    s.weight[2 * i + 1] = lerp;
  }
  return s;
}

function nearestSpans(inSize: number, outSize: number): ResizeSpans {
  const scale = f32(inSize / outSize);
  const s = emptySpans(outSize, 1);
  for (let i = 0; i < outSize; i++) {
    s.index[i] = Math.max(0, Math.min(inSize - 1, Math.floor(f32((i + 0.5) * scale))));
    s.weight[i] = 1;
  }
  return s;
}

/** Keys' cubic convolution weights with a = −0.5, tabulated as TensorFlow does (1024 steps). */
const CUBIC_TABLE_SIZE = 1024;
let cubicTable: Float32Array | null = null;

function cubicCoefficients(): Float32Array {
  if (cubicTable !== null) return cubicTable;
  const a = -0.5;
  const table = new Float32Array((CUBIC_TABLE_SIZE + 1) * 2);
  for (let i = 0; i <= CUBIC_TABLE_SIZE; i++) {
    let x = i / CUBIC_TABLE_SIZE;
    table[i * 2] = ((a + 2) * x - (a + 3)) * x * x + 1;
    x += 1;
    table[i * 2 + 1] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  }
  return cubicTable = table;
}

/** C's `lrintf`: the nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function bicubicSpans(inSize: number, outSize: number): ResizeSpans {
  const table = cubicCoefficients();
  const scale = f32(inSize / outSize);
  const s = emptySpans(outSize, 4);
  for (let i = 0; i < outSize; i++) {
    const at = f32(f32((i + 0.5) * scale) - 0.5);
    const low = Math.floor(at);
    const offset = roundHalfEven(f32(at - low) * CUBIC_TABLE_SIZE);
    const taps = [
      table[offset * 2 + 1],
      table[offset * 2],
      table[(CUBIC_TABLE_SIZE - offset) * 2],
      table[(CUBIC_TABLE_SIZE - offset) * 2 + 1],
    ];
    let sum = 0;
    for (let k = 0; k < 4; k++) {
      const at = low - 1 + k;
      const inside = at >= 0 && at < inSize;
      s.index[4 * i + k] = Math.min(inSize - 1, Math.max(0, at));
      s.weight[4 * i + k] = inside ? taps[k] : 0;
      sum += s.weight[4 * i + k];
    }
    if (Math.abs(sum) >= 1000 * 1.1754943508222875e-38) {
      for (let k = 0; k < 4; k++) s.weight[4 * i + k] *= f32(1 / sum);
    }
  }
  return s;
}

function areaSpans(inSize: number, outSize: number): ResizeSpans {
  const scale = f32(inSize / outSize);
  const span = Math.ceil(scale) + 1;
  const s = emptySpans(outSize, span);
  for (let i = 0; i < outSize; i++) {
    const start = f32(i * scale);
    const end = f32((i + 1) * scale);
    const first = Math.floor(start);
    const last = Math.min(Math.ceil(end), first + span);
    for (let cell = first, k = 0; cell < last; cell++, k++) {
      // The cell's overlap with [start, end), as TensorFlow's ResizeArea computes it.
      const overlap = cell < start
        ? (cell + 1 > end ? scale : cell + 1 - start)
        : (cell + 1 > end ? end - cell : 1);
      s.index[i * span + k] = Math.min(cell, inSize - 1);
      s.weight[i * span + k] = overlap / scale;
    }
  }
  return s;
}

function lanczos(x: number, radius: number): number {
  const pi = 3.14159265359;
  x = Math.abs(x);
  if (x > radius) return 0;
  if (x <= 1e-3) return 1;
  return f32(radius * Math.sin(pi * x) * Math.sin((pi * x) / radius) / (pi * pi * x * x));
}

function lanczosSpans(inSize: number, outSize: number, radius: number): ResizeSpans {
  const invScale = f32(1 / f32(outSize / inSize));
  const span = Math.min(2 * radius + 1, inSize);
  const s = emptySpans(outSize, span);
  for (let i = 0; i < outSize; i++) {
    const sample = f32((i + 0.5) * invScale);
    if (sample < 0 || sample > inSize) continue;
    const start = Math.min(inSize - 1, Math.max(0, Math.ceil(sample - radius - 0.5)));
    const end = Math.min(inSize - 1, Math.max(0, Math.floor(sample + radius - 0.5))) + 1;
    let total = 0;
    for (let at = start; at < end; at++) total += lanczos(at + 0.5 - sample, radius);
    if (Math.abs(total) < 1000 * 1.1754943508222875e-38) continue;
    for (let at = start, k = 0; at < end; at++, k++) {
      s.index[i * span + k] = at;
      s.weight[i * span + k] = lanczos(at + 0.5 - sample, radius) / total;
    }
  }
  return s;
}

/** The spans as a dense `[outSize, inSize]` matrix. */
function spansMatrix(s: ResizeSpans, inSize: number): tf.Tensor2D {
  const outSize = s.index.length / s.span;
  const m = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    for (let k = 0; k < s.span; k++) {
      m[i * inSize + s.index[i * s.span + k]] += s.weight[i * s.span + k];
    }
  }
  return tf.tensor2d(m, [outSize, inSize]);
}

/** `matrix` applied along axis 1 of a 4-D tensor: `[b, n, p, c]` → `[b, m, p, c]`. */
function alongAxis1(x: tf.Tensor4D, matrix: tf.Tensor2D): tf.Tensor4D {
  const [b, n, p, c] = x.shape;
  const rows = tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [n, b * p * c]);
  const out = tf.reshape(tf.matMul(matrix, rows), [matrix.shape[0], b, p, c]);
  return tf.transpose(out, [1, 0, 2, 3]) as tf.Tensor4D;
}

/**
 * The plain definition of `resizeImages`: two products with the weight
 * matrices of {@link resizeSpans}, rows then columns, differentiable with
 * respect to `images`. (For `bilinear` and `nearest` the values are
 * TensorFlow.js's `resizeBilinear`/`resizeNearestNeighbor` with half-pixel
 * centres; their kernels are not used, as TensorFlow.js's cpu gradient of
 * `resizeBilinear` fails on images that are not square.)
 *
 * @param images `[batch, height, width, channels]`.
 * @param size The output's `[height, width]`.
 * @param method The interpolation.
 * @returns `[batch, size[0], size[1], channels]`, float32.
 */
export function plainResizeImages(
  images: tf.Tensor4D,
  size: [number, number],
  method: ResizeMethod,
): tf.Tensor4D {
  const x = images.dtype === "float32" ? images : tf.cast(images, "float32");
  const [, height, width] = x.shape;
  const rows = spansMatrix(resizeSpans(height, size[0], method), height);
  const cols = spansMatrix(resizeSpans(width, size[1], method), width);
  const byRows = alongAxis1(x, rows);
  const swapped = tf.transpose(byRows, [0, 2, 1, 3]);
  return tf.transpose(alongAxis1(swapped, cols), [0, 2, 1, 3]);
}

/**
 * The plain definition of `affineTransform`: TensorFlow.js's `Transform`
 * kernel (a port of TensorFlow's `ImageProjectiveTransformV3`), one image
 * at a time — its cpu kernel transforms only the first image of a batch.
 * Not differentiable (TensorFlow.js registers no gradient for it).
 *
 * @param images `[batch, height, width, channels]`.
 * @param transforms `[batch, 8]` (or `[1, 8]` for all images).
 * @param interpolation `"bilinear"` or `"nearest"`.
 * @param fillMode How points outside the input are filled.
 * @param fillValue The value for `"constant"`.
 * @param outputSize The output's `[height, width]`.
 * @returns `[batch, outputSize[0], outputSize[1], channels]`.
 */
export function plainAffineTransform(
  images: tf.Tensor4D,
  transforms: tf.Tensor2D,
  interpolation: TransformInterpolation,
  fillMode: FillMode,
  fillValue: number,
  outputSize: [number, number],
): tf.Tensor4D {
  const x = images.dtype === "float32" ? images : tf.cast(images, "float32");
  if (x.shape[0] === 0) return tf.zeros([0, ...outputSize, x.shape[3]]);
  const one = transforms.shape[0] === 1;
  const outputs = tf.split(x, x.shape[0], 0).map((image, b) =>
    tf.image.transform(
      image as tf.Tensor4D,
      one ? transforms : tf.slice(transforms, [b, 0], [1, 8]),
      interpolation,
      fillMode,
      fillValue,
      outputSize,
    )
  );
  return outputs.length === 1 ? outputs[0] : tf.concat(outputs, 0);
}
