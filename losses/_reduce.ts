/**
 * Internal: Keras's `reduce_weighted_values` for kerno's per-sample losses.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { toFloat } from "./common.ts";
import type { LossReduction } from "./loss.ts";

/** The reductions a {@linkcode Loss} accepts. */
export const LOSS_REDUCTIONS: readonly LossReduction[] = [
  "sum_over_batch_size",
  "mean",
  "sum",
  "mean_with_sample_weight",
];

/**
 * Flattens the sample weights and checks they fit the losses: one weight per
 * loss value, or a single weight for all.
 */
export function weightsFor(lossName: string, size: number, sampleWeight: tf.Tensor): tf.Tensor {
  const w = tf.reshape(toFloat(sampleWeight), [-1]);
  if (w.size !== size && w.size !== 1 && size !== 1) {
    throw new RangeError(
      `Cannot compute ${lossName} as "sampleWeight" must hold one weight per sample ` +
        `(${size}) or a single weight: received shape [${sampleWeight.shape}]`,
    );
  }
  return w;
}

/**
 * Weights and reduces losses to a scalar. `sum_over_batch_size` and `mean`
 * divide the weighted sum by the number of loss values, `sum` does not divide,
 * `mean_with_sample_weight` divides by the sum of the weights. A zero divisor
 * gives 0 (Keras's `divide_no_nan`).
 */
export function reduceWeighted(
  lossName: string,
  values: tf.Tensor,
  sampleWeight: tf.Tensor | undefined,
  reduction: LossReduction,
): tf.Scalar {
  let v = tf.reshape(toFloat(values), [-1]);
  let w: tf.Tensor | undefined;
  if (sampleWeight !== undefined) {
    w = weightsFor(lossName, v.size, sampleWeight);
    v = tf.mul(v, w);
  }
  const total: tf.Scalar = tf.sum(v);
  if (reduction === "sum") return total;
  if (reduction !== "mean_with_sample_weight" || w === undefined) {
    // The divisor is the number of values, known here: no tensor division guard needed.
    return v.size === 0 ? tf.zerosLike(total) : tf.div(total, v.size);
  }
  return safeDivide(total, tf.sum(tf.mul(w, tf.onesLike(v))));
}

/**
 * `total / divisor`, or 0 where the divisor is 0 (Keras's `divide_no_nan`).
 * tf.divNoNan is not used because its gradient is undefined in TensorFlow.js
 * (it compares a tensor derived from `total` with zero); here the comparison
 * only touches the divisor, which never depends on the predictions.
 */
export function safeDivide(total: tf.Scalar, divisor: tf.Tensor): tf.Scalar {
  const isZero = tf.equal(divisor, 0);
  const safe = tf.where(isZero, tf.onesLike(divisor), divisor);
  return tf.where(isZero, tf.zerosLike(total), tf.div(total, safe)) as tf.Scalar;
}
