/**
 * Squared hinge loss, Keras 3's `squared_hinge` / `SquaredHinge`:
 * `max(1 - yTrue yPred, 0)^2`, averaged over the last axis; targets that are
 * all 0 or 1 are first mapped to -1 and 1.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { meanOfElementwise, perSample } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/**
 * Keras's `convert_binary_labels_to_hinge`: when every target is 0 or 1, map
 * them to -1 and 1; otherwise keep them.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * hingeLabels(tf.tensor1d([0, 1, 1])).print(); // [-1, 1, 1]
 * ```
 * @param t the targets, float32
 * @returns the targets in {-1, 1} form
 */
export function hingeLabels(t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const binary = tf.all(tf.logicalOr(tf.equal(t, 0), tf.equal(t, 1)));
    const flag = tf.cast(binary, "float32"); // 1: z -> 2z - 1, 0: z -> z
    return tf.add(t, tf.mul(flag, tf.sub(t, 1)));
  });
}

/**
 * Squared hinge loss averaged over the last axis. `yTrue` of shape `[batch]`
 * fits `yPred` of shape `[batch, 1]`; rank-1 inputs count as one value per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * squaredHinge(tf.tensor2d([[0, 1]]), tf.tensor2d([[0.6, 0.4]])).print(); // (1.6^2 + 0.6^2) / 2
 * ```
 * @param yTrue the targets, -1/1 (or 0/1, converted)
 * @param yPred the predictions, same shape
 * @returns the losses, shape `yPred.shape` without its last axis
 */
export function squaredHinge(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return meanOfElementwise(
    "squared_hinge",
    yTrue,
    yPred,
    (t, p) => tf.square(tf.relu(tf.sub(1, tf.mul(hingeLabels(t), p)))),
  );
}

/**
 * The squared hinge loss.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * new SquaredHinge().apply(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[0.6, 0.4], [0.4, 0.6]])).print(); // 1.86
 * ```
 */
export class SquaredHinge extends Loss {
  /** The keys of its options object: `LossOptions`'. */
  static override optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param options `name` (default "squared_hinge"), `reduction` (default "sum_over_batch_size")
   */
  constructor(options: LossOptions = {}) {
    super("squared_hinge", options);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(squaredHinge(yTrue, yPred)));
  }
}
