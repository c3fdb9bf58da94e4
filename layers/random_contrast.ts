/**
 * RandomContrast: scales each image's contrast by a random factor while training.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { LAYER_OPTION_KEYS, type LayerOptions } from "../engine/layer.ts";
import { type ImageFactor, RandomValueLayer, uniforms } from "./_image_layer.ts";
import { reject } from "../engine/validate.ts";

/** Options of {@link RandomContrast}. */
export interface RandomContrastOptions extends LayerOptions {
  /** The images' value range; outputs are clipped to it. @default [0, 255] */
  valueRange?: [number, number];
  /** Seed of the layer's own generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

/** `[lower, upper]` of a contrast factor: a number in [0, 1] for both, or a pair of them. */
function contrastRange(value: unknown): [number, number] {
  const want = "a number in [0, 1] or a list of two of them [lower, upper]";
  const ok = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1;
  if (typeof value === "number") {
    if (!ok(value)) reject("build RandomContrast", "factor", value, want, RangeError);
    return [value, value];
  }
  if (!Array.isArray(value)) reject("build RandomContrast", "factor", value, want);
  if (value.length !== 2 || !value.every(ok)) {
    reject("build RandomContrast", "factor", value, want, RangeError);
  }
  return [value[0], value[1]];
}

/**
 * Keras's `RandomContrast`: in training, each image gets its own factor
 * `c`, uniform in `[1 − lower, 1 + upper]` (a number `f` gives
 * `[1 − f, 1 + f]`), and every value becomes `(x − mean) · c + mean`, the
 * mean taken per image and channel over height and width, clipped to
 * `valueRange`; outside training the images pass unchanged.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const images = tf.randomUniform([4, 8, 8, 3], 0, 255);
 * const y = new layers.RandomContrast(0.2, { seed: 1 }).apply(images, { training: true });
 * tf.dispose([images, y]);
 * ```
 */
export class RandomContrast extends RandomValueLayer {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["factor"];

  /** The keys of {@link RandomContrastOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "valueRange",
    "seed",
  ] satisfies (keyof RandomContrastOptions)[];

  /**
   * Creates a RandomContrast layer.
   *
   * @param factor `f` in [0, 1] for factors in `[1 − f, 1 + f]`, or `[lower, upper]`.
   * @param options `valueRange`, `seed`.
   */
  constructor(factor: ImageFactor, options: RandomContrastOptions = {}) {
    super("RandomContrast", factor, options, contrastRange);
  }

  /** Adjusts each image's contrast by its own factor in training. */
  protected override callBatch(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) return images;
    const batch = images.shape[0];
    const [lower, upper] = this.range;
    const draws = uniforms(this.seedGenerator, batch, 1 - lower, 1 + upper);
    const factors = tf.tensor4d(Float32Array.from(draws), [batch, 1, 1, 1]);
    const mean = tf.mean(images, [1, 2], true);
    const adjusted = tf.add(tf.mul(tf.sub(images, mean), factors), mean);
    return tf.clipByValue(adjusted, this.valueRange[0], this.valueRange[1]) as tf.Tensor4D;
  }
}
