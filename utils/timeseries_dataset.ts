/**
 * `timeseriesDatasetFromArray`: Keras's
 * `keras.utils.timeseries_dataset_from_array`, sliding windows over a
 * series as a {@linkcode Dataset}.
 *
 * @module
 */
import { Dataset } from "../engine/dataset.ts";
import { checkOptions } from "../engine/options.ts";
import { tf } from "../engine/tf.ts";
import { boolean, integer, positiveInt, reject } from "../engine/validate.ts";
import { drawSeed, numpyShuffle } from "./_seeded_shuffle.ts";

/** A series: a tensor, a (nested) array or a typed array, time along the first axis. */
export type SeriesLike = tf.Tensor | tf.TensorLike;

/** The options of {@linkcode timeseriesDatasetFromArray}, Keras's in camelCase. */
export interface TimeseriesDatasetOptions {
  /**
   * Steps between the starts of successive windows.
   * @default 1
   */
  sequenceStride?: number;
  /**
   * Steps between successive entries of a window.
   * @default 1
   */
  samplingRate?: number;
  /**
   * Windows per batch; `null` for single windows.
   * @default 128
   */
  batchSize?: number | null;
  /**
   * Whether to shuffle the windows: their starts once with `seed` (as
   * Keras), then a buffer of `8 · batchSize` (1024 unbatched) every epoch.
   * @default false
   */
  shuffle?: boolean;
  /**
   * Seed for the shuffles, an integer in `[0, 2^32)`.
   * @default drawn at random
   */
  seed?: number;
  /**
   * First step used (windows start at or after it).
   * @default 0
   */
  startIndex?: number;
  /**
   * End of the steps used (exclusive; windows end before it).
   * @default the series' length
   */
  endIndex?: number;
}

const KEYS = [
  "sequenceStride",
  "samplingRate",
  "batchSize",
  "shuffle",
  "seed",
  "startIndex",
  "endIndex",
] as const;

const WHAT = "make windows with timeseriesDatasetFromArray";

/** A series on the host: steps of `rowSize` values each. */
interface HostSeries {
  values: Float32Array | Int32Array;
  rowShape: number[];
  rowSize: number;
  length: number;
  dtype: "float32" | "int32";
}

/**
 * Sliding windows over a series, as Keras's
 * `timeseries_dataset_from_array`: window `k` holds the steps
 * `s, s + r, …, s + (sequenceLength − 1)·r` where `s = startIndex + k ·
 * sequenceStride` and `r = samplingRate`, and its target is
 * `targets[s]` — the target of the window that starts at step `s`. There
 * are `⌈n / sequenceStride⌉` windows with `n = min(endIndex − startIndex −
 * (sequenceLength − 1)·r, targets.length)`. Elements are `[windows,
 * targets]` batches of shape `[batch, sequenceLength, ...features]` and
 * `[batch, ...targetShape]` (windows alone when `targets` is `null`), in
 * the series' dtype (float32, or int32 for int32 data).
 *
 * @example
 * ```ts
 * import { timeseriesDatasetFromArray } from "./timeseries_dataset.ts";
 * const data = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
 * // Predict step i + 3 from steps i, i + 1, i + 2: targets are the data shifted by 3.
 * const ds = timeseriesDatasetFromArray(data.slice(0, -3), data.slice(3), 3, { batchSize: 2 });
 * for (const [x, y] of ds) console.log(x.arraySync(), y.arraySync());
 * // [[0, 1, 2], [1, 2, 3]] [3, 4], then [[2, 3, 4], [3, 4, 5]] [5, 6], then [[4, 5, 6]] [7]
 * ```
 * @param data The series, time along the first axis.
 * @param targets One target per step (`targets[i]` for the window starting at `i`), or `null`.
 * @param sequenceLength Steps per window.
 * @param options See {@linkcode TimeseriesDatasetOptions}.
 * @returns The dataset (synchronous: `for … of` works).
 * @throws RangeError for indices, strides or rates out of range (named, with the value).
 */
export function timeseriesDatasetFromArray(
  data: SeriesLike,
  targets: SeriesLike | null,
  sequenceLength: number,
  options: TimeseriesDatasetOptions = {},
): Dataset<[tf.Tensor, tf.Tensor]> {
  options = checkOptions(WHAT, options, KEYS);
  const series = hostSeries("data", data);
  const goal = targets === null || targets === undefined ? null : hostSeries("targets", targets);
  positiveInt(WHAT, "sequenceLength", sequenceLength);
  const n = series.length;
  const stride = positiveInt(WHAT, "sequenceStride", options.sequenceStride ?? 1);
  const rate = positiveInt(WHAT, "samplingRate", options.samplingRate ?? 1);
  const below = (arg: string, v: number) => {
    if (v >= n) reject(WHAT, arg, v, `below the length of the data (${n})`, RangeError);
  };
  below("sequenceStride", stride);
  below("samplingRate", rate);
  const start = integer(WHAT, "startIndex", options.startIndex ?? 0, 0);
  below("startIndex", start);
  const end = options.endIndex === undefined ? n : integer(WHAT, "endIndex", options.endIndex, 1);
  below("endIndex", options.endIndex === undefined ? 0 : end);
  if (end <= start) reject(WHAT, "endIndex", end, `above startIndex (${start})`, RangeError);
  const batchSize = options.batchSize === null
    ? null
    : positiveInt(WHAT, "batchSize", options.batchSize ?? 128);
  const shuffle = boolean(WHAT, "shuffle", options.shuffle, false);
  if (options.seed !== undefined) integer(WHAT, "seed", options.seed, 0);
  const seed = options.seed ?? drawSeed();

  let count = end - start - (sequenceLength - 1) * rate;
  if (goal !== null) count = Math.min(count, goal.length - start);
  const starts: number[] = [];
  for (let s = 0; s < count; s += stride) starts.push(start + s);
  if (shuffle) numpyShuffle(starts, seed);

  let ds = Dataset.fromGenerator(function* () {
    for (const s of starts) {
      const window = windowAt(series, s, sequenceLength, rate);
      yield goal === null ? window : [window, windowAt(goal, s, 1, 1, true)];
    }
  });
  if (shuffle) ds = ds.shuffle(batchSize === null ? 1024 : batchSize * 8, { seed });
  const out = batchSize === null ? ds : ds.batch(batchSize);
  return out as unknown as Dataset<[tf.Tensor, tf.Tensor]>;
}

/** A series' values on the host (a tensor is read, not kept). */
function hostSeries(arg: string, data: SeriesLike): HostSeries {
  let t: tf.Tensor;
  try {
    t = data instanceof tf.Tensor ? data : tf.tensor(data as tf.TensorLike);
  } catch (e) {
    reject(WHAT, arg, data, `a tensor or an array of numbers (${(e as Error).message})`);
  }
  if (t.rank === 0) {
    if (t !== data) t.dispose();
    reject(WHAT, arg, data, "a series with time along the first axis, not a scalar");
  }
  const dtype = t.dtype === "int32" ? "int32" : "float32";
  const values = dtype === "int32"
    ? Int32Array.from(t.dataSync())
    : Float32Array.from(t.dataSync());
  const [length, ...rowShape] = t.shape;
  if (t !== data) t.dispose();
  return { values, rowShape, rowSize: rowShape.reduce((a, b) => a * b, 1), length, dtype };
}

/** Steps `s, s + rate, …` (`steps` of them) as a tensor `[steps, ...row]` (`[...row]` for `single`). */
function windowAt(
  series: HostSeries,
  s: number,
  steps: number,
  rate: number,
  single = false,
): tf.Tensor {
  const k = series.rowSize;
  const out = series.dtype === "int32" ? new Int32Array(steps * k) : new Float32Array(steps * k);
  for (let i = 0; i < steps; i++) {
    const from = (s + i * rate) * k;
    out.set(series.values.subarray(from, from + k), i * k);
  }
  const shape = single ? series.rowShape : [steps, ...series.rowShape];
  return tf.tensor(out, shape, series.dtype);
}
