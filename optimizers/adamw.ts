/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter).
 *
 * The rule: before Adam's step, `w = w − w · weightDecay · lr`; then Adam's
 * update (see `adam.ts`). The decay is not added to the gradient, so Adam's
 * per-parameter scaling does not shrink it. Keras 3 computes exactly this:
 * the base class applies `weightDecay` to every optimizer, and AdamW is Adam
 * whose `weightDecay` defaults to 0.004.
 *
 * @module
 */
import { optimizerOptions, type ScheduleLike } from "./optimizer.ts";
import { Adam, type AdamOptions } from "./adam.ts";

/** Options of `AdamW`. */
export interface AdamWOptions extends AdamOptions {
  /** The decoupled decay factor, >= 0. @default {0.004} */
  weightDecay?: number;
}

/**
 * The AdamW optimizer.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { AdamW } from "./adamw.ts";
 * const w = tf.variable(tf.tensor([1]));
 * new AdamW({ learningRate: 0.1, weightDecay: 0.01 }).applyGradients([tf.tensor([0])], [w]);
 * // w = 1 - 1 * 0.01 * 0.1 = 0.999 (a zero gradient leaves Adam's step at 0)
 * ```
 */
export class AdamW extends Adam {
  /** The keys of {@link AdamWOptions}: Adam's. */
  static override optionKeys: readonly string[] = Adam.optionKeys;

  /**
   * Validates the options and creates the object.
   *
   * @param options See `AdamWOptions`. A number or a schedule alone is the learning rate, as
   *   Keras\'s `AdamW(0.01)`.
   */
  constructor(options: AdamWOptions | number | ScheduleLike = {}) {
    options = optimizerOptions(new.target, options);
    super({ ...options, weightDecay: options.weightDecay ?? 0.004 });
  }
}
