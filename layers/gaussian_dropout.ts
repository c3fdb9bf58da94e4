/**
 * GaussianDropout: multiplies by Gaussian noise of mean 1 during training.
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

/** Options of {@link GaussianDropout}. */
export interface GaussianDropoutOptions extends LayerOptions {
  /** Seed of the layer's own generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

/**
 * Keras's `GaussianDropout`: in training, multiplies the input by noise
 * drawn from `N(1, rate / (1 − rate))` (from the layer's `seedGenerator`);
 * outside training the input passes through unchanged. Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 3]);
 * const y = new layers.GaussianDropout(0.2, { seed: 1 }).apply(x, { training: true });
 * tf.dispose([x, y]);
 * ```
 */
export class GaussianDropout extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The rate, in [0, 1): the noise's variance is `rate / (1 − rate)`. */
  readonly rate: number;
  /** The fixed seed, or null. */
  readonly seed: number | null;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["rate"];

  /** The keys of {@link GaussianDropoutOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "seed",
  ] satisfies (keyof GaussianDropoutOptions)[];

  /**
   * Creates a GaussianDropout layer.
   *
   * @param rate A number in [0, 1).
   * @param options `seed`.
   */
  constructor(rate: number, options: GaussianDropoutOptions = {}) {
    super(
      layerOptions("GaussianDropout", options, noPositional, "new GaussianDropout(rate, { seed })"),
    );
    this.rate = dropoutRate("GaussianDropout", rate);
    this.seed = seedOption("GaussianDropout", options.seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    if (!options.training || this.rate === 0) return inputs;
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    const noise = tf.randomNormal(inputs.shape, 1, stddev, "float32", this.seedGenerator.next());
    return tf.mul(inputs, noise);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's arguments, for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
