/**
 * kerno's image kernels for the seam's `resizeImages` and `affineTransform`
 * (`engine/fused.ts`), on Float32Arrays. A resize is two passes, rows then
 * columns, each a short weighted sum from the method's weight table (whole
 * rows of `width · channels` values at a time in the first pass); its
 * gradient is the same two passes transposed. An affine transform computes
 * each output pixel's source coordinate once and copies or blends all its
 * channels, as TensorFlow's `ImageProjectiveTransformV3` defines them; it
 * records no gradient (nor does the plain definition).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type FillMode,
  type ResizeMethod,
  type ResizeSpans,
  resizeSpans,
  type TransformInterpolation,
} from "../engine/_image_ops.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { allocate, allocateZeroed } from "./_buffer_pool.ts";

/** Geometry of a resize: input and output sizes, channels, batch. */
interface ResizePlan {
  batch: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  channels: number;
  rows: ResizeSpans;
  cols: ResizeSpans;
}

/** `out[b, i] += Σ_k w · src[b, index]` along one axis, rows of `inner` values. */
function alongAxis(
  src: Float32Array,
  out: Float32Array,
  s: ResizeSpans,
  outer: number,
  inLen: number,
  outLen: number,
  inner: number,
): void {
  for (let b = 0; b < outer; b++) {
    const from = b * inLen * inner;
    for (let i = 0; i < outLen; i++) {
      const to = (b * outLen + i) * inner;
      for (let k = 0; k < s.span; k++) {
        const w = s.weight[i * s.span + k];
        if (w === 0) continue;
        const at = from + s.index[i * s.span + k] * inner;
        for (let j = 0; j < inner; j++) out[to + j] += w * src[at + j];
      }
    }
  }
}

/** The transpose of {@link alongAxis}: `grad[b, index] += w · dy[b, i]`. */
function alongAxisBack(
  dy: Float32Array,
  grad: Float32Array,
  s: ResizeSpans,
  outer: number,
  inLen: number,
  outLen: number,
  inner: number,
): void {
  for (let b = 0; b < outer; b++) {
    const to = b * inLen * inner;
    for (let i = 0; i < outLen; i++) {
      const from = (b * outLen + i) * inner;
      for (let k = 0; k < s.span; k++) {
        const w = s.weight[i * s.span + k];
        if (w === 0) continue;
        const at = to + s.index[i * s.span + k] * inner;
        for (let j = 0; j < inner; j++) grad[at + j] += w * dy[from + j];
      }
    }
  }
}

/** Resizes the width axis of `[rows, inW, c]` into `[rows, outW, c]`. */
function resizeColumns(src: Float32Array, out: Float32Array, p: ResizePlan, rows: number): void {
  const { cols, inW, outW, channels: c } = p;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outW; j++) {
      const to = (r * outW + j) * c;
      for (let k = 0; k < cols.span; k++) {
        const w = cols.weight[j * cols.span + k];
        if (w === 0) continue;
        const at = (r * inW + cols.index[j * cols.span + k]) * c;
        for (let ch = 0; ch < c; ch++) out[to + ch] += w * src[at + ch];
      }
    }
  }
}

/** The transpose of {@link resizeColumns}. */
function resizeColumnsBack(dy: Float32Array, grad: Float32Array, p: ResizePlan, rows: number) {
  const { cols, inW, outW, channels: c } = p;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outW; j++) {
      const from = (r * outW + j) * c;
      for (let k = 0; k < cols.span; k++) {
        const w = cols.weight[j * cols.span + k];
        if (w === 0) continue;
        const at = (r * inW + cols.index[j * cols.span + k]) * c;
        for (let ch = 0; ch < c; ch++) grad[at + ch] += w * dy[from + ch];
      }
    }
  }
}

/**
 * kerno's `resizeImages`, or `null` (another backend, another dtype) to
 * let the plain definition run.
 *
 * @param images `[batch, height, width, channels]`.
 * @param size The output's `[height, width]`.
 * @param method The interpolation.
 * @returns The resized images, or `null`.
 */
export function resizeImagesFused(
  images: tf.Tensor4D,
  size: [number, number],
  method: ResizeMethod,
): tf.Tensor4D | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || images.dtype !== "float32") return null;
  const [batch, inH, inW, channels] = images.shape;
  const [outH, outW] = size;
  if (images.size === 0 || outH * outW === 0) return null;
  const plan: ResizePlan = {
    batch,
    inH,
    inW,
    outH,
    outW,
    channels,
    rows: resizeSpans(inH, outH, method),
    cols: resizeSpans(inW, outW, method),
  };
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const src = (args[0] as tf.Tensor).dataSync() as Float32Array;
    const middle = new Float32Array(batch * outH * inW * channels);
    alongAxis(src, middle, plan.rows, batch, inH, outH, inW * channels);
    const out = allocateZeroed(batch * outH * outW * channels);
    resizeColumns(middle, out, plan, batch * outH);
    const value = tf.tensor(out, [batch, outH, outW, channels], "float32");
    const gradFunc = (dy: tf.Tensor) => {
      const g = dy.dataSync() as Float32Array;
      const back = new Float32Array(batch * outH * inW * channels);
      resizeColumnsBack(g, back, plan, batch * outH);
      const grad = new Float32Array(batch * inH * inW * channels);
      alongAxisBack(back, grad, plan.rows, batch, inH, outH, inW * channels);
      return tf.tensor(grad, images.shape, "float32");
    };
    return { value, gradFunc };
  });
  return run(images) as tf.Tensor4D;
}

/** TensorFlow's `reflect` mapping of a coordinate into `[0, len − 1]` (d c b a | a b c d | d c b a). */
function reflect(at: number, len: number): number {
  if (at < 0) {
    if (len <= 1) return 0;
    const twice = 2 * len;
    if (at < twice) at = twice * Math.trunc(-at / twice) + at;
    at = at < -len ? at + twice : -at - 1;
  } else if (at > len - 1) {
    if (len <= 1) return 0;
    const twice = 2 * len;
    at -= twice * Math.trunc(at / twice);
    if (at >= len) at = twice - at - 1;
  }
  return Math.min(len - 1, Math.max(0, at));
}

/** TensorFlow's `wrap` mapping (a b c d | a b c d | a b c d). */
function wrap(at: number, len: number): number {
  if (at < 0) {
    if (len <= 1) return 0;
    at += len * (Math.trunc(-at / (len - 1)) + 1);
  } else if (at > len - 1) {
    if (len <= 1) return 0;
    at -= len * Math.trunc(at / (len - 1));
  }
  return Math.min(len - 1, Math.max(0, at));
}

function mapCoordinate(at: number, len: number, mode: FillMode): number {
  if (mode === "reflect") return reflect(at, len);
  if (mode === "wrap") return wrap(at, len);
  if (mode === "nearest") return Math.min(len - 1, Math.max(0, at));
  return at;
}

/** C's `std::round`: halves away from zero. */
function roundAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** One image's geometry for {@link transformImage}. */
interface TransformPlan {
  h: number;
  w: number;
  c: number;
  outH: number;
  outW: number;
  interpolation: TransformInterpolation;
  fillMode: FillMode;
  fillValue: number;
}

/** Transforms one image (`src` from `base`) into `out` from `outBase`. */
function transformImage(
  src: Float32Array,
  base: number,
  t: Float32Array,
  out: Float32Array,
  outBase: number,
  p: TransformPlan,
): void {
  const { h, w, c, fillValue } = p;
  // A source pixel's channels, or fillValue outside the image.
  const read = (y: number, x: number, ch: number) =>
    y >= 0 && y < h && x >= 0 && x < w ? src[base + (y * w + x) * c + ch] : fillValue;
  for (let oy = 0; oy < p.outH; oy++) {
    for (let ox = 0; ox < p.outW; ox++) {
      const to = outBase + (oy * p.outW + ox) * c;
      const k = t[6] * ox + t[7] * oy + 1;
      if (k === 0) {
        out.fill(fillValue, to, to + c);
        continue;
      }
      const x = mapCoordinate((t[0] * ox + t[1] * oy + t[2]) / k, w, p.fillMode);
      const y = mapCoordinate((t[3] * ox + t[4] * oy + t[5]) / k, h, p.fillMode);
      if (p.interpolation === "nearest") {
        const ny = roundAway(y);
        const nx = roundAway(x);
        if (ny >= 0 && ny < h && nx >= 0 && nx < w) {
          const at = base + (ny * w + nx) * c;
          for (let ch = 0; ch < c; ch++) out[to + ch] = src[at + ch];
        } else {
          out.fill(fillValue, to, to + c);
        }
        continue;
      }
      const y0 = Math.floor(y);
      const x0 = Math.floor(x);
      const inside = y0 >= 0 && y0 + 1 < h && x0 >= 0 && x0 + 1 < w;
      for (let ch = 0; ch < c; ch++) {
        let v00, v01, v10, v11;
        if (inside) {
          const at = base + (y0 * w + x0) * c + ch;
          v00 = src[at];
          v01 = src[at + c];
          v10 = src[at + w * c];
          v11 = src[at + w * c + c];
        } else {
          v00 = read(y0, x0, ch);
          v01 = read(y0, x0 + 1, ch);
          v10 = read(y0 + 1, x0, ch);
          v11 = read(y0 + 1, x0 + 1, ch);
        }
        const top = (x0 + 1 - x) * v00 + (x - x0) * v01;
        const bottom = (x0 + 1 - x) * v10 + (x - x0) * v11;
        out[to + ch] = (y0 + 1 - y) * top + (y - y0) * bottom;
      }
    }
  }
}

/**
 * kerno's `affineTransform`, or `null` (another backend) to let the plain
 * definition run.
 *
 * @param images `[batch, height, width, channels]`.
 * @param transforms `[batch, 8]` or `[1, 8]`.
 * @param interpolation `"bilinear"` or `"nearest"`.
 * @param fillMode How points outside the input are filled.
 * @param fillValue The value of `"constant"`.
 * @param outputSize The output's `[height, width]`.
 * @returns The transformed images, or `null`.
 */
export function affineTransformFused(
  images: tf.Tensor4D,
  transforms: tf.Tensor2D,
  interpolation: TransformInterpolation,
  fillMode: FillMode,
  fillValue: number,
  outputSize: [number, number],
): tf.Tensor4D | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || images.dtype !== "float32") return null;
  const [batch, h, w, c] = images.shape;
  const [outH, outW] = outputSize;
  const plan = { h, w, c, outH, outW, interpolation, fillMode, fillValue };
  const src = images.dataSync() as Float32Array;
  const all = Float32Array.from(transforms.dataSync());
  const out = allocate(batch * outH * outW * c);
  const one = transforms.shape[0] === 1;
  for (let b = 0; b < batch; b++) {
    const t = one ? all : all.subarray(b * 8, b * 8 + 8);
    transformImage(src, b * h * w * c, t, out, b * outH * outW * c, plan);
  }
  return tf.tensor(out, [batch, outH, outW, c], "float32");
}
