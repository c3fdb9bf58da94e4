/**
 * `splitDataset`: Keras's `keras.utils.split_dataset`, a dataset (or
 * arrays) cut into a left and a right part.
 *
 * @module
 */
import { Dataset } from "../engine/dataset.ts";
import { checkOptions } from "../engine/options.ts";
import { tf } from "../engine/tf.ts";
import { boolean, integer, reject, show } from "../engine/validate.ts";
import { drawSeed, pythonShuffle } from "./_seeded_shuffle.ts";

/** The options of {@linkcode splitDataset}. */
export interface SplitDatasetOptions {
  /**
   * The left part's size: a fraction in `(0, 1)` or a count (a positive
   * integer below the number of samples).
   * @default the complement of `rightSize`
   */
  leftSize?: number;
  /**
   * The right part's size, as `leftSize`.
   * @default the complement of `leftSize`
   */
  rightSize?: number;
  /**
   * Whether to shuffle the samples before splitting (with `seed`, in
   * Python's `random.shuffle` order, as Keras).
   * @default false
   */
  shuffle?: boolean;
  /**
   * The shuffle's seed, a non-negative integer.
   * @default drawn at random
   */
  seed?: number;
}

/** A typed array holding one value per sample (an array of `[x, y]` given to {@linkcode splitDataset}). */
export type SampleArray = Float32Array | Int32Array | Uint8Array;

/** A tensor's values on the host, rebuilt into a fresh tensor on every pass. */
class HostTensor {
  constructor(
    readonly values: tf.TypedArray | string[],
    readonly shape: number[],
    readonly dtype: tf.DataType,
  ) {}

  static of(t: tf.Tensor): HostTensor {
    const v = t.dataSync() as tf.TypedArray | (string | Uint8Array)[];
    const values = t.dtype === "string"
      ? (v as (string | Uint8Array)[]).map((s) =>
        typeof s === "string" ? s : new TextDecoder().decode(s)
      )
      : (v as tf.TypedArray).slice();
    return new HostTensor(values, [...t.shape], t.dtype);
  }

  tensor(): tf.Tensor {
    return tf.tensor(this.values, this.shape, this.dtype);
  }
}

const WHAT = "split a dataset with splitDataset";
const KEYS = ["leftSize", "rightSize", "shuffle", "seed"] as const;

/**
 * Splits samples into a left and a right dataset, as Keras's
 * `split_dataset`: the samples are read (a dataset is iterated once and
 * its elements kept on the host), shuffled if asked, then the first
 * `leftSize` go left and the last `rightSize` right. Sizes are fractions
 * in `(0, 1)` (rounded half to even, as Python's `round`) or counts;
 * either may be left out for the complement of the other. Both parts are
 * unbatched datasets of the samples: split a dataset before batching it
 * (kerno cannot tell a batched dataset's batch size, so a batched one is
 * split by batches), then batch each part.
 *
 * Arrays are given as one tensor (or nested/typed array), with samples
 * along the first axis, or as an array of tensors or typed arrays
 * (`[x, y]`) with as many samples each — elements are then tuples.
 *
 * @example
 * ```ts
 * import { tf } from "../mod.ts";
 * import { splitDataset } from "./split_dataset.ts";
 * const [left, right] = await splitDataset(tf.range(0, 10), { leftSize: 0.8 });
 * for (const x of right) x.print(); // 8, then 9
 * ```
 * @param dataset A dataset, one array, or an array of arrays.
 * @param options See {@linkcode SplitDatasetOptions}.
 * @returns `[left, right]`.
 * @throws RangeError for sizes out of range or adding up to more than the samples.
 */
export function splitDataset<T>(
  dataset: Dataset<T>,
  options: SplitDatasetOptions,
): Promise<[Dataset<T>, Dataset<T>]>;
/**
 * Splits arrays given as `[x, y, …]` (tensors or typed arrays): elements are tuples.
 *
 * @param dataset The arrays, with as many samples each.
 * @param options See {@linkcode SplitDatasetOptions}.
 * @returns `[left, right]`.
 */
export function splitDataset(
  dataset: readonly (tf.Tensor | SampleArray)[],
  options: SplitDatasetOptions,
): Promise<[Dataset<tf.Tensor[]>, Dataset<tf.Tensor[]>]>;
/**
 * Splits one array (samples along its first axis): elements are tensors.
 *
 * @param dataset The array.
 * @param options See {@linkcode SplitDatasetOptions}.
 * @returns `[left, right]`.
 */
export function splitDataset(
  dataset: tf.Tensor | tf.TensorLike,
  options: SplitDatasetOptions,
): Promise<[Dataset<tf.Tensor>, Dataset<tf.Tensor>]>;
export async function splitDataset(
  dataset: Dataset<unknown> | tf.Tensor | tf.TensorLike | readonly (tf.Tensor | SampleArray)[],
  options: SplitDatasetOptions,
): Promise<[Dataset<unknown>, Dataset<unknown>]> {
  const o = checkOptions(WHAT, options, KEYS);
  if (o.leftSize === undefined && o.rightSize === undefined) {
    throw new TypeError(
      `Cannot ${WHAT} as "leftSize" or "rightSize" must be given: received neither; pass e.g. leftSize: 0.8`,
    );
  }
  const shuffle = boolean(WHAT, "shuffle", o.shuffle, false);
  if (o.seed !== undefined) integer(WHAT, "seed", o.seed, 0);
  const samples = dataset instanceof Dataset ? await hostElements(dataset) : arraySamples(dataset);
  if (shuffle) pythonShuffle(samples, o.seed ?? drawSeed());
  const [left, right] = splitSizes(o.leftSize, o.rightSize, samples.length);
  return [fromHost(samples.slice(0, left)), fromHost(samples.slice(samples.length - right))];
}

/** Keras's `_rescale_dataset_split_sizes`: counts from fractions or counts. */
function splitSizes(l: number | undefined, r: number | undefined, total: number): [number, number] {
  const check = (arg: string, v: number | undefined) => {
    if (v === undefined) return;
    if (typeof v !== "number" || Number.isNaN(v)) {
      reject(WHAT, arg, v, "a fraction in (0, 1) or a count of samples");
    }
    const ok = Number.isInteger(v) ? v > 0 && v < total : v > 0 && v < 1;
    if (!ok) {
      reject(
        WHAT,
        arg,
        v,
        `a fraction in (0, 1) or a positive integer below the number of samples (${total})`,
        RangeError,
      );
    }
  };
  check("leftSize", l);
  check("rightSize", r);
  const isFraction = (v: number | undefined) => v !== undefined && !Number.isInteger(v);
  if (isFraction(l) && isFraction(r) && l! + r! > 1) {
    throw new RangeError(
      `Cannot ${WHAT} as "leftSize" + "rightSize" must be at most 1: received ${l} + ${r}`,
    );
  }
  const count = (v: number) => Number.isInteger(v) ? v : roundHalfEven(v * total);
  const left = l === undefined ? total - count(r!) : count(l);
  const right = r === undefined ? total - count(l!) : count(r);
  if (left + right > total) {
    throw new RangeError(
      `Cannot ${WHAT} as "leftSize" and "rightSize" must add up to at most the ${total} samples: received ${
        show(l)
      } and ${show(r)} (${left} + ${right} samples)`,
    );
  }
  if (left === 0 || right === 0) {
    throw new RangeError(
      `Cannot ${WHAT} as the ${
        left === 0 ? "left" : "right"
      } part would be empty: received leftSize ${show(l)} and rightSize ${
        show(r)
      } for ${total} samples`,
    );
  }
  return [left, right];
}

/** Python's `round`: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Every element of a dataset, with tensors copied to the host. */
async function hostElements(dataset: Dataset<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const element of dataset) out.push(toHost(element));
  return out;
}

function toHost(v: unknown): unknown {
  if (v instanceof tf.Tensor) return HostTensor.of(v);
  if (ArrayBuffer.isView(v)) return (v as tf.TypedArray).slice();
  if (Array.isArray(v)) return v.map(toHost);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toHost(x)]));
  }
  return v;
}

function fromHostValue(v: unknown): unknown {
  if (v instanceof HostTensor) return v.tensor();
  if (ArrayBuffer.isView(v)) return (v as tf.TypedArray).slice();
  if (Array.isArray(v)) return v.map(fromHostValue);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromHostValue(x)]));
  }
  return v;
}

function fromHost(samples: unknown[]): Dataset<unknown> {
  return Dataset.fromGenerator(function* () {
    for (const s of samples) yield fromHostValue(s);
  });
}

/** The samples of one array or of an array of arrays, as host elements. */
function arraySamples(
  data: tf.Tensor | tf.TensorLike | readonly (tf.Tensor | SampleArray)[],
): unknown[] {
  const isTuple = Array.isArray(data) && data.length > 0 &&
    data.every((a) => a instanceof tf.Tensor || ArrayBuffer.isView(a));
  const parts = isTuple
    ? (data as (tf.Tensor | SampleArray)[])
    : [data as tf.Tensor | tf.TensorLike];
  const rows = parts.map((p, i) => sampleRows(isTuple ? `dataset[${i}]` : "dataset", p));
  const n = rows[0].length;
  rows.forEach((r, i) => {
    if (r.length !== n) {
      throw new RangeError(
        `Cannot ${WHAT} as every array must hold as many samples: dataset[0] has ${n}, dataset[${i}] has ${r.length}`,
      );
    }
  });
  return Array.from({ length: n }, (_, k) => isTuple ? rows.map((r) => r[k]) : rows[0][k]);
}

/** One array's samples along its first axis. */
function sampleRows(arg: string, data: tf.Tensor | tf.TensorLike): HostTensor[] {
  let t: tf.Tensor;
  try {
    t = data instanceof tf.Tensor ? data : tf.tensor(data as tf.TensorLike);
  } catch (e) {
    reject(WHAT, arg, data, `a Dataset, a tensor or an array of samples (${(e as Error).message})`);
  }
  const whole = HostTensor.of(t);
  if (t !== data) t.dispose();
  if (whole.shape.length === 0) reject(WHAT, arg, data, "samples along a first axis, not a scalar");
  const [n, ...row] = whole.shape;
  const k = row.reduce((a, b) => a * b, 1);
  return Array.from(
    { length: n },
    (_, i) =>
      new HostTensor(whole.values.slice(i * k, (i + 1) * k) as tf.TypedArray, row, whole.dtype),
  );
}
