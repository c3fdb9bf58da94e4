/**
 * A user's loss function as a {@linkcode Loss}.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { alignRanks, perSample } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossFunction, type LossOptions } from "./loss.ts";

/**
 * Wraps a plain `(yTrue, yPred) => tf.Tensor` function. As in Keras, `yTrue`
 * and `yPred` are first brought to the same rank when they differ by a
 * trailing axis of size 1 (so `[batch]` labels meet `[batch, 1]` predictions
 * without broadcasting to `[batch, batch]`); the function's result is averaged
 * over its non-batch axes to give one loss per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const wrapped = new LossFunctionWrapper(function squared(t, p) {
 *   return tf.square(tf.sub(t, p));
 * });
 * console.log(wrapped.name); // "squared"
 * ```
 */
export class LossFunctionWrapper extends Loss {
  /** The wrapped function. */
  readonly fn: LossFunction;

  /** The keys of its options object: `LossOptions`'. */
  static override optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param fn the loss function
   * @param options `name` (default `fn.name`, or "loss" for an anonymous
   *   function), `reduction`
   */
  constructor(fn: LossFunction, options: LossOptions = {}) {
    if (typeof fn !== "function") {
      throw new TypeError(
        `Cannot build LossFunctionWrapper as "fn" must be a function: received ${typeof fn}`,
      );
    }
    super(fn.name || "loss", options);
    this.fn = fn;
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [t, p] = alignRanks(yTrue, yPred);
      return perSample(this.fn(t, p));
    });
  }
}
