/**
 * A branch-free MaxPool loop for finite inputs (random signs
 * defeat branch prediction, and V8 keeps these loops tight only without
 * branches). It returns `false` when it met a value it cannot handle
 * exactly (NaN, or infinities that would make the arithmetic select produce
 * NaN); the caller then runs the exact, branching path.
 *
 * @module
 */
import type { tf } from "../../engine/tf.ts";

type PoolInfo = tf.backend_util.Conv2DInfo;

/**
 * Max pooling of `xv` into `out` (NHWC), every window non-empty.
 *
 * @param info The pooling geometry.
 * @param xv The input values.
 * @param out The output values (all written).
 * @returns `true` when the result is exact; `false` for non-finite inputs.
 */
export function maxPoolFast(info: PoolInfo, xv: Float32Array, out: Float32Array): boolean {
  const { inHeight: h, inWidth: w, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  let probe = 0;
  let o = 0;
  for (let b = 0; b < info.batchSize; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < outHeight; oy++) {
      const yStart = oy * strideHeight - top;
      const y0 = yStart < 0 ? 0 : yStart;
      const y1 = Math.min(h, yStart + filterHeight);
      for (let ox = 0; ox < outWidth; ox++, o += c) {
        const xStart = ox * strideWidth - left;
        const x0 = xStart < 0 ? 0 : xStart;
        const x1 = Math.min(w, xStart + filterWidth);
        if (y1 <= y0 || x1 <= x0) return false;
        const first = image + (y0 * w + x0) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] = xv[first + ch];
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
            const src = image + (iy * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const a = out[o + ch];
              const v = xv[src + ch];
              const pick = +(v > a);
              out[o + ch] = pick * v + (1 - pick) * a;
            }
          }
        }
        for (let ch = 0; ch < c; ch++) probe += out[o + ch] * 0;
      }
    }
  }
  return probe === 0;
}
