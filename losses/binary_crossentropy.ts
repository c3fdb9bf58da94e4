/**
 * Binary cross-entropy, Keras 3's `binary_crossentropy` / `BinaryCrossentropy`.
 *
 * With probabilities: `-(z log p + (1 - z) log(1 - p))`, `p` clipped to
 * `[1e-7, 1 - 1e-7]`. With logits `x`, the stable form
 * `max(x, 0) - x z + log(1 + exp(-|x|))`. Label smoothing squeezes the targets
 * towards 0.5: `z (1 - s) + s / 2`. The mean is taken over the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { EPSILON, meanOfElementwise } from "./common.ts";
import { number } from "../engine/validate.ts";
import { CrossentropyLoss, type CrossentropyOptions } from "./crossentropy_loss.ts";
import type { LossOptions } from "./loss.ts";
import { LOSS_OPTION_KEYS } from "./loss.ts";

/**
 * Options of binary cross-entropy: `fromLogits` and `labelSmoothing`
 * (targets become `z (1 - s) + s / 2`).
 */
export type BinaryCrossentropyOptions = CrossentropyOptions;

/** Element-wise binary cross-entropy from logits, exact at 0 for the gradient too. */
function fromLogitsElementwise(z: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const nonNegative = tf.greaterEqual(x, 0);
  const reluX = tf.where(nonNegative, x, tf.zerosLike(x));
  const negAbsX = tf.where(nonNegative, tf.neg(x), x);
  return tf.add(tf.sub(reluX, tf.mul(x, z)), tf.log1p(tf.exp(negAbsX)));
}

/** Element-wise binary cross-entropy from probabilities clipped to `[eps, 1 - eps]`. */
function fromProbabilitiesElementwise(z: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const clipped = tf.clipByValue(p, EPSILON, 1 - EPSILON);
  const positive = tf.mul(z, tf.log(clipped));
  const negative = tf.mul(tf.sub(1, z), tf.log(tf.sub(1, clipped)));
  return tf.neg(tf.add(positive, negative));
}

/**
 * Binary cross-entropy averaged over the last axis.
 *
 * `yTrue` of shape `[batch]` fits `yPred` of shape `[batch, 1]`; rank-1 inputs
 * count as one value per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const loss = binaryCrossentropy(tf.tensor1d([1, 0]), tf.tensor2d([[0.8], [0.4]]));
 * console.log(loss.dataSync()); // [-log 0.8, -log 0.6]
 * ```
 * @param yTrue targets in [0, 1]
 * @param yPred probabilities, or logits with `fromLogits`
 * @param options `fromLogits` and `labelSmoothing`
 * @returns the losses, shape `yPred.shape` without its last axis
 */
export function binaryCrossentropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: BinaryCrossentropyOptions = {},
): tf.Tensor {
  const smoothing = options.labelSmoothing ?? 0;
  number("build binary_crossentropy", "labelSmoothing", smoothing, { min: 0, max: 1 });
  return meanOfElementwise("binary_crossentropy", yTrue, yPred, (t, p) => {
    const z = smoothing > 0 ? tf.add(tf.mul(t, 1 - smoothing), 0.5 * smoothing) : t;
    return options.fromLogits ? fromLogitsElementwise(z, p) : fromProbabilitiesElementwise(z, p);
  });
}

/** Options of the {@linkcode BinaryCrossentropy} loss. */
export interface BinaryCrossentropyLossOptions extends BinaryCrossentropyOptions, LossOptions {}

/**
 * The binary cross-entropy loss, for 0/1 targets and one probability (or
 * logit) per output.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const bce = new BinaryCrossentropy({ fromLogits: true });
 * bce.apply(tf.tensor1d([1, 0]), tf.tensor2d([[2], [-1]])).print();
 * ```
 */
export class BinaryCrossentropy extends CrossentropyLoss {
  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [
    ...LOSS_OPTION_KEYS,
    "fromLogits",
    "labelSmoothing",
  ];

  /**
   * Creates the loss.
   * @param options `fromLogits` (default false), `labelSmoothing` (default 0),
   *   `name` (default "binary_crossentropy"), `reduction`
   */
  constructor(options: BinaryCrossentropyLossOptions = {}) {
    super("BinaryCrossentropy", "binary_crossentropy", binaryCrossentropy, options);
  }
}
