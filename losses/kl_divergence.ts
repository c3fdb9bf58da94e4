/**
 * Kullback-Leibler divergence, Keras 3's `kl_divergence` / `KLDivergence`: `yTrue log(yTrue / yPred)` with both clipped to `[1e-7, 1]`, summed (not averaged) over the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { EPSILON, perSample, prepareElementwise } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/** Element-wise `t log(t / p)` with both clipped to `[1e-7, 1]`. */
function klElementwise(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const tc = tf.clipByValue(t, EPSILON, 1);
  const pc = tf.clipByValue(p, EPSILON, 1);
  return tf.mul(tc, tf.log(tf.div(tc, pc)));
}

/**
 * Kullback-Leibler divergence summed over the last axis. `yTrue` of shape `[batch]` fits `yPred`
 * of shape `[batch, 1]`; rank-1 inputs count as one value per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * klDivergence(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])).print();
 * ```
 * @param yTrue the targets
 * @param yPred the predictions, same shape
 * @returns the losses, shape `yPred.shape` without its last axis
 */
export function klDivergence(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [t, p] = prepareElementwise("kl_divergence", yTrue, yPred);
    return tf.sum(klElementwise(t, p), -1);
  });
}

/**
 * The Kullback-Leibler divergence loss.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * new KLDivergence().apply(tf.tensor2d([[0], [1]]), tf.tensor2d([[1], [1]])).print();
 * ```
 */
export class KLDivergence extends Loss {
  /** The keys of its options object: `LossOptions`'. */
  static override optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param options `name` (default "kl_divergence"), `reduction` (default "sum_over_batch_size")
   */
  constructor(options: LossOptions = {}) {
    super("kl_divergence", options);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(klDivergence(yTrue, yPred)));
  }
}
