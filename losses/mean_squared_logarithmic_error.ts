/**
 * Mean squared logarithmic error, Keras 3's `mean_squared_logarithmic_error`
 * / `MeanSquaredLogarithmicError` (`"msle"`):
 * `(log(max(yPred, 1e-7) + 1) - log(max(yTrue, 1e-7) + 1))^2`, averaged over
 * the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { EPSILON, meanOfElementwise, perSample } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/**
 * Mean squared logarithmic error averaged over the last axis; values below
 * `1e-7` count as `1e-7`.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * meanSquaredLogarithmicError(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])).print(); // log(2)^2 / 2
 * ```
 * @param yTrue the targets
 * @param yPred the predictions: the same shape, or one that broadcasts with
 *   `yTrue`'s as in Keras
 * @returns the losses, the broadcast shape without its last axis
 */
export function meanSquaredLogarithmicError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return meanOfElementwise("mean_squared_logarithmic_error", yTrue, yPred, (t, p) => {
    const logP = tf.log(tf.add(tf.maximum(p, EPSILON), 1));
    const logT = tf.log(tf.add(tf.maximum(t, EPSILON), 1));
    return tf.square(tf.sub(logP, logT));
  }, { broadcast: true });
}

/**
 * The mean squared logarithmic error loss.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * new MeanSquaredLogarithmicError().apply(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[1, 1], [0, 0]])).print(); // 0.1201
 * ```
 */
export class MeanSquaredLogarithmicError extends Loss {
  /** The keys of its options object: `LossOptions`'. */
  static override optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param options `name` (default "mean_squared_logarithmic_error"),
   *   `reduction` (default "sum_over_batch_size")
   */
  constructor(options: LossOptions = {}) {
    super("mean_squared_logarithmic_error", options);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(meanSquaredLogarithmicError(yTrue, yPred)));
  }
}
