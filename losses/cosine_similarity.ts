/**
 * Cosine similarity loss, Keras 3's `cosine_similarity` / `CosineSimilarity`:
 * `-sum(l2Normalize(yTrue) * l2Normalize(yPred))` along `axis`, a number in
 * [-1, 1] where -1 means the same direction (so minimising it aligns the
 * predictions with the targets). A zero vector gives 0.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { reject } from "../engine/validate.ts";
import { alignRanks, assertSameShape, EPSILON, perSample, toFloat } from "./common.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/** Options of {@linkcode cosineSimilarity}. */
export interface CosineSimilarityOptions {
  /**
   * The axis along which the similarity is computed (the features axis).
   * @default -1
   */
  axis?: number;
}

/**
 * Checks that `axis` is an integer (negative counts from the end).
 *
 * @example
 * ```ts
 * console.log(checkAxis("build CosineSimilarity", -1)); // -1
 * ```
 * @param what what was being done, for the message
 * @param axis the value received
 * @returns the axis
 */
export function checkAxis(what: string, axis: unknown): number {
  if (typeof axis !== "number") reject(what, "axis", axis, "an integer");
  if (!Number.isInteger(axis)) reject(what, "axis", axis, "an integer", RangeError);
  return axis;
}

/** Keras's `normalize(x, axis, order=2)`: `x * rsqrt(max(sum(x^2), eps^2))`. */
function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  const squareSum = tf.sum(tf.square(x), axis, true);
  return tf.mul(x, tf.rsqrt(tf.maximum(squareSum, EPSILON * EPSILON)));
}

/**
 * The positive cosine similarity along `axis` (the metric's form), shared by
 * the loss and the `CosineSimilarity` metric.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * cosineSimilarityPositive(tf.tensor2d([[0, 1], [1, 1]]), tf.tensor2d([[1, 0], [1, 1]])).print(); // [0, 1]
 * ```
 * @param yTrue the targets
 * @param yPred the predictions, same shape (after Keras's rank alignment)
 * @param options `axis` (default -1)
 * @returns the similarities, shape `yPred.shape` without `axis`
 */
export function cosineSimilarityPositive(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: CosineSimilarityOptions = {},
): tf.Tensor {
  return tf.tidy(() => {
    const [t, p] = alignRanks(toFloat(yTrue), toFloat(yPred));
    assertSameShape("cosine_similarity", t, p);
    const rank = Math.max(p.rank, 1);
    const axis = checkAxis("compute cosine_similarity", options.axis ?? -1);
    if (axis < -rank || axis >= rank) {
      throw new RangeError(
        `Cannot compute cosine_similarity as "axis" must be in [${-rank}, ${rank}) for ` +
          `inputs of shape [${p.shape}]: received ${axis}`,
      );
    }
    return tf.sum(tf.mul(l2Normalize(t, axis), l2Normalize(p, axis)), axis);
  });
}

/**
 * The cosine similarity loss along `axis`: the negative of the similarity.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const t = tf.tensor2d([[0, 1], [1, 1], [1, 1]]);
 * cosineSimilarity(t, tf.tensor2d([[1, 0], [1, 1], [-1, -1]])).print(); // [-0, -1, 1]
 * ```
 * @param yTrue the targets
 * @param yPred the predictions, same shape
 * @param options `axis` (default -1)
 * @returns the losses, shape `yPred.shape` without `axis`
 */
export function cosineSimilarity(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: CosineSimilarityOptions = {},
): tf.Tensor {
  return tf.tidy(() => tf.neg(cosineSimilarityPositive(yTrue, yPred, options)));
}

/** Options of the {@linkcode CosineSimilarity} loss. */
export interface CosineSimilarityLossOptions extends CosineSimilarityOptions, LossOptions {}

/**
 * The cosine similarity loss (`-cos`, so that minimising it aligns vectors).
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const loss = new CosineSimilarity({ axis: 1 });
 * loss.apply(tf.tensor2d([[0, 1], [1, 1]]), tf.tensor2d([[1, 0], [1, 1]])).print(); // -0.5
 * ```
 */
export class CosineSimilarity extends Loss {
  /** The axis along which the similarity is computed. */
  readonly axis: number;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [...LOSS_OPTION_KEYS, "axis"];

  /**
   * Creates the loss.
   * @param options `axis` (default -1), `name` (default "cosine_similarity"), `reduction`
   */
  constructor(options: CosineSimilarityLossOptions = {}) {
    super("cosine_similarity", options);
    this.axis = checkAxis("build CosineSimilarity", options.axis ?? -1);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(cosineSimilarity(yTrue, yPred, { axis: this.axis })));
  }

  /**
   * The options that rebuild this loss.
   * @returns name, reduction and axis
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
