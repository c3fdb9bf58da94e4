/**
 * Internal: thresholded confusion counts (true/false positives/negatives)
 * shared by Precision, Recall and AUC, following Keras's
 * `update_confusion_matrix_variables`: a prediction counts as positive when
 * it is strictly above the threshold, a label when it is non-zero; labels and
 * predictions are flattened, sample weights broadcast to the predictions.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { alignRanks, toFloat } from "../losses/common.ts";
import { requirePredictions } from "./metric.ts";
import { readNow, readsDeferred } from "../engine/_reads.ts";

/** Confusion counts, one entry per threshold. */
export interface ConfusionCounts {
  /** True positives. */
  tp: Float64Array;
  /** False positives. */
  fp: Float64Array;
  /** True negatives. */
  tn: Float64Array;
  /** False negatives. */
  fn: Float64Array;
}

/** Zeroed counts for `n` thresholds. */
export function emptyCounts(n: number): ConfusionCounts {
  return {
    tp: new Float64Array(n),
    fp: new Float64Array(n),
    tn: new Float64Array(n),
    fn: new Float64Array(n),
  };
}

/** Keras's `divide_no_nan`: 0 where the divisor is 0. */
export function divideNoNan(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Options of {@linkcode readBinaryData}. */
export interface BinaryDataOptions {
  /** Only this column of the last axis counts. */
  classId?: number;
  /** Apply a sigmoid to the predictions first. */
  fromLogits?: boolean;
}

/**
 * Labels, predictions and weights of one batch, aligned to the predictions'
 * shape (inside the caller's `tf.tidy`).
 * @returns `[labels, predictions, weights]` (weights undefined when not given)
 */
function alignBinaryData(
  metric: string,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  sampleWeight: tf.Tensor | number | undefined,
  options: BinaryDataOptions,
): [tf.Tensor, tf.Tensor, tf.Tensor | undefined] {
  let [t, p] = alignRanks(toFloat(yTrue), toFloat(yPred));
  if (t.size !== p.size) {
    throw new RangeError(
      `Cannot update ${metric} as "yTrue" and "yPred" must have the same size: ` +
        `received shapes [${yTrue.shape}] and [${yPred.shape}]`,
    );
  }
  t = tf.reshape(t, p.shape);
  let w: tf.Tensor | undefined;
  if (sampleWeight !== undefined) {
    w = typeof sampleWeight === "number" ? tf.scalar(sampleWeight) : toFloat(sampleWeight);
    if (w.rank < p.rank && w.size > 1) {
      w = tf.reshape(w, [...w.shape, ...new Array(p.rank - w.rank).fill(1)]);
    }
    w = tf.broadcastTo(w, p.shape);
  }
  if (options.classId !== undefined) {
    const last = p.rank - 1;
    const begin = p.shape.map((_, i) => (i === last ? options.classId! : 0));
    const size = p.shape.map((d, i) => (i === last ? 1 : d));
    [t, p] = [tf.slice(t, begin, size), tf.slice(p, begin, size)];
    if (w !== undefined) w = tf.slice(w, begin, size);
  }
  if (options.fromLogits) p = tf.sigmoid(p);
  return [t, p, w];
}

/**
 * Reads labels, predictions and weights as flat arrays of equal length.
 * @returns `[labels, predictions, weights]` (weights undefined when not given)
 */
export function readBinaryData(
  metric: string,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  sampleWeight: tf.Tensor | number | undefined,
  options: BinaryDataOptions = {},
): [Float32Array, Float32Array, Float32Array | undefined] {
  let arrays: Float32Array[] = [];
  tf.tidy(() => {
    const [t, p, w] = alignBinaryData(metric, yTrue, yPred, sampleWeight, options);
    // read inside the scope: t, p or w may be the caller's own tensors
    arrays = (w === undefined ? [t, p] : [t, p, w]).map((x) =>
      Float32Array.from(readNow(x, `update ${metric}`))
    );
  });
  return [arrays[0], arrays[1], arrays[2]];
}

/**
 * The confusion counts of one batch computed on the device, for a backend
 * that reads asynchronously: a `[4, thresholds]` tensor of true positives,
 * false positives, true negatives and false negatives (sums of weights),
 * the same counts as {@link accumulateCounts} (NaN predictions skipped).
 */
export function deviceCounts(
  metric: string,
  thresholds: readonly number[],
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  sampleWeight: tf.Tensor | number | undefined,
  options: BinaryDataOptions = {},
): tf.Tensor2D {
  return tf.tidy(() => {
    const [t, p, w] = alignBinaryData(metric, yTrue, yPred, sampleWeight, options);
    const flatP = tf.reshape(p, [1, -1]);
    const flatT = tf.reshape(t, [1, -1]);
    let weight = tf.logicalNot(tf.isNaN(flatP)).toFloat();
    if (w !== undefined) weight = tf.mul(weight, tf.reshape(w, [1, -1]));
    const positive = tf.mul(weight, tf.notEqual(flatT, 0).toFloat());
    const negative = tf.sub(weight, positive);
    const bounds = tf.tensor2d(thresholds.map((v) => Math.fround(v)), [1, thresholds.length]);
    const above = tf.greater(tf.reshape(flatP, [-1, 1]), bounds).toFloat(); // [n, T]
    const tp = tf.matMul(positive, above);
    const fp = tf.matMul(negative, above);
    const fn = tf.sub(tf.sum(positive), tp);
    const tn = tf.sub(tf.sum(negative), fp);
    return tf.concat([tp, fp, tn, fn], 0) as tf.Tensor2D;
  });
}

/**
 * Adds counts read from the device ({@link deviceCounts}, summed) to the state.
 * @param counts the state
 * @param values `tp`, `fp`, `tn`, `fn`, one run of thresholds each
 */
export function mergeCounts(counts: ConfusionCounts, values: Float32Array): void {
  const n = counts.tp.length;
  [counts.tp, counts.fp, counts.tn, counts.fn].forEach((c, k) => {
    for (let i = 0; i < n; i++) c[i] += values[k * n + i];
  });
}

/**
 * One `updateState` of a confusion metric: checks that predictions were
 * given, reads the batch with {@linkcode readBinaryData} and adds its counts
 * at every threshold with {@linkcode accumulateCounts}; with `defer`, on a
 * backend that reads asynchronously, hands the batch's
 * {@linkcode deviceCounts} to it instead.
 */
export function updateConfusionCounts(
  metric: string,
  counts: ConfusionCounts,
  thresholds: readonly number[],
  yTrue: tf.Tensor | number,
  yPred: tf.Tensor | number | undefined,
  sampleWeight: tf.Tensor | number | undefined,
  options: BinaryDataOptions = {},
  defer?: (contribution: tf.Tensor) => void,
): void {
  requirePredictions(metric, yTrue, yPred);
  if (defer !== undefined && readsDeferred()) {
    const contribution = deviceCounts(
      metric,
      thresholds,
      yTrue as tf.Tensor,
      yPred,
      sampleWeight,
      options,
    );
    try {
      defer(contribution);
    } finally {
      contribution.dispose();
    }
    return;
  }
  const [labels, predictions, weights] = readBinaryData(
    metric,
    yTrue as tf.Tensor,
    yPred,
    sampleWeight,
    options,
  );
  accumulateCounts(counts, thresholds, labels, predictions, weights);
}

/**
 * Adds the confusion counts of one batch for every threshold, in
 * `O(n log T + T)`: each prediction is binned by how many thresholds lie
 * below it, then the bins are summed from the top.
 */
export function accumulateCounts(
  counts: ConfusionCounts,
  thresholds: readonly number[],
  labels: Float32Array,
  predictions: Float32Array,
  weights: Float32Array | undefined,
): void {
  const order = thresholds.map((_, i) => i).sort((a, b) => thresholds[a] - thresholds[b]);
  // compared in float32, as Keras's float32 thresholds are
  const sorted = order.map((i) => Math.fround(thresholds[i]));
  const positives = new Float64Array(sorted.length + 1);
  const negatives = new Float64Array(sorted.length + 1);
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i];
    if (Number.isNaN(p)) continue;
    const w = weights === undefined ? 1 : weights[i];
    const bin = countBelow(sorted, p);
    if (labels[i] !== 0) positives[bin] += w;
    else negatives[bin] += w;
  }
  let positivesAbove = 0;
  let negativesAbove = 0;
  const totalPositives = positives.reduce((a, b) => a + b, 0);
  const totalNegatives = negatives.reduce((a, b) => a + b, 0);
  for (let j = sorted.length - 1; j >= 0; j--) {
    positivesAbove += positives[j + 1];
    negativesAbove += negatives[j + 1];
    const k = order[j];
    counts.tp[k] += positivesAbove;
    counts.fn[k] += totalPositives - positivesAbove;
    counts.fp[k] += negativesAbove;
    counts.tn[k] += totalNegatives - negativesAbove;
  }
}

/** How many of the sorted thresholds are strictly below `p`. */
function countBelow(sorted: readonly number[], p: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Validates and normalises `thresholds` for Precision and Recall. */
export function parseThresholds(metric: string, thresholds: number | number[]): number[] {
  const list = Array.isArray(thresholds) ? thresholds : [thresholds];
  if (list.length === 0 || list.some((t) => typeof t !== "number" || !Number.isFinite(t))) {
    throw new RangeError(
      `Cannot build ${metric} as "thresholds" must be a number or a non-empty array of ` +
        `numbers: received ${JSON.stringify(thresholds)}`,
    );
  }
  return [...list];
}
