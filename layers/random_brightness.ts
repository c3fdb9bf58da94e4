/**
 * RandomBrightness: adds a random brightness offset to each image while training.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { LAYER_OPTION_KEYS, type LayerOptions } from "../engine/layer.ts";
import { factorRange, type ImageFactor, RandomValueLayer, uniforms } from "./_image_layer.ts";

/** Options of {@link RandomBrightness}. */
export interface RandomBrightnessOptions extends LayerOptions {
  /** The images' value range; the offset is a fraction of it and outputs are clipped to it. @default [0, 255] */
  valueRange?: [number, number];
  /** Seed of the layer's own generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

/**
 * Keras's `RandomBrightness`: in training, each image gets its own offset
 * `d · (high − low)` with `d` drawn from `factor` (a number `f` in [0, 1]
 * gives `[−f, f]`, a pair `[lower, upper]` in [−1, 1]; −1 turns an image
 * black, 1 white), added to every value and clipped to `valueRange` =
 * `[low, high]`; outside training the images pass unchanged.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const images = tf.randomUniform([4, 8, 8, 3], 0, 255);
 * const y = new layers.RandomBrightness(0.2, { seed: 1 }).apply(images, { training: true });
 * tf.dispose([images, y]);
 * ```
 */
export class RandomBrightness extends RandomValueLayer {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["factor"];

  /** The keys of {@link RandomBrightnessOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "valueRange",
    "seed",
  ] satisfies (keyof RandomBrightnessOptions)[];

  /**
   * Creates a RandomBrightness layer.
   *
   * @param factor `f` in [0, 1] for `[−f, f]`, or `[lower, upper]` in [−1, 1].
   * @param options `valueRange`, `seed`.
   */
  constructor(factor: ImageFactor, options: RandomBrightnessOptions = {}) {
    super(
      "RandomBrightness",
      factor,
      options,
      (f) => factorRange("build RandomBrightness", "factor", f, -1, 1),
    );
  }

  /** Shifts each image's values by its own offset in training. */
  protected override callBatch(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) return images;
    const batch = images.shape[0];
    const [low, high] = this.valueRange;
    const draws = uniforms(this.seedGenerator, batch, this.range[0], this.range[1]);
    const offsets = tf.tensor4d(Float32Array.from(draws, (d) => d * (high - low)), [
      batch,
      1,
      1,
      1,
    ]);
    return tf.clipByValue(tf.add(images, offsets), low, high) as tf.Tensor4D;
  }
}
