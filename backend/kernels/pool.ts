/**
 * MaxPool and AvgPool (NHWC) with their gradients, walking output pixels with
 * channels innermost so every read is contiguous. Average pooling divides by
 * the number of window taps inside the input (padding excluded), and its
 * gradient spreads `dy` with the same divisor, so the gradient is the exact
 * derivative of the forward pass — also with "same" padding.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate, allocateZeroed } from "../_buffer_pool.ts";
import { maxPoolFast } from "./_pool_fast.ts";
import {
  cpuBackend,
  f32,
  fallback,
  type KernelArgs,
  type KernelResult,
  need,
  output,
} from "./_util.ts";

type PoolInfo = tf.backend_util.Conv2DInfo;

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function poolInfo(xShape: number[], attrs: PoolAttrs): PoolInfo {
  return tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

/** The in-bounds window of output pixel `(oy, ox)`: `[y0, y1) × [x0, x1)`. */
function windowOf(info: PoolInfo, oy: number, ox: number): [number, number, number, number] {
  const y = oy * info.strideHeight - info.padInfo.top;
  const x = ox * info.strideWidth - info.padInfo.left;
  return [
    Math.max(0, y),
    Math.min(info.inHeight, y + info.filterHeight),
    Math.max(0, x),
    Math.min(info.inWidth, x + info.filterWidth),
  ];
}

/**
 * Visits every output pixel with its window and offsets.
 *
 * @param info The pooling geometry.
 * @param visit Called with the output offset, the input image offset and the window.
 */
function forEachWindow(
  info: PoolInfo,
  visit: (out: number, image: number, win: [number, number, number, number]) => void,
): void {
  const c = info.inChannels;
  let o = 0;
  for (let b = 0; b < info.batchSize; b++) {
    const image = b * info.inHeight * info.inWidth * c;
    for (let oy = 0; oy < info.outHeight; oy++) {
      for (let ox = 0; ox < info.outWidth; ox++, o += c) visit(o, image, windowOf(info, oy, ox));
    }
  }
}

function maxInto(
  xv: Float32Array,
  out: Float32Array,
  o: number,
  src: number,
  c: number,
  first: boolean,
): void {
  if (first) {
    for (let ch = 0; ch < c; ch++) out[o + ch] = xv[src + ch];
    return;
  }
  for (let ch = 0; ch < c; ch++) {
    // Branch-free select (see binary.ts); NaN only for non-finite operands.
    // A NaN wins and is then kept (NaN > anything is false), as in PyTorch.
    const a = out[o + ch];
    const b = xv[src + ch];
    const pick = +(b > a) | +(b !== b);
    const m = pick * b + (1 - pick) * a;
    out[o + ch] = m === m ? m : pick ? b : a;
  }
}

function pool(args: KernelArgs, mode: "max" | "avg"): KernelResult | null {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const xv = f32(backend, x);
  if (xv === null || x.shape.length !== 4) return null;
  const info = poolInfo(x.shape, args.attrs as unknown as PoolAttrs);
  const c = info.inChannels;
  const w = info.inWidth;
  const out = allocate(info.batchSize * info.outHeight * info.outWidth * c);
  if (mode === "max" && maxPoolFast(info, xv, out)) return output(backend, info.outShape, out);
  forEachWindow(info, (o, image, [y0, y1, x0, x1]) => {
    if (y1 <= y0 || x1 <= x0) {
      out.fill(mode === "max" ? -Infinity : NaN, o, o + c);
      return;
    }
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = x0; ix < x1; ix++) {
        const src = image + (iy * w + ix) * c;
        const first = iy === y0 && ix === x0;
        if (mode === "max") maxInto(xv, out, o, src, c, first);
        else if (first) { for (let ch = 0; ch < c; ch++) out[o + ch] = xv[src + ch]; }
        else for (let ch = 0; ch < c; ch++) out[o + ch] += xv[src + ch];
      }
    }
    if (mode === "avg") {
      const scale = 1 / ((y1 - y0) * (x1 - x0));
      for (let ch = 0; ch < c; ch++) out[o + ch] *= scale;
    }
  });
  return output(backend, info.outShape, out);
}

/**
 * The MaxPool kernel (NHWC).
 *
 * @param args Inputs `{x}`, attrs `{filterSize, strides, pad, dimRoundingMode}`.
 * @returns The pooled tensor.
 */
export function maxPoolKernel(args: KernelArgs): KernelResult {
  return pool(args, "max") ?? fallback(tf.MaxPool, args);
}

/**
 * The AvgPool kernel (NHWC), averaging over the in-bounds taps.
 *
 * @param args Inputs `{x}`, attrs `{filterSize, strides, pad, dimRoundingMode}`.
 * @returns The pooled tensor.
 */
export function avgPoolKernel(args: KernelArgs): KernelResult {
  return pool(args, "avg") ?? fallback(tf.AvgPool, args);
}

/**
 * The MaxPoolGrad kernel: routes each `dy` to the first maximal tap of its
 * window (row-major order), as the `cpu` kernel does; in a window holding a
 * NaN, to its last NaN, as PyTorch does (the `cpu` kernel ignores NaN).
 *
 * @param args Inputs `{dy, input, output}`, the MaxPool attrs.
 * @returns `dx`, shaped like the pooled input.
 */
export function maxPoolGradKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const dy = need(args, "dy");
  const x = need(args, "input");
  const dyv = f32(backend, dy);
  const xv = f32(backend, x);
  if (dyv === null || xv === null || x.shape.length !== 4) return fallback(tf.MaxPoolGrad, args);
  const info = poolInfo(x.shape, args.attrs as unknown as PoolAttrs);
  const c = info.inChannels;
  const w = info.inWidth;
  const dx = allocateZeroed(xv.length);
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  forEachWindow(info, (o, image, [y0, y1, x0, x1]) => {
    if (y1 <= y0 || x1 <= x0) return;
    const start = image + (y0 * w + x0) * c;
    for (let ch = 0; ch < c; ch++) {
      best[ch] = xv[start + ch];
      where[ch] = start + ch;
    }
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
        const src = image + (iy * w + ix) * c;
        for (let ch = 0; ch < c; ch++) {
          // Branch-free "first strictly greater wins" (0/1 from the comparison);
          // every NaN wins, so the last NaN of the window does (PyTorch's choice).
          const v = xv[src + ch];
          const b = best[ch];
          const greater = +(v > b) | +(v !== v);
          const next = greater * v + (1 - greater) * b;
          best[ch] = next === next ? next : greater ? v : b;
          where[ch] += greater * (src + ch - where[ch]);
        }
      }
    }
    for (let ch = 0; ch < c; ch++) dx[where[ch]] += dyv[o + ch];
  });
  return output(backend, x.shape, dx);
}

/**
 * The AvgPoolGrad kernel: spreads each `dy` evenly over the in-bounds taps of
 * its window (the exact derivative of {@link avgPoolKernel}).
 *
 * @param args Inputs `{dy, input}`, attrs `{filterSize, strides, pad}`.
 * @returns `dx`, shaped like the pooled input.
 */
export function avgPoolGradKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const dy = need(args, "dy");
  const x = need(args, "input");
  const dyv = f32(backend, dy);
  if (dyv === null || x.shape.length !== 4) return fallback(tf.AvgPoolGrad, args);
  const info = poolInfo(x.shape, args.attrs as unknown as PoolAttrs);
  const c = info.inChannels;
  const w = info.inWidth;
  const dx = allocateZeroed(info.batchSize * info.inHeight * info.inWidth * c);
  forEachWindow(info, (o, image, [y0, y1, x0, x1]) => {
    const scale = 1 / ((y1 - y0) * (x1 - x0));
    for (let iy = y0; iy < y1; iy++) {
      for (let ix = x0; ix < x1; ix++) {
        const dst = image + (iy * w + ix) * c;
        for (let ch = 0; ch < c; ch++) dx[dst + ch] += dyv[o + ch] * scale;
      }
    }
  });
  return output(backend, x.shape, dx);
}
