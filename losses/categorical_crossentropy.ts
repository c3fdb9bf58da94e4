/**
 * Categorical cross-entropy, Keras 3's `categorical_crossentropy` /
 * `CategoricalCrossentropy`, for one-hot (or soft) targets.
 *
 * With probabilities: the predictions are renormalised to sum to 1 along the
 * last axis, clipped to `[1e-7, 1 - 1e-7]`, and `-sum(z log p)` is taken. With
 * logits: `-sum(z * logSoftmax(x))` (log-sum-exp, stable). Label smoothing:
 * `z (1 - s) + s / classes`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { assertSameShape, EPSILON, toFloat } from "./common.ts";
import { number } from "../engine/validate.ts";
import { CrossentropyLoss, type CrossentropyOptions } from "./crossentropy_loss.ts";
import type { LossOptions } from "./loss.ts";
import { LOSS_OPTION_KEYS } from "./loss.ts";

/**
 * Options of categorical cross-entropy: `fromLogits` and `labelSmoothing`
 * (targets become `z (1 - s) + s / classes`).
 */
export type CategoricalCrossentropyOptions = CrossentropyOptions;

/**
 * Log-probabilities along the last axis: `logSoftmax` for logits, otherwise
 * the renormalised, clipped probabilities' logarithm (as Keras does).
 */
export function logProbabilities(yPred: tf.Tensor, fromLogits: boolean): tf.Tensor {
  if (fromLogits) return tf.logSoftmax(yPred);
  const normalised = tf.div(yPred, tf.sum(yPred, -1, true));
  return tf.log(tf.clipByValue(normalised, EPSILON, 1 - EPSILON));
}

/**
 * Categorical cross-entropy along the last axis.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const loss = categoricalCrossentropy(tf.tensor2d([[0, 1, 0]]), tf.tensor2d([[0.05, 0.95, 0]]));
 * console.log(loss.dataSync()); // [-log 0.95]
 * ```
 * @param yTrue one-hot targets, shape `[batch, classes]`
 * @param yPred probabilities or logits, same shape
 * @param options `fromLogits` and `labelSmoothing`
 * @returns the losses, shape `[batch]`
 */
export function categoricalCrossentropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: CategoricalCrossentropyOptions = {},
): tf.Tensor {
  const smoothing = options.labelSmoothing ?? 0;
  number("build categorical_crossentropy", "labelSmoothing", smoothing, { min: 0, max: 1 });
  if (yTrue.rank === yPred.rank - 1) {
    throw new RangeError(
      `Cannot compute categorical_crossentropy as "yTrue" must be one-hot with the shape of ` +
        `"yPred": received [${yTrue.shape}] and [${yPred.shape}]; ` +
        `use sparse_categorical_crossentropy for integer labels`,
    );
  }
  assertSameShape("categorical_crossentropy", yTrue, yPred);
  return tf.tidy(() => {
    let z = toFloat(yTrue);
    const classes = yPred.shape[yPred.rank - 1];
    if (smoothing > 0) z = tf.add(tf.mul(z, 1 - smoothing), smoothing / classes);
    const logP = logProbabilities(toFloat(yPred), options.fromLogits ?? false);
    return tf.neg(tf.sum(tf.mul(z, logP), -1));
  });
}

/** Options of the {@linkcode CategoricalCrossentropy} loss. */
export interface CategoricalCrossentropyLossOptions
  extends CategoricalCrossentropyOptions, LossOptions {}

/**
 * The categorical cross-entropy loss, for one-hot targets.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const cce = new CategoricalCrossentropy({ labelSmoothing: 0.1 });
 * cce.apply(tf.tensor2d([[0, 1]]), tf.tensor2d([[0.3, 0.7]])).print();
 * ```
 */
export class CategoricalCrossentropy extends CrossentropyLoss {
  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [
    ...LOSS_OPTION_KEYS,
    "fromLogits",
    "labelSmoothing",
  ];

  /**
   * Creates the loss.
   * @param options `fromLogits` (default false), `labelSmoothing` (default 0),
   *   `name` (default "categorical_crossentropy"), `reduction`
   */
  constructor(options: CategoricalCrossentropyLossOptions = {}) {
    super("CategoricalCrossentropy", "categorical_crossentropy", categoricalCrossentropy, options);
  }
}
