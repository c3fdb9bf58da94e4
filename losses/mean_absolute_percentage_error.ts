/**
 * Mean absolute percentage error, Keras 3's `mean_absolute_percentage_error`
 * / `MeanAbsolutePercentageError` (`"mape"`):
 * `100 |yTrue - yPred| / max(|yTrue|, 1e-7)`, averaged over the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { EPSILON, meanOfElementwise, perSample } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/**
 * Mean absolute percentage error averaged over the last axis (a target of 0
 * divides by `1e-7`, as in Keras).
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * meanAbsolutePercentageError(tf.tensor2d([[100, 200]]), tf.tensor2d([[90, 210]])).print(); // 7.5
 * ```
 * @param yTrue the targets
 * @param yPred the predictions: the same shape, or one that broadcasts with
 *   `yTrue`'s as in Keras
 * @returns the losses, the broadcast shape without its last axis
 */
export function meanAbsolutePercentageError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return meanOfElementwise("mean_absolute_percentage_error", yTrue, yPred, (t, p) => {
    const ratio = tf.div(tf.abs(tf.sub(t, p)), tf.maximum(tf.abs(t), EPSILON));
    return tf.mul(ratio, 100);
  }, { broadcast: true });
}

/**
 * The mean absolute percentage error loss.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * new MeanAbsolutePercentageError().apply(tf.tensor1d([100, 200, 300]), tf.tensor1d([90, 210, 310])).print(); // 6.1111
 * ```
 */
export class MeanAbsolutePercentageError extends Loss {
  /** The keys of its options object: `LossOptions`'. */
  static override optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param options `name` (default "mean_absolute_percentage_error"),
   *   `reduction` (default "sum_over_batch_size")
   */
  constructor(options: LossOptions = {}) {
    super("mean_absolute_percentage_error", options);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(meanAbsolutePercentageError(yTrue, yPred)));
  }
}
