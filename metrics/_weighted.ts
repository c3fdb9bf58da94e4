/**
 * Internal: Keras's `reduce_to_samplewise_values` followed by the weighted
 * total and count that `Mean` and `Sum` accumulate, read back as numbers.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { alignRanks } from "../losses/common.ts";
import { readNow } from "../engine/_reads.ts";

function asTensor(x: tf.Tensor | number): tf.Tensor {
  return typeof x === "number" ? tf.scalar(x) : tf.cast(x, "float32");
}

function reduceFrom(x: tf.Tensor, firstAxis: number, how: "mean" | "sum"): tf.Tensor {
  if (x.rank <= firstAxis) return x;
  const axes = Array.from({ length: x.rank - firstAxis }, (_, i) => i + firstAxis);
  return how === "mean" ? tf.mean(x, axes) : tf.sum(x, axes);
}

/**
 * Reduces values to one per sample (mean or sum over the non-batch axes),
 * weights them, and returns `[weightedTotal, count]` where count is the
 * number of samples or the sum of their weights.
 * @param values the values; a number counts as one sample
 * @param sampleWeight a weight per sample, or a single weight
 * @param how how the non-batch axes are reduced
 * @returns the weighted total and the count
 */
export function weightedTotals(
  values: tf.Tensor | number,
  sampleWeight: tf.Tensor | number | undefined,
  how: "mean" | "sum",
): [number, number] {
  if (
    typeof values === "number" && (sampleWeight === undefined || typeof sampleWeight === "number")
  ) {
    // Plain numbers (the trainer's loss tracker): no tensors, no kernels.
    const w = sampleWeight ?? 1;
    return [values * w, w];
  }
  const out = weightedTotalsTensor(values, sampleWeight, how);
  const [total, count] = readNow(out, "update a mean metric");
  out.dispose();
  return [total, count];
}

/**
 * {@link weightedTotals} left on the device: a tensor `[weightedTotal, count]`
 * (for a backend that reads asynchronously).
 * @param values the values; a number counts as one sample
 * @param sampleWeight a weight per sample, or a single weight
 * @param how how the non-batch axes are reduced
 * @returns a float32 tensor of two values
 */
export function weightedTotalsTensor(
  values: tf.Tensor | number,
  sampleWeight: tf.Tensor | number | undefined,
  how: "mean" | "sum",
): tf.Tensor1D {
  return tf.tidy(() => {
    let v = asTensor(values);
    let count: tf.Tensor;
    if (sampleWeight === undefined) {
      count = tf.scalar(v.rank === 0 ? 1 : v.shape[0]);
    } else {
      let w = asTensor(sampleWeight);
      [v, w] = alignRanks(v, w);
      v = reduceFrom(v, w.rank, how);
      w = tf.broadcastTo(w, v.shape);
      v = tf.mul(v, w);
      count = tf.sum(reduceFrom(w, 1, how));
    }
    return tf.stack([tf.sum(reduceFrom(v, 1, how)), tf.cast(count, "float32")]) as tf.Tensor1D;
  });
}
