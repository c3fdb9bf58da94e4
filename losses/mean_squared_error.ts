/**
 * Mean squared error, Keras 3's `mean_squared_error` / `MeanSquaredError`: `(yPred - yTrue)^2`, averaged over the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { meanLastAxis, meanOfElementwise, perSample, prepareElementwise } from "./common.ts";
import { fused } from "../engine/fused.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/**
 * Mean squared error averaged over the last axis. `yTrue` of shape `[batch]` fits `yPred`
 * of shape `[batch, 1]`; rank-1 inputs count as one value per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * meanSquaredError(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])).print();
 * ```
 * @param yTrue the targets
 * @param yPred the predictions: the same shape, or one that broadcasts with `yTrue`'s
 *   as in Keras (`[batch, 1]` targets against `[batch, n]` predictions)
 * @returns the losses, the broadcast shape without its last axis
 */
export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return meanOfElementwise(
    "mean_squared_error",
    yTrue,
    yPred,
    (t, p) => tf.square(tf.sub(p, t)),
    { broadcast: true },
  );
}

/**
 * The Mean squared error loss.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * new MeanSquaredError().apply(tf.tensor2d([[0], [1]]), tf.tensor2d([[1], [1]])).print();
 * ```
 */
export class MeanSquaredError extends Loss {
  /** The keys of its options object: `LossOptions`'. */
  static override optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param options `name` (default "mean_squared_error"), `reduction` (default "sum_over_batch_size")
   */
  constructor(options: LossOptions = {}) {
    super("mean_squared_error", options);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = prepareElementwise("mean_squared_error", yTrue, yPred, { broadcast: true });
      // One operation (a backend's fused pass where it has one) when nothing broadcasts.
      if (tf.util.arraysEqual(t.shape, p.shape)) return fused.meanSquaredErrorPerSample(t, p);
      return perSample(meanLastAxis(tf.square(tf.sub(p, t))));
    });
  }
}
