/**
 * im2col / col2im for NHWC convolutions: a convolution becomes one matrix
 * product between the "column" matrix (one row per output pixel, one column
 * per filter tap × input channel) and the filter seen as `[fh·fw·cin, cout]`.
 *
 * @module
 */
import type { tf } from "../../engine/tf.ts";

/** TensorFlow.js's description of a 2-D convolution. */
export type ConvInfo = tf.backend_util.Conv2DInfo;

/** Floats per im2col chunk: bounds the scratch buffer to about 8 MB. */
const CHUNK_FLOATS = 1 << 21;

let scratchBuffer = new Float32Array(0);

/**
 * A reusable work buffer for column matrices, so a convolution does not
 * allocate (and page in) megabytes on every call. Kernels run one at a time
 * and finish with the buffer before returning, so one buffer suffices.
 *
 * @param floats The number of floats needed.
 * @returns A view of exactly that length (contents unspecified).
 */
export function scratch(floats: number): Float32Array {
  if (scratchBuffer.length < floats) scratchBuffer = new Float32Array(floats);
  return scratchBuffer.subarray(0, floats);
}

/**
 * The number of column-matrix columns: filter taps times input channels.
 *
 * @param info The convolution.
 * @returns `filterHeight · filterWidth · inChannels`.
 */
export function patchSize(info: ConvInfo): number {
  return info.filterHeight * info.filterWidth * info.inChannels;
}

/**
 * How many images to unfold at once so that the column matrix stays small.
 *
 * @param info The convolution.
 * @returns At least 1.
 */
export function imagesPerChunk(info: ConvInfo): number {
  const perImage = info.outHeight * info.outWidth * patchSize(info);
  return Math.max(1, Math.min(info.batchSize, Math.floor(CHUNK_FLOATS / Math.max(1, perImage))));
}

/**
 * Runs `body` over the batch in chunks of {@link imagesPerChunk} images, each
 * with the shared {@link scratch} buffer sized for that many images' column
 * matrices (`[rows, patchSize]`).
 *
 * @param info The convolution.
 * @param body Called once per chunk with its first image, its image count,
 *   its column-matrix rows (`count · outHeight · outWidth`) and the scratch
 *   column matrix (at least `rows · patchSize` floats).
 */
export function forEachChunk(
  info: ConvInfo,
  body: (first: number, count: number, rows: number, cols: Float32Array) => void,
): void {
  const rowsPerImage = info.outHeight * info.outWidth;
  const chunk = imagesPerChunk(info);
  const cols = scratch(chunk * rowsPerImage * patchSize(info));
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    body(first, count, count * rowsPerImage, cols);
  }
}

/**
 * Whether the convolution is a plain per-pixel product (1×1 filter, stride 1,
 * no padding), so the input itself is the column matrix.
 *
 * @param info The convolution.
 * @returns `true` when no unfolding is needed.
 */
export function isPointwise(info: ConvInfo): boolean {
  return info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 &&
    info.strideWidth === 1 && info.padInfo.top === 0 && info.padInfo.left === 0 &&
    info.outHeight === info.inHeight && info.outWidth === info.inWidth;
}

/**
 * Unfolds images `[first, first + count)` of `x` into `cols`
 * (`[count · outHeight · outWidth, patchSize]`); padding reads as zero.
 *
 * @param x The NHWC input values.
 * @param info The convolution.
 * @param first The first image.
 * @param count How many images.
 * @param cols The column matrix to fill.
 */
export function im2col(
  x: Float32Array,
  info: ConvInfo,
  first: number,
  count: number,
  cols: Float32Array,
): void {
  const { inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  if (c === 1) {
    im2colSingleChannel(x, info, first, count, cols);
    return;
  }
  let o = 0;
  for (let b = first; b < first + count; b++) {
    const xb = b * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        for (let fy = 0; fy < filterHeight; fy++) {
          const iy = oy * strideHeight - top + fy * dilationHeight;
          const rowInside = iy >= 0 && iy < inHeight;
          for (let fx = 0; fx < filterWidth; fx++) {
            const ix = ox * strideWidth - left + fx * dilationWidth;
            if (rowInside && ix >= 0 && ix < inWidth) {
              const src = xb + (iy * inWidth + ix) * c;
              for (let ch = 0; ch < c; ch++) cols[o + ch] = x[src + ch];
            } else {
              for (let ch = 0; ch < c; ch++) cols[o + ch] = 0;
            }
            o += c;
          }
        }
      }
    }
  }
}

// col2im walks the taps exactly as im2col does, but stays a separate loop: one
// loop for both with a copy/add flag per tap measured 12% slower for im2col
// ([64,13,13,32] * [3,3,32,64]: 1.9 → 2.15 ms), with col2im unchanged.

/**
 * Folds a column-matrix gradient back onto the input gradient of images
 * `[first, first + count)`, adding overlapping taps.
 *
 * @param cols The column-matrix gradient, `[count · outHeight · outWidth, patchSize]`.
 * @param info The convolution.
 * @param first The first image.
 * @param count How many images.
 * @param dx The NHWC input gradient to add into.
 */
export function col2im(
  cols: Float32Array,
  info: ConvInfo,
  first: number,
  count: number,
  dx: Float32Array,
): void {
  const { inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  let o = 0;
  for (let b = first; b < first + count; b++) {
    const xb = b * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        for (let fy = 0; fy < filterHeight; fy++) {
          const iy = oy * strideHeight - top + fy * dilationHeight;
          const rowInside = iy >= 0 && iy < inHeight;
          for (let fx = 0; fx < filterWidth; fx++) {
            const ix = ox * strideWidth - left + fx * dilationWidth;
            if (rowInside && ix >= 0 && ix < inWidth) {
              const dst = xb + (iy * inWidth + ix) * c;
              for (let ch = 0; ch < c; ch++) dx[dst + ch] += cols[o + ch];
            }
            o += c;
          }
        }
      }
    }
  }
}

/**
 * {@link im2col} for one input channel: each filter row's taps are read as
 * one run of the image row, with the bounds checks only at padded edges.
 */
function im2colSingleChannel(
  x: Float32Array,
  info: ConvInfo,
  first: number,
  count: number,
  cols: Float32Array,
): void {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const k = filterHeight * filterWidth;
  for (let b = first; b < first + count; b++) {
    const xb = b * inHeight * inWidth;
    const ob = (b - first) * outHeight * outWidth * k;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let fy = 0; fy < filterHeight; fy++) {
        const iy = oy * strideHeight - top + fy * dilationHeight;
        let o = ob + oy * outWidth * k + fy * filterWidth;
        if (iy < 0 || iy >= inHeight) {
          for (let ox = 0; ox < outWidth; ox++, o += k) {
            for (let fx = 0; fx < filterWidth; fx++) cols[o + fx] = 0;
          }
          continue;
        }
        const row = xb + iy * inWidth;
        // Three taps a filter row (3×3 filters, the common case): the outputs
        // whose taps all lie inside the row take three plain copies, 2× faster
        // than the general loop, and the others (padding) the general loop.
        const fast = filterWidth === 3 && dilationWidth === 1;
        const lo = fast ? Math.min(outWidth, Math.ceil(left / strideWidth)) : outWidth;
        const hi = fast
          ? Math.max(lo, Math.min(outWidth, Math.floor((inWidth - 3 + left) / strideWidth) + 1))
          : outWidth;
        for (let ox = 0; ox < outWidth; ox++, o += k) {
          if (ox === lo) {
            for (
              let src = row + lo * strideWidth - left;
              ox < hi;
              ox++, o += k, src += strideWidth
            ) {
              cols[o] = x[src];
              cols[o + 1] = x[src + 1];
              cols[o + 2] = x[src + 2];
            }
            if (ox === outWidth) break;
          }
          const ix0 = ox * strideWidth - left;
          if (ix0 >= 0 && ix0 + (filterWidth - 1) * dilationWidth < inWidth) {
            const src = row + ix0;
            for (let fx = 0; fx < filterWidth; fx++) cols[o + fx] = x[src + fx * dilationWidth];
          } else {
            for (let fx = 0; fx < filterWidth; fx++) {
              const ix = ix0 + fx * dilationWidth;
              cols[o + fx] = ix >= 0 && ix < inWidth ? x[row + ix] : 0;
            }
          }
        }
      }
    }
  }
}
