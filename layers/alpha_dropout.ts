/**
 * AlphaDropout: dropout that keeps a SELU network's mean and variance.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { CallOptions } from "../engine/layer.ts";
import { Dropout, type DropoutOptions } from "./dropout.ts";

/** Options of {@link AlphaDropout}: `Dropout`'s (`noiseShape`, `seed`). */
export type AlphaDropoutOptions = DropoutOptions;

/** SELU's constants. */
const ALPHA = 1.6732632423543772;
const SCALE = 1.0507009873554805;

/**
 * Keras's `AlphaDropout`: in training, each element is replaced with
 * probability `rate` by SELU's saturation value `α' = −αλ`, then the result
 * is mapped by `a·x + b` with `a = ((1 − rate)(1 + rate·α'²))^(−1/2)` and
 * `b = −a·α'·rate`, which keeps inputs of mean 0 and variance 1 so;
 * outside training the input passes through unchanged. Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.randomNormal([4, 8]);
 * const y = new layers.AlphaDropout(0.1, { seed: 1 }).apply(x, { training: true });
 * tf.dispose([x, y]);
 * ```
 */
export class AlphaDropout extends Dropout {
  /** The keys of {@link AlphaDropoutOptions} (declared, so that unknown keys are refused). */
  static override optionKeys: readonly string[] = Dropout.optionKeys;

  /**
   * Creates an AlphaDropout layer.
   *
   * @param rate Fraction of the inputs to drop: a number in [0, 1).
   * @param options `noiseShape` and `seed`.
   */
  constructor(rate: number, options: AlphaDropoutOptions = {}) {
    super(rate, options);
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    if (!options.training || this.rate === 0) return inputs;
    const rate = this.rate;
    const alphaP = -ALPHA * SCALE;
    const u = tf.randomUniform(
      this.maskShape(inputs.shape),
      0,
      1,
      "float32",
      this.seedGenerator.next(),
    );
    const kept = tf.cast(tf.greaterEqual(u, rate), inputs.dtype);
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    const x = tf.add(tf.mul(inputs, kept), tf.mul(alphaP, tf.sub(1, kept)));
    return tf.add(tf.mul(a, x), b);
  }
}
