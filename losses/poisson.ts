/**
 * Poisson loss, Keras 3's `poisson` / `Poisson`: `yPred - yTrue log(yPred + 1e-7)`,
 * averaged over the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { EPSILON, meanOfElementwise, perSample } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/**
 * Poisson loss averaged over the last axis, for count targets and positive
 * predicted rates. `yTrue` of shape `[batch]` fits `yPred` of shape
 * `[batch, 1]`; rank-1 inputs count as one value per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * poisson(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])).print(); // (1 + 1) / 2 = 1
 * ```
 * @param yTrue the targets (counts)
 * @param yPred the predicted rates, same shape
 * @returns the losses, shape `yPred.shape` without its last axis
 */
export function poisson(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return meanOfElementwise(
    "poisson",
    yTrue,
    yPred,
    (t, p) => tf.sub(p, tf.mul(t, tf.log(tf.add(p, EPSILON)))),
  );
}

/**
 * The Poisson loss.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * new Poisson().apply(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[1, 1], [0, 0]])).print(); // 0.5
 * ```
 */
export class Poisson extends Loss {
  /** The keys of its options object: `LossOptions`'. */
  static override optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param options `name` (default "poisson"), `reduction` (default "sum_over_batch_size")
   */
  constructor(options: LossOptions = {}) {
    super("poisson", options);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(poisson(yTrue, yPred)));
  }
}
