/**
 * BaseSpatialDropout: what SpatialDropout1D, 2D and 3D share.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { type CallOptions, Layer, type LayerOptions, type Shape } from "../engine/layer.ts";
import { SeedGenerator } from "../engine/seed_generator.ts";
import { layerOptions, noPositional, paddingMode } from "./_checks.ts";
import { dropoutRate, seedOption } from "./_noise.ts";

/** Options of the spatial dropout layers. */
export interface SpatialDropoutOptions extends LayerOptions {
  /** Seed of the layer's own generator. @default drawn from kerno's global generator */
  seed?: number | null;
  /** Where the channels are (2-D and 3-D only). @default "channels_last" */
  dataFormat?: "channels_last" | "channels_first";
}

/**
 * The spatial dropout layers' shared code: in training whole channels
 * (feature maps) are zeroed with probability `rate` and the survivors
 * scaled by `1 / (1 − rate)`; outside training the input passes through.
 * Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 5, 4]);
 * const y = new layers.SpatialDropout1D(0.5, { seed: 1 }).apply(x, { training: true });
 * tf.dispose([x, y]);
 * ```
 */
export abstract class BaseSpatialDropout extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** Fraction of the channels dropped, in [0, 1). */
  readonly rate: number;
  /** The fixed seed, or null. */
  readonly seed: number | null;
  /** Where the channels are. */
  readonly dataFormat: "channels_last" | "channels_first";
  /** The number of spatial axes. */
  protected abstract readonly spatialRank: number;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["rate"];

  /**
   * Creates the layer.
   *
   * @param rate Fraction of the channels to drop: a number in [0, 1).
   * @param options `seed` (and `dataFormat` for 2-D and 3-D).
   */
  constructor(rate: number, options: SpatialDropoutOptions = {}) {
    const name = new.target.name;
    super(layerOptions(name, options, noPositional, `new ${name}(rate, { seed })`));
    this.rate = dropoutRate(name, rate);
    this.seed = seedOption(name, options.seed);
    this.dataFormat = paddingMode(`build ${name}`, "dataFormat", options.dataFormat, [
      "channels_last",
      "channels_first",
    ]);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
    this.supportsMasking = true;
  }

  /** Checks the input's rank (called once by `apply`). */
  override build(inputShape: Shape): void {
    const rank = this.spatialRank + 2;
    if (inputShape.length !== rank) {
      throw new RangeError(
        `Cannot build ${this.name} (${this.constructor.name}) as its input must have rank ${rank} (batch, ${this.spatialRank} spatial axes, channels): received [${inputShape}]`,
      );
    }
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    if (!options.training || this.rate === 0) return inputs;
    const s = inputs.shape;
    const last = this.dataFormat === "channels_last";
    const noise = s.map((d, i) => (i === 0 || i === (last ? s.length - 1 : 1) ? d : 1));
    return tf.dropout(inputs, this.rate, noise, this.seedGenerator.next());
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
