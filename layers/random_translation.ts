/**
 * RandomTranslation: shifts images by a random offset while training.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import type { LayerOptions } from "../engine/layer.ts";
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
import { GEOMETRIC_OPTION_KEYS } from "./random_rotation.ts";

/** Options of {@link RandomTranslation}. */
export interface RandomTranslationOptions extends LayerOptions, ImageFillOptions {}

/**
 * Keras's `RandomTranslation`: in training, each image is shifted by its
 * own offset, `dy · height` down and `dx · width` right with `dy` drawn from
 * `heightFactor` and `dx` from `widthFactor` (a number `f` gives `[−f, f]`,
 * a pair `[lower, upper]`, each in [−1, 1]); outside training the images
 * pass unchanged. Runs through the seam's `affineTransform`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const images = tf.randomUniform([4, 28, 28, 1]);
 * const shift = new layers.RandomTranslation(0.1, 0.1, { fillMode: "constant", seed: 1 });
 * const y = shift.apply(images, { training: true }); // shifted by up to 2.8 pixels each way
 * tf.dispose([images, y]);
 * ```
 */
export class RandomTranslation extends BaseImageLayer {
  /** The vertical factor, as given. */
  readonly heightFactor: ImageFactor;
  /** The horizontal factor, as given. */
  readonly widthFactor: ImageFactor;
  /** The fixed seed, or null. */
  readonly seed: number | null;
  /** Fill mode, interpolation and fill value. */
  readonly geometry: ImageFill;
  readonly #height: [number, number];
  readonly #width: [number, number];

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["heightFactor", "widthFactor"];

  /** The keys of {@link RandomTranslationOptions}. */
  static override optionKeys: readonly string[] = GEOMETRIC_OPTION_KEYS;

  /**
   * Creates a RandomTranslation layer.
   *
   * @param heightFactor A fraction of the height: `f` in [0, 1] for `[−f, f]`, or `[lower, upper]`.
   * @param widthFactor The same for the width.
   * @param options `fillMode`, `interpolation`, `fillValue`, `seed`.
   */
  constructor(
    heightFactor: ImageFactor,
    widthFactor: ImageFactor,
    options: RandomTranslationOptions = {},
  ) {
    const how = "new RandomTranslation(heightFactor, widthFactor, { seed })";
    super(layerOptions("RandomTranslation", options, noPositional, how));
    const what = "build RandomTranslation";
    this.#height = factorRange(what, "heightFactor", heightFactor, -1, 1);
    this.#width = factorRange(what, "widthFactor", widthFactor, -1, 1);
    this.heightFactor = factorConfig(heightFactor);
    this.widthFactor = factorConfig(widthFactor);
    this.geometry = fillOptions(what, options);
    this.seed = seedOption("RandomTranslation", options.seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
  }

  /** Shifts each image of a batch by its own offset in training. */
  protected override callBatch(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) return images;
    const [batch, height, width] = images.shape;
    const dy = uniforms(this.seedGenerator, batch, this.#height[0], this.#height[1]);
    const dx = uniforms(this.seedGenerator, batch, this.#width[0], this.#width[1]);
    const rows = new Float32Array(batch * 8);
    for (let b = 0; b < batch; b++) {
      // Output (x, y) reads (x − dx·width, y − dy·height).
      rows.set([1, 0, -dx[b] * width, 0, 1, -dy[b] * height, 0, 0], b * 8);
    }
    return transformBatch(images, rows, this.geometry);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      heightFactor: factorConfig(this.heightFactor),
      widthFactor: factorConfig(this.widthFactor),
      ...this.geometry,
      seed: this.seed,
    };
  }
}
