/**
 * Categorical hinge loss, Keras 3's `categorical_hinge` / `CategoricalHinge`:
 * `max(neg - pos + 1, 0)` with `pos = sum(yTrue yPred)` and
 * `neg = max((1 - yTrue) yPred)` along the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { assertSameShape, perSample, toFloat } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/**
 * Categorical hinge loss along the last axis, for one-hot targets.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * categoricalHinge(tf.tensor2d([[0, 1]]), tf.tensor2d([[0.6, 0.4]])).print(); // 0.6 - 0.4 + 1 = 1.2
 * ```
 * @param yTrue one-hot targets, shape `[batch, classes]`
 * @param yPred the scores, same shape
 * @returns the losses, shape `yPred.shape` without its last axis
 */
export function categoricalHinge(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  assertSameShape("categorical_hinge", yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = [toFloat(yTrue), toFloat(yPred)];
    const pos = tf.sum(tf.mul(t, p), -1);
    const neg = tf.max(tf.mul(tf.sub(1, t), p), -1);
    return tf.relu(tf.add(tf.sub(neg, pos), 1));
  });
}

/**
 * The categorical hinge loss.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * new CategoricalHinge().apply(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[0.6, 0.4], [0.4, 0.6]])).print(); // 1.4
 * ```
 */
export class CategoricalHinge extends Loss {
  /** The keys of its options object: `LossOptions`'. */
  static override optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param options `name` (default "categorical_hinge"), `reduction` (default "sum_over_batch_size")
   */
  constructor(options: LossOptions = {}) {
    super("categorical_hinge", options);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(categoricalHinge(yTrue, yPred)));
  }
}
