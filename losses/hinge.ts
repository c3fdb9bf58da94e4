/**
 * Hinge loss, Keras 3's `hinge` / `Hinge`: `max(1 - yTrue yPred, 0)`; targets that are all 0 or 1 are first mapped to -1 and 1, averaged over the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { meanOfElementwise, perSample } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/** Keras's label conversion: when every target is 0 or 1, map them to -1 and 1. */
function hingeLabels(t: tf.Tensor): tf.Tensor {
  const binary = tf.all(tf.logicalOr(tf.equal(t, 0), tf.equal(t, 1)));
  const flag = tf.cast(binary, "float32"); // 1: z -> 2z - 1, 0: z -> z
  return tf.add(t, tf.mul(flag, tf.sub(t, 1)));
}

/**
 * Hinge loss averaged over the last axis. `yTrue` of shape `[batch]` fits `yPred`
 * of shape `[batch, 1]`; rank-1 inputs count as one value per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * hinge(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])).print();
 * ```
 * @param yTrue the targets
 * @param yPred the predictions, same shape
 * @returns the losses, shape `yPred.shape` without its last axis
 */
export function hinge(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return meanOfElementwise(
    "hinge",
    yTrue,
    yPred,
    (t, p) => tf.relu(tf.sub(1, tf.mul(hingeLabels(t), p))),
  );
}

/**
 * The Hinge loss loss.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * new Hinge().apply(tf.tensor2d([[0], [1]]), tf.tensor2d([[1], [1]])).print();
 * ```
 */
export class Hinge extends Loss {
  /** The keys of its options object: `LossOptions`'. */
  static override optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param options `name` (default "hinge"), `reduction` (default "sum_over_batch_size")
   */
  constructor(options: LossOptions = {}) {
    super("hinge", options);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(hinge(yTrue, yPred)));
  }
}
