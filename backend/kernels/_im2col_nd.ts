/**
 * im2col / col2im for 1-, 2- and 3-D convolutions, channels last, with
 * dilations, explicit padding and a channel block (one group of a grouped
 * convolution). Every rank is handled as 3-D (`[depth, rows, cols]`, 1-D
 * and 2-D with leading sizes of 1). Row `r` of the column matrix is output
 * position `r` of the convolution; its columns are the taps (depth, row,
 * column) times the block's channels, the layout of a kernel `[...taps,
 * channels, filters]` seen as a `[taps·channels, filters]` matrix.
 *
 * @module
 */

/** A convolution's geometry, as 3-D. */
export interface NdGeometry {
  /** Images. */
  batch: number;
  /** Input `[depth, rows, cols]`. */
  inSize: [number, number, number];
  /** Output `[depth, rows, cols]`. */
  outSize: [number, number, number];
  /** Taps `[depth, rows, cols]`. */
  kernel: [number, number, number];
  /** Steps. */
  strides: [number, number, number];
  /** Tap spacing. */
  dilations: [number, number, number];
  /** Zeros before the input. */
  padBefore: [number, number, number];
}

/**
 * A geometry from per-axis lists of rank 1, 2 or 3 (leading axes of size 1).
 *
 * @param batch Images.
 * @param inSize Input sizes.
 * @param outSize Output sizes.
 * @param kernel Taps.
 * @param strides Steps.
 * @param dilations Tap spacing.
 * @param padBefore Zeros before the input.
 * @returns The 3-D geometry.
 */
export function ndGeometry(
  batch: number,
  inSize: number[],
  outSize: number[],
  kernel: number[],
  strides: number[],
  dilations: number[],
  padBefore: number[],
): NdGeometry {
  const three = (a: number[], fill: number) =>
    [...new Array(3 - a.length).fill(fill), ...a] as [number, number, number];
  return {
    batch,
    inSize: three(inSize, 1),
    outSize: three(outSize, 1),
    kernel: three(kernel, 1),
    strides: three(strides, 1),
    dilations: three(dilations, 1),
    padBefore: three(padBefore, 0),
  };
}

/**
 * Output positions per image.
 *
 * @param g The geometry.
 * @returns `outDepth · outRows · outCols`.
 */
export function outPixels(g: NdGeometry): number {
  return g.outSize[0] * g.outSize[1] * g.outSize[2];
}

/**
 * Taps per kernel.
 *
 * @param g The geometry.
 * @returns `kDepth · kRows · kCols`.
 */
export function taps(g: NdGeometry): number {
  return g.kernel[0] * g.kernel[1] * g.kernel[2];
}

/** Floats per column chunk (about 16 MB). */
const CHUNK_FLOATS = 1 << 22;

/**
 * How many images to unfold at once for a column matrix of `width` columns.
 *
 * @param g The geometry.
 * @param width Columns of the matrix.
 * @returns At least 1.
 */
export function imagesPerChunk(g: NdGeometry, width: number): number {
  const perImage = outPixels(g) * width;
  return Math.max(1, Math.min(g.batch, Math.floor(CHUNK_FLOATS / Math.max(1, perImage))));
}

/**
 * Per output position along one axis, the input index each tap reads (−1 in
 * the padding): `table[o · k + t]`.
 */
function axisTable(
  out: number,
  stride: number,
  pad: number,
  dilation: number,
  k: number,
  size: number,
): Int32Array {
  const table = new Int32Array(out * k);
  for (let o = 0; o < out; o++) {
    for (let t = 0; t < k; t++) {
      const i = o * stride - pad + t * dilation;
      table[o * k + t] = i >= 0 && i < size ? i : -1;
    }
  }
  return table;
}

/** The three axes' tap tables of a geometry. */
function tables(g: NdGeometry): [Int32Array, Int32Array, Int32Array] {
  return [0, 1, 2].map((a) =>
    axisTable(g.outSize[a], g.strides[a], g.padBefore[a], g.dilations[a], g.kernel[a], g.inSize[a])
  ) as [Int32Array, Int32Array, Int32Array];
}

/**
 * Unfolds images `[first, first + count)` of `x` (`[batch, ...inSize,
 * channels]`), channels `[offset, offset + width)`, into `cols`
 * (`[count · outPixels, taps · width]`); padding reads as zero.
 *
 * @param x The input values.
 * @param g The geometry.
 * @param channels The input's channels.
 * @param offset The block's first channel.
 * @param width The block's channels.
 * @param first The first image.
 * @param count How many images.
 * @param cols The column matrix to fill.
 */
export function im2colNd(
  x: Float32Array,
  g: NdGeometry,
  channels: number,
  offset: number,
  width: number,
  first: number,
  count: number,
  cols: Float32Array,
): void {
  const [inD, inH, inW] = g.inSize;
  const [outD, outH, outW] = g.outSize;
  const [kD, kH, kW] = g.kernel;
  const [td, th, tw] = tables(g);
  const image = inD * inH * inW * channels;
  // Whole channels and undilated columns: a row's taps are one contiguous run.
  const run = width === channels && g.dilations[2] === 1 ? kW * width : 0;
  let o = 0;
  for (let b = first; b < first + count; b++) {
    const xb = b * image + offset;
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          for (let a = 0; a < kD; a++) {
            const d = td[od * kD + a];
            for (let r = 0; r < kH; r++) {
              const h = th[oh * kH + r];
              const row = d < 0 || h < 0 ? -1 : xb + (d * inH + h) * inW * channels;
              const w0 = tw[ow * kW];
              if (run > 0 && row >= 0 && w0 >= 0 && tw[ow * kW + kW - 1] >= 0) {
                // The row's taps are adjacent pixels: one run of kW · channels values.
                const src = row + w0 * channels;
                for (let i = 0; i < run; i++) cols[o + i] = x[src + i];
                o += run;
                continue;
              }
              for (let c = 0; c < kW; c++) {
                const w = tw[ow * kW + c];
                if (row < 0 || w < 0) {
                  for (let ch = 0; ch < width; ch++) cols[o + ch] = 0;
                } else {
                  const src = row + w * channels;
                  for (let ch = 0; ch < width; ch++) cols[o + ch] = x[src + ch];
                }
                o += width;
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Folds a column matrix back (the adjoint of {@link im2colNd}): adds each
 * row's taps into `dx` at the input positions they read.
 *
 * @param cols `[count · outPixels, taps · width]`.
 * @param g The geometry.
 * @param channels The input's channels.
 * @param offset The block's first channel.
 * @param width The block's channels.
 * @param first The first image.
 * @param count How many images.
 * @param dx `[batch, ...inSize, channels]`, added into.
 */
export function col2imNd(
  cols: Float32Array,
  g: NdGeometry,
  channels: number,
  offset: number,
  width: number,
  first: number,
  count: number,
  dx: Float32Array,
): void {
  const [inD, inH, inW] = g.inSize;
  const [outD, outH, outW] = g.outSize;
  const [kD, kH, kW] = g.kernel;
  const [td, th, tw] = tables(g);
  const image = inD * inH * inW * channels;
  // Whole channels and undilated columns: a row's taps are one contiguous run.
  const run = width === channels && g.dilations[2] === 1 ? kW * width : 0;
  let o = 0;
  for (let b = first; b < first + count; b++) {
    const xb = b * image + offset;
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          for (let a = 0; a < kD; a++) {
            const d = td[od * kD + a];
            for (let r = 0; r < kH; r++) {
              const h = th[oh * kH + r];
              if (d < 0 || h < 0) {
                o += kW * width;
                continue;
              }
              const row = xb + (d * inH + h) * inW * channels;
              const w0 = tw[ow * kW];
              if (run > 0 && w0 >= 0 && tw[ow * kW + kW - 1] >= 0) {
                const dst = row + w0 * channels;
                for (let i = 0; i < run; i++) dx[dst + i] += cols[o + i];
                o += run;
                continue;
              }
              for (let c = 0; c < kW; c++) {
                const w = tw[ow * kW + c];
                if (w >= 0) {
                  const dst = row + w * channels;
                  for (let ch = 0; ch < width; ch++) dx[dst + ch] += cols[o + ch];
                }
                o += width;
              }
            }
          }
        }
      }
    }
  }
}
