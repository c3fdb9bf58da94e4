/**
 * GatherV2 (embedding lookups, `tf.gather`) and UnsortedSegmentSum (its
 * gradient: summing rows of `dy` into the looked-up rows) as row copies and
 * row additions.
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
  sizeOf,
} from "./_util.ts";

function int32Values(
  backend: ReturnType<typeof cpuBackend>,
  t: tf.TensorInfo,
): Int32Array | null {
  if (t.dtype !== "int32" || !backend.data.has(t.dataId)) return null;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Int32Array ? values : null;
}

/**
 * The GatherV2 kernel for float32 tensors and `batchDims = 0`, along any
 * axis: copies the selected slices. Out-of-range indices go to the `cpu`
 * kernel, which reports them.
 *
 * @param args Inputs `{x, indices}`, attrs `{axis, batchDims}`.
 * @returns `x` with axis `axis` replaced by the indices' shape.
 */
export function gatherV2Kernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const indices = need(args, "indices");
  const { axis, batchDims } = args.attrs as { axis: number; batchDims?: number };
  const xv = f32(backend, x);
  const iv = int32Values(backend, indices);
  if (xv === null || iv === null || (batchDims ?? 0) !== 0 || x.shape.length === 0) {
    return fallback(tf.GatherV2, args);
  }
  const ax = tf.util.parseAxisParam(axis, x.shape)[0];
  const outer = sizeOf(x.shape.slice(0, ax));
  const dim = x.shape[ax];
  const inner = sizeOf(x.shape.slice(ax + 1));
  for (let i = 0; i < iv.length; i++) {
    if (iv[i] < 0 || iv[i] >= dim) return fallback(tf.GatherV2, args);
  }
  const n = iv.length;
  const out = allocate(outer * n * inner);
  for (let o = 0; o < outer; o++) {
    let i = 0;
    // Four rows at a time, so that their reads (scattered through a large
    // table, mostly cache misses) are in flight together: 1.3-2× faster
    // than a row at a time for the embedding lookups' rows of 64.
    if (inner < 1024) {
      for (; i + 4 <= n; i += 4) {
        const s0 = (o * dim + iv[i]) * inner, s1 = (o * dim + iv[i + 1]) * inner;
        const s2 = (o * dim + iv[i + 2]) * inner, s3 = (o * dim + iv[i + 3]) * inner;
        const d = (o * n + i) * inner;
        for (let j = 0; j < inner; j++) {
          out[d + j] = xv[s0 + j];
          out[d + inner + j] = xv[s1 + j];
          out[d + 2 * inner + j] = xv[s2 + j];
          out[d + 3 * inner + j] = xv[s3 + j];
        }
      }
    }
    for (; i < n; i++) {
      const src = (o * dim + iv[i]) * inner;
      const dst = (o * n + i) * inner;
      if (inner < 16) { for (let j = 0; j < inner; j++) out[dst + j] = xv[src + j]; }
      else out.set(xv.subarray(src, src + inner), dst);
    }
  }
  const outShape = [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)];
  return output(backend, outShape, out);
}

/**
 * The UnsortedSegmentSum kernel for float32 data: row `r` of `x` (the part
 * after the segment ids' dimensions) is added to output row `segmentIds[r]`;
 * ids outside `[0, numSegments)` are dropped, as in TensorFlow.
 *
 * @param args Inputs `{x, segmentIds}`, attrs `{numSegments}`.
 * @returns `[numSegments, ...x.shape after the ids' dimensions]`.
 */
export function unsortedSegmentSumKernel(args: KernelArgs): KernelResult {
  const backend = cpuBackend(args);
  const x = need(args, "x");
  const segmentIds = need(args, "segmentIds");
  const { numSegments } = args.attrs as { numSegments: number };
  const xv = f32(backend, x);
  const ids = int32Values(backend, segmentIds);
  const idRank = segmentIds.shape.length;
  const prefixMatches = segmentIds.shape.every((d, i) => x.shape[i] === d);
  if (xv === null || ids === null || idRank > x.shape.length || !prefixMatches) {
    return fallback(tf.UnsortedSegmentSum, args);
  }
  const innerShape = x.shape.slice(idRank);
  const inner = sizeOf(innerShape);
  const out = allocateZeroed(numSegments * inner);
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r];
    if (id < 0 || id >= numSegments) continue;
    const src = r * inner;
    const dst = id * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += xv[src + j];
  }
  return output(backend, [numSegments, ...innerShape], out);
}
