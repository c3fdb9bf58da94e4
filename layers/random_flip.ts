/**
 * RandomFlip: flips images left-right and/or top-bottom while training.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { LAYER_OPTION_KEYS, type LayerOptions } from "../engine/layer.ts";
import { SeedGenerator } from "../engine/seed_generator.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { seedOption } from "./_noise.ts";
import { BaseImageLayer, transformBatch, uniforms } from "./_image_layer.ts";
import { oneOf } from "../engine/validate.ts";

/** Which flips {@link RandomFlip} makes. */
export type FlipMode = "horizontal" | "vertical" | "horizontal_and_vertical";

/** Options of {@link RandomFlip}. */
export interface RandomFlipOptions extends LayerOptions {
  /** Seed of the layer's own generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

/**
 * Keras's `RandomFlip`: in training, each image is flipped with probability
 * ½ — left-right (`"horizontal"`), top-bottom (`"vertical"`), or both at
 * once (`"horizontal_and_vertical"`, one draw for the two, as Keras 3);
 * outside training the images pass unchanged. Runs through the seam's
 * `affineTransform` (an exact copy: every source coordinate is a pixel).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const images = tf.randomUniform([4, 8, 8, 1]);
 * const y = new layers.RandomFlip("horizontal", { seed: 1 }).apply(images, { training: true });
 * tf.dispose([images, y]);
 * ```
 */
export class RandomFlip extends BaseImageLayer {
  /** Which flips. */
  readonly mode: FlipMode;
  /** The fixed seed, or null. */
  readonly seed: number | null;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["mode"];

  /** The keys of {@link RandomFlipOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "seed",
  ] satisfies (keyof RandomFlipOptions)[];

  /**
   * Creates a RandomFlip layer.
   *
   * @param mode `"horizontal"`, `"vertical"` or `"horizontal_and_vertical"`;
   *   or the options, the mode then taking its default.
   * @param options `seed`.
   */
  constructor(
    mode: FlipMode | RandomFlipOptions = "horizontal_and_vertical",
    options: RandomFlipOptions = {},
  ) {
    if (typeof mode === "object" && mode !== null && !Array.isArray(mode)) {
      [mode, options] = ["horizontal_and_vertical", mode];
    }
    super(
      layerOptions("RandomFlip", options, noPositional, 'new RandomFlip("horizontal", { seed })'),
    );
    this.mode = oneOf(
      "build RandomFlip",
      "mode",
      mode,
      [
        "horizontal",
        "vertical",
        "horizontal_and_vertical",
      ] as const,
    );
    this.seed = seedOption("RandomFlip", options.seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
  }

  /** Flips about half of a batch in training. */
  protected override callBatch(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) return images;
    const [batch, height, width] = images.shape;
    const draws = uniforms(this.seedGenerator, batch, 0, 1);
    const h = this.mode !== "vertical";
    const v = this.mode !== "horizontal";
    const rows = new Float32Array(batch * 8);
    for (let b = 0; b < batch; b++) {
      const flip = draws[b] <= 0.5;
      // Output (x, y) reads (width-1-x, y) and/or (x, height-1-y).
      rows.set([
        flip && h ? -1 : 1,
        0,
        flip && h ? width - 1 : 0,
        0,
        flip && v ? -1 : 1,
        flip && v ? height - 1 : 0,
        0,
        0,
      ], b * 8);
    }
    return transformBatch(images, rows, {
      interpolation: "nearest",
      fillMode: "nearest",
      fillValue: 0,
    });
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode, seed: this.seed };
  }
}
