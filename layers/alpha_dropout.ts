/**
 * AlphaDropout: dropout that keeps a SELU network's mean and variance.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { SeedGenerator } from "../engine/seed_generator.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { dropoutRate, seedOption } from "./_noise.ts";
import { reject, show } from "../engine/validate.ts";

/** Options of {@link AlphaDropout}. */
export interface AlphaDropoutOptions extends LayerOptions {
  /** Shape of the keep/drop mask; `null` entries take the input's size. @default the input's shape */
  noiseShape?: (number | null)[] | null;
  /** Seed of the layer's own generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

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
export class AlphaDropout extends Layer {
  /** Fraction of the inputs dropped, in [0, 1). */
  readonly rate: number;
  /** The mask's shape (null: the input's). */
  readonly noiseShape: (number | null)[] | null;
  /** The fixed seed, or null. */
  readonly seed: number | null;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["rate"];

  /** The keys of {@link AlphaDropoutOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "noiseShape",
    "seed",
  ] satisfies (keyof AlphaDropoutOptions)[];

  /**
   * Creates an AlphaDropout layer.
   *
   * @param rate Fraction of the inputs to drop: a number in [0, 1).
   * @param options `noiseShape` and `seed`.
   */
  constructor(rate: number, options: AlphaDropoutOptions = {}) {
    super(
      layerOptions(
        "AlphaDropout",
        options,
        noPositional,
        "new AlphaDropout(rate, { noiseShape, seed })",
      ),
    );
    this.rate = dropoutRate("AlphaDropout", rate);
    const ns = options.noiseShape ?? null;
    if (
      ns !== null &&
      (!Array.isArray(ns) || ns.some((d) => d !== null && (!Number.isInteger(d) || d <= 0)))
    ) {
      reject("build AlphaDropout", "noiseShape", ns, "an array of positive integers or nulls");
    }
    this.noiseShape = ns === null ? null : [...ns];
    this.seed = seedOption("AlphaDropout", options.seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    if (!options.training || this.rate === 0) return inputs;
    const rate = this.rate;
    const alphaP = -ALPHA * SCALE;
    const u = tf.randomUniform(
      this.#noiseShape(inputs.shape),
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

  #noiseShape(shape: number[]): number[] {
    if (this.noiseShape === null) return shape;
    if (this.noiseShape.length !== shape.length) {
      throw new RangeError(
        `Cannot apply ${this.name} (AlphaDropout) as "noiseShape" ${
          show(this.noiseShape)
        } has a different rank from the input's shape [${shape}]`,
      );
    }
    return this.noiseShape.map((d, i) => d ?? shape[i]);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      rate: this.rate,
      noiseShape: this.noiseShape === null ? null : [...this.noiseShape],
      seed: this.seed,
    };
  }
}
