/**
 * Log-cosh error, Keras 3's `log_cosh` / `LogCosh`: `log(cosh(x))` of `x = yPred - yTrue`, computed stably as `x + softplus(-2x) - log 2`, averaged over the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { meanOfElementwise, perSample } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/** Element-wise `log(cosh(x))` as `x + softplus(-2x) - log 2`, finite for large `|x|`. */
function logCoshElementwise(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.add(x, tf.softplus(tf.mul(x, -2))), Math.log(2));
}

/**
 * Log-cosh error averaged over the last axis. `yTrue` of shape `[batch]` fits `yPred`
 * of shape `[batch, 1]`; rank-1 inputs count as one value per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * logCosh(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])).print();
 * ```
 * @param yTrue the targets
 * @param yPred the predictions: the same shape, or one that broadcasts with `yTrue`'s
 *   as in Keras (`[batch, 1]` targets against `[batch, n]` predictions)
 * @returns the losses, the broadcast shape without its last axis
 */
export function logCosh(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return meanOfElementwise(
    "log_cosh",
    yTrue,
    yPred,
    (t, p) => logCoshElementwise(tf.sub(p, t)),
    { broadcast: true },
  );
}

/**
 * The Log-cosh error loss.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * new LogCosh().apply(tf.tensor2d([[0], [1]]), tf.tensor2d([[1], [1]])).print();
 * ```
 */
export class LogCosh extends Loss {
  /** The keys of its options object: `LossOptions`'. */
  static override optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param options `name` (default "log_cosh"), `reduction` (default "sum_over_batch_size")
   */
  constructor(options: LossOptions = {}) {
    super("log_cosh", options);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(logCosh(yTrue, yPred)));
  }
}
