/**
 * MaxPool3D and AvgPool3D (NDHWC) with their gradients, for kerno's backend:
 * output voxels in order, channels innermost, so every read and write is a
 * contiguous run of channels. TensorFlow.js's `cpu` kernels compute an index
 * per element and value (about 20x slower on `[8, 16, 16, 16, 16]`).
 *
 * As kerno's 2-D pooling (`pool.ts`): the maximum propagates NaN (PyTorch's
 * choice), its gradient goes to the first maximal tap of a window (or to its
 * last NaN); average pooling divides by the taps inside the input, and its
 * gradient spreads `dy` with that same divisor (the exact derivative, also
 * with "same" padding).
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { allocate, allocateZeroed } from "../_buffer_pool.ts";
import {
  cpuBackend,
  f32,
  fallback,
  type KernelArgs,
  type KernelResult,
  need,
  output,
} from "./_util.ts";

type Pool3DInfo = tf.backend_util.Conv3DInfo;

interface Pool3DAttrs {
  filterSize: [number, number, number] | number;
  strides: [number, number, number] | number;
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
  dataFormat?: "NDHWC" | "NCDHW";
}

/** The window of one output voxel, clipped to the input: `[d0, d1) × [h0, h1) × [w0, w1)`. */
type Window = [number, number, number, number, number, number];

function poolInfo(shape: number[], attrs: Pool3DAttrs): Pool3DInfo | null {
  if (shape.length !== 5 || (attrs.dataFormat ?? "NDHWC") !== "NDHWC") return null;
  return tf.backend_util.computePool3DInfo(
    shape as [number, number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

/**
 * Visits every output voxel with its output offset, its batch item's input
 * offset and its clipped window.
 */
function forEachWindow(
  info: Pool3DInfo,
  visit: (out: number, volume: number, win: Window) => void,
): void {
  const c = info.inChannels;
  const pad = info.padInfo;
  const win: Window = [0, 0, 0, 0, 0, 0];
  let o = 0;
  for (let b = 0; b < info.batchSize; b++) {
    const volume = b * info.inDepth * info.inHeight * info.inWidth * c;
    for (let od = 0; od < info.outDepth; od++) {
      const d = od * info.strideDepth - pad.front;
      win[0] = Math.max(0, d);
      win[1] = Math.min(info.inDepth, d + info.filterDepth);
      for (let oh = 0; oh < info.outHeight; oh++) {
        const h = oh * info.strideHeight - pad.top;
        win[2] = Math.max(0, h);
        win[3] = Math.min(info.inHeight, h + info.filterHeight);
        for (let ow = 0; ow < info.outWidth; ow++, o += c) {
          const w = ow * info.strideWidth - pad.left;
          win[4] = Math.max(0, w);
          win[5] = Math.min(info.inWidth, w + info.filterWidth);
          visit(o, volume, win);
        }
      }
    }
  }
}

/** The number of in-bounds taps of a window. */
function taps(win: Window): number {
  return Math.max(0, win[1] - win[0]) * Math.max(0, win[3] - win[2]) *
    Math.max(0, win[5] - win[4]);
}

function pool3d(args: KernelArgs, mode: "max" | "avg"): KernelResult | null {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const xv = f32(backend, x);
  const info = xv === null ? null : poolInfo(x.shape, args.attrs as unknown as Pool3DAttrs);
  if (xv === null || info === null) return null;
  const c = info.inChannels;
  const rowStride = info.inWidth * c;
  const planeStride = info.inHeight * rowStride;
  const out = allocate(info.batchSize * info.outDepth * info.outHeight * info.outWidth * c);
  forEachWindow(info, (o, volume, [d0, d1, h0, h1, w0, w1]) => {
    const count = taps([d0, d1, h0, h1, w0, w1]);
    if (count === 0) {
      out.fill(mode === "max" ? -Infinity : NaN, o, o + c);
      return;
    }
    const start = volume + d0 * planeStride + h0 * rowStride + w0 * c;
    for (let ch = 0; ch < c; ch++) out[o + ch] = xv[start + ch];
    for (let d = d0; d < d1; d++) {
      for (let h = h0; h < h1; h++) {
        for (let w = d === d0 && h === h0 ? w0 + 1 : w0; w < w1; w++) {
          const src = volume + d * planeStride + h * rowStride + w * c;
          if (mode === "avg") {
            for (let ch = 0; ch < c; ch++) out[o + ch] += xv[src + ch];
            continue;
          }
          for (let ch = 0; ch < c; ch++) {
            // A NaN wins and is then kept (NaN > anything is false), as in PyTorch.
            const a = out[o + ch];
            const v = xv[src + ch];
            if (v > a || v !== v) out[o + ch] = v;
          }
        }
      }
    }
    if (mode === "avg") {
      const scale = 1 / count;
      for (let ch = 0; ch < c; ch++) out[o + ch] *= scale;
    }
  });
  return output(backend, info.outShape, out);
}

/**
 * The MaxPool3D kernel (NDHWC).
 *
 * @param args Inputs `{x}`, attrs `{filterSize, strides, pad, dimRoundingMode, dataFormat}`.
 * @returns The pooled tensor.
 */
export function maxPool3DKernel(args: KernelArgs): KernelResult {
  return pool3d(args, "max") ?? fallback(tf.MaxPool3D, args);
}

/**
 * The AvgPool3D kernel (NDHWC), averaging over the in-bounds taps.
 *
 * @param args Inputs `{x}`, attrs `{filterSize, strides, pad, dimRoundingMode, dataFormat}`.
 * @returns The pooled tensor.
 */
export function avgPool3DKernel(args: KernelArgs): KernelResult {
  return pool3d(args, "avg") ?? fallback(tf.AvgPool3D, args);
}

/**
 * The MaxPool3DGrad kernel: each `dy` goes to the first maximal tap of its
 * window (depth, then row, then column order), or to the window's last NaN.
 *
 * @param args Inputs `{dy, input, output}`, the MaxPool3D attrs.
 * @returns `dx`, shaped like the pooled input.
 */
export function maxPool3DGradKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const dy = need(args, "dy");
  const x = need(args, "input");
  const dyv = f32(backend, dy);
  const xv = f32(backend, x);
  const info = xv === null ? null : poolInfo(x.shape, args.attrs as unknown as Pool3DAttrs);
  if (dyv === null || xv === null || info === null) return fallback(tf.MaxPool3DGrad, args);
  const c = info.inChannels;
  const rowStride = info.inWidth * c;
  const planeStride = info.inHeight * rowStride;
  const dx = allocateZeroed(xv.length);
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  forEachWindow(info, (o, volume, [d0, d1, h0, h1, w0, w1]) => {
    if (taps([d0, d1, h0, h1, w0, w1]) === 0) return;
    const start = volume + d0 * planeStride + h0 * rowStride + w0 * c;
    for (let ch = 0; ch < c; ch++) {
      best[ch] = xv[start + ch];
      where[ch] = start + ch;
    }
    for (let d = d0; d < d1; d++) {
      for (let h = h0; h < h1; h++) {
        for (let w = d === d0 && h === h0 ? w0 + 1 : w0; w < w1; w++) {
          const src = volume + d * planeStride + h * rowStride + w * c;
          for (let ch = 0; ch < c; ch++) {
            const v = xv[src + ch];
            // Strictly greater wins (the first maximum keeps it); every NaN wins.
            if (v > best[ch] || v !== v) {
              best[ch] = v;
              where[ch] = src + ch;
            }
          }
        }
      }
    }
    for (let ch = 0; ch < c; ch++) dx[where[ch]] += dyv[o + ch];
  });
  return output(backend, x.shape, dx);
}

/**
 * The AvgPool3DGrad kernel: spreads each `dy` evenly over the in-bounds
 * taps of its window (the exact derivative of {@link avgPool3DKernel}).
 *
 * @param args Inputs `{dy, input}`, attrs `{filterSize, strides, pad, dimRoundingMode}`.
 * @returns `dx`, shaped like the pooled input.
 */
export function avgPool3DGradKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const dy = need(args, "dy");
  const x = need(args, "input");
  const dyv = f32(backend, dy);
  const info = poolInfo(x.shape, args.attrs as unknown as Pool3DAttrs);
  if (dyv === null || info === null) return fallback(tf.AvgPool3DGrad, args);
  const c = info.inChannels;
  const rowStride = info.inWidth * c;
  const planeStride = info.inHeight * rowStride;
  const dx = allocateZeroed(info.batchSize * info.inDepth * planeStride);
  forEachWindow(info, (o, volume, [d0, d1, h0, h1, w0, w1]) => {
    const count = taps([d0, d1, h0, h1, w0, w1]);
    if (count === 0) return;
    const scale = 1 / count;
    for (let d = d0; d < d1; d++) {
      for (let h = h0; h < h1; h++) {
        for (let w = w0; w < w1; w++) {
          const dst = volume + d * planeStride + h * rowStride + w * c;
          for (let ch = 0; ch < c; ch++) dx[dst + ch] += dyv[o + ch] * scale;
        }
      }
    }
  });
  return output(backend, x.shape, dx);
}
