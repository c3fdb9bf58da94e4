/**
 * GaussianNoise: adds zero-centred Gaussian noise during training.
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
import { seedOption } from "./_noise.ts";
import { number } from "../engine/validate.ts";

/** Options of {@link GaussianNoise}. */
export interface GaussianNoiseOptions extends LayerOptions {
  /** Seed of the layer's own generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

/**
 * Keras's `GaussianNoise`: in training, adds noise drawn from
 * `N(0, stddev²)` (from the layer's `seedGenerator`); outside training the
 * input passes through unchanged. Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.zeros([2, 3]);
 * const y = new layers.GaussianNoise(0.1, { seed: 1 }).apply(x, { training: true });
 * tf.dispose([x, y]);
 * ```
 */
export class GaussianNoise extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The noise's standard deviation, in [0, 1] (Keras's bounds). */
  readonly stddev: number;
  /** The fixed seed, or null. */
  readonly seed: number | null;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["stddev"];

  /** The keys of {@link GaussianNoiseOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "seed",
  ] satisfies (keyof GaussianNoiseOptions)[];

  /**
   * Creates a GaussianNoise layer.
   *
   * @param stddev The noise's standard deviation, a number in [0, 1].
   * @param options `seed`.
   */
  constructor(stddev: number, options: GaussianNoiseOptions = {}) {
    super(
      layerOptions("GaussianNoise", options, noPositional, "new GaussianNoise(stddev, { seed })"),
    );
    this.stddev = number("build GaussianNoise", "stddev", stddev, { min: 0, max: 1 });
    this.seed = seedOption("GaussianNoise", options.seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    if (!options.training || this.stddev === 0) return inputs;
    const noise = tf.randomNormal(
      inputs.shape,
      0,
      this.stddev,
      "float32",
      this.seedGenerator.next(),
    );
    return tf.add(inputs, noise);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's arguments, for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }
}
