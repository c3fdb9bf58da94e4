/**
 * RandomRotation: rotates images by a random angle while training.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { LAYER_OPTION_KEYS } from "../engine/layer.ts";
import { SeedGenerator } from "../engine/seed_generator.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { seedOption } from "./_noise.ts";
import {
  BaseImageLayer,
  factorConfig,
  factorRange,
  fillOptions,
  type ImageFactor,
  type ImageFill,
  type ImageFillOptions,
  transformBatch,
  uniforms,
} from "./_image_layer.ts";
import type { LayerOptions } from "../engine/layer.ts";

/** Options of {@link RandomRotation}. */
export interface RandomRotationOptions extends LayerOptions, ImageFillOptions {}

/** The option keys of the random geometric layers. */
export const GEOMETRIC_OPTION_KEYS: readonly string[] = [
  ...LAYER_OPTION_KEYS,
  "fillMode",
  "interpolation",
  "fillValue",
  "seed",
];

/**
 * Keras's `RandomRotation`: in training, each image is rotated about its
 * centre by its own angle, drawn uniformly from `factor · 360°` (a number
 * `f` gives `[−f, f]`, a pair `[lower, upper]`; positive is
 * counter-clockwise), with the affine matrix and fill modes of TensorFlow's
 * `ImageProjectiveTransformV3`; outside training the images pass
 * unchanged. Runs through the seam's `affineTransform`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const images = tf.randomUniform([4, 28, 28, 1]);
 * const rotate = new layers.RandomRotation(0.1, { fillMode: "constant", seed: 1 });
 * const y = rotate.apply(images, { training: true }); // each within ±36°
 * tf.dispose([images, y]);
 * ```
 */
export class RandomRotation extends BaseImageLayer {
  /** The factor, as given. */
  readonly factor: ImageFactor;
  /** The fixed seed, or null. */
  readonly seed: number | null;
  /** Fill mode, interpolation and fill value. */
  readonly geometry: ImageFill;
  readonly #range: [number, number];

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["factor"];

  /** The keys of {@link RandomRotationOptions}. */
  static override optionKeys: readonly string[] = GEOMETRIC_OPTION_KEYS;

  /**
   * Creates a RandomRotation layer.
   *
   * @param factor A fraction of a full turn: `f` in [0, 1] for `[−f, f]`, or `[lower, upper]` in [−1, 1].
   * @param options `fillMode`, `interpolation`, `fillValue`, `seed`.
   */
  constructor(factor: ImageFactor, options: RandomRotationOptions = {}) {
    const how = 'new RandomRotation(factor, { fillMode: "reflect", seed })';
    super(layerOptions("RandomRotation", options, noPositional, how));
    this.#range = factorRange("build RandomRotation", "factor", factor, -1, 1);
    this.factor = factorConfig(factor);
    this.geometry = fillOptions("build RandomRotation", options);
    this.seed = seedOption("RandomRotation", options.seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
  }

  /** Rotates each image of a batch by its own angle in training. */
  protected override callBatch(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) return images;
    const [batch, height, width] = images.shape;
    const [lower, upper] = this.#range;
    const angles = uniforms(this.seedGenerator, batch, lower * 2 * Math.PI, upper * 2 * Math.PI);
    const cx = (width - 1) / 2;
    const cy = (height - 1) / 2;
    const rows = new Float32Array(batch * 8);
    angles.forEach((angle, b) => {
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      // Keras's rotation about the centre: output (x, y) reads R·((x, y) − c) + c.
      rows.set(
        [cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos, 0, 0],
        b * 8,
      );
    });
    return transformBatch(images, rows, this.geometry);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      factor: factorConfig(this.factor),
      ...this.geometry,
      seed: this.seed,
    };
  }
}
