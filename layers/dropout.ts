/**
 * Dropout: randomly zeroes inputs during training.
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
import { layerOptions, noPositional } from "./_checks.ts";
import { SeedGenerator } from "../engine/seed_generator.ts";
import { number, reject, show } from "../engine/validate.ts";

/** Options of {@link Dropout}. */
export interface DropoutOptions extends LayerOptions {
  /**
   * Shape of the keep/drop mask, broadcast against the input; `null` entries
   * take the input's size (e.g. `[null, 1, null]` drops whole time steps'
   * features together). @default the input's shape
   */
  noiseShape?: (number | null)[] | null;
  /**
   * Seed of this layer's own generator (`seedGenerator`), making its
   * sequence of masks repeatable. @default drawn from kerno's global
   * generator when the layer is created (see `setSeed`)
   */
  seed?: number | null;
}

/**
 * Inverted dropout, as Keras: in training each element is zeroed with
 * probability `rate` and the survivors are scaled by `1 / (1 - rate)`, so
 * the expected value is unchanged; outside training the input passes
 * through unchanged. Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([4, 8]);
 * const y = new layers.Dropout(0.5).apply(x, { training: true }); // zeros and 2s
 * tf.dispose([x, y]);
 * ```
 */
export class Dropout extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** Fraction of the inputs dropped, in [0, 1). */
  readonly rate: number;
  /** The mask's shape (null: the input's). */
  readonly noiseShape: (number | null)[] | null;
  /** The fixed seed, or null when the generator's seed came from the global generator. */
  readonly seed: number | null;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["rate"];

  /** The keys of {@link DropoutOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "noiseShape",
    "seed",
  ] satisfies (keyof DropoutOptions)[];

  /**
   * Creates a Dropout layer.
   *
   * @param rate Fraction of the inputs to drop: a number in [0, 1).
   * @param options `noiseShape` and `seed`.
   */
  constructor(rate: number, options: DropoutOptions = {}) {
    const cls = new.target.name;
    super(layerOptions(cls, options, noPositional, `new ${cls}(rate, { noiseShape, seed })`));
    this.rate = number(`build ${cls}`, "rate", rate, { min: 0, max: 1, maxOpen: true });
    const ns = options.noiseShape ?? null;
    if (
      ns !== null &&
      (!Array.isArray(ns) || ns.some((d) => d !== null && (!Number.isInteger(d) || d <= 0)))
    ) {
      reject(`build ${cls}`, "noiseShape", ns, "an array of positive integers or nulls");
    }
    const given = options.seed ?? null;
    const seed = given === null ? null : number(`build ${cls}`, "seed", given);
    this.noiseShape = ns === null ? null : [...ns];
    this.seed = seed;
    if (seed !== null) this.seedGenerator = new SeedGenerator(seed);
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    if (!options.training || this.rate === 0) return tf.clone(inputs);
    const noise = this.maskShape(inputs.shape);
    // A fresh seed per call from the layer's own stream: a seed fixes the sequence, not one mask.
    return tf.dropout(inputs, this.rate, noise, this.seedGenerator.next());
  }

  /**
   * The keep/drop mask's shape for an input shape: `noiseShape` with its
   * `null` entries taken from the input.
   *
   * @param shape The input's shape.
   * @returns The mask's shape.
   */
  protected maskShape(shape: number[]): number[] {
    if (this.noiseShape === null) return shape;
    if (this.noiseShape.length !== shape.length) {
      throw new RangeError(
        `Cannot apply ${this.name} (${this.constructor.name}) as "noiseShape" ${
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
