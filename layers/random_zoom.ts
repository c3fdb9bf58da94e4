/**
 * RandomZoom: zooms images in or out by a random factor while training.
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

/** Options of {@link RandomZoom}. */
export interface RandomZoomOptions extends LayerOptions, ImageFillOptions {}

/**
 * Keras's `RandomZoom`: in training, each image is scaled about its centre
 * by its own factors, `1 + h` vertically with `h` drawn from
 * `heightFactor` (a number `f` gives `[−f, f]`, a pair `[lower, upper]`,
 * each in (−1, 1]; positive zooms out, negative zooms in) and `1 + w`
 * horizontally from `widthFactor` (or the vertical factor itself when
 * `widthFactor` is null, keeping the aspect ratio); outside training the
 * images pass unchanged. Runs through the seam's `affineTransform`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const images = tf.randomUniform([4, 28, 28, 1]);
 * const y = new layers.RandomZoom(0.2, null, { seed: 1 }).apply(images, { training: true });
 * tf.dispose([images, y]);
 * ```
 */
export class RandomZoom extends BaseImageLayer {
  /** The vertical factor, as given. */
  readonly heightFactor: ImageFactor;
  /** The horizontal factor, as given (null: the vertical zoom). */
  readonly widthFactor: ImageFactor | null;
  /** The fixed seed, or null. */
  readonly seed: number | null;
  /** Fill mode, interpolation and fill value. */
  readonly geometry: ImageFill;
  readonly #height: [number, number];
  readonly #width: [number, number] | null;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["heightFactor", "widthFactor"];

  /** The keys of {@link RandomZoomOptions}. */
  static override optionKeys: readonly string[] = GEOMETRIC_OPTION_KEYS;

  /**
   * Creates a RandomZoom layer.
   *
   * @param heightFactor `f` in (−1, 1] for `[−f, f]`, or `[lower, upper]`.
   * @param widthFactor The same for the width, or null to zoom both axes alike; or
   *   the options, the width then zooming as the height. @default null
   * @param options `fillMode`, `interpolation`, `fillValue`, `seed`.
   */
  constructor(
    heightFactor: ImageFactor,
    widthFactor: ImageFactor | null | RandomZoomOptions = null,
    options: RandomZoomOptions = {},
  ) {
    if (typeof widthFactor === "object" && widthFactor !== null && !Array.isArray(widthFactor)) {
      [widthFactor, options] = [null, widthFactor];
    }
    const how = "new RandomZoom(heightFactor, widthFactor, { seed })";
    super(layerOptions("RandomZoom", options, noPositional, how));
    const what = "build RandomZoom";
    this.#height = factorRange(what, "heightFactor", heightFactor, -1, 1, true);
    this.#width = widthFactor === null
      ? null
      : factorRange(what, "widthFactor", widthFactor, -1, 1, true);
    this.heightFactor = factorConfig(heightFactor);
    this.widthFactor = widthFactor === null ? null : factorConfig(widthFactor);
    this.geometry = fillOptions(what, options);
    this.seed = seedOption("RandomZoom", options.seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
  }

  /** Zooms each image of a batch by its own factors in training. */
  protected override callBatch(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) return images;
    const [batch, height, width] = images.shape;
    const zh = uniforms(this.seedGenerator, batch, 1 + this.#height[0], 1 + this.#height[1]);
    const zw = this.#width === null
      ? zh
      : uniforms(this.seedGenerator, batch, 1 + this.#width[0], 1 + this.#width[1]);
    const rows = new Float32Array(batch * 8);
    for (let b = 0; b < batch; b++) {
      // Output (x, y) reads the point z·(x, y) + (1 − z)·centre.
      const ox = ((width - 1) / 2) * (1 - zw[b]);
      const oy = ((height - 1) / 2) * (1 - zh[b]);
      rows.set([zw[b], 0, ox, 0, zh[b], oy, 0, 0], b * 8);
    }
    return transformBatch(images, rows, this.geometry);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      heightFactor: factorConfig(this.heightFactor),
      widthFactor: this.widthFactor === null ? null : factorConfig(this.widthFactor),
      ...this.geometry,
      seed: this.seed,
    };
  }
}
