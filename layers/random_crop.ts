/**
 * RandomCrop: a random `height` × `width` window of each image while training.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from "../engine/layer.ts";
import { fused } from "../engine/fused.ts";
import { SeedGenerator } from "../engine/seed_generator.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { seedOption } from "./_noise.ts";
import { BaseImageLayer, cropToAspectThenResize, resizedShape, uniforms } from "./_image_layer.ts";
import { positiveInt } from "../engine/validate.ts";

/** Options of {@link RandomCrop}. */
export interface RandomCropOptions extends LayerOptions {
  /** Seed of the layer's own generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

/**
 * Keras's `RandomCrop`: in training, a `height` × `width` window of each
 * image at its own random position (each offset uniform over the places
 * the window fits); outside training, and for images smaller than the
 * window, the image is cropped to the window's aspect ratio and resized to
 * it (bilinear), as Keras 3 does. Keras 3 draws one position per batch;
 * kerno draws one per image, and also crops at random along the one axis
 * that is larger when the other equals the window's (Keras then takes the
 * aspect-ratio path). Runs through the seam's `affineTransform` (an exact
 * copy) and `resizeImages`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const images = tf.randomUniform([4, 32, 32, 3]);
 * const y = new layers.RandomCrop(28, 28, { seed: 1 }).apply(images, { training: true }); // [4, 28, 28, 3]
 * tf.dispose([images, y]);
 * ```
 */
export class RandomCrop extends BaseImageLayer {
  /** The output height. */
  readonly height: number;
  /** The output width. */
  readonly width: number;
  /** The fixed seed, or null. */
  readonly seed: number | null;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["height", "width"];

  /** The keys of {@link RandomCropOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "seed",
  ] satisfies (keyof RandomCropOptions)[];

  /**
   * Creates a RandomCrop layer.
   *
   * @param height The output height.
   * @param width The output width.
   * @param options `seed`.
   */
  constructor(height: number, width: number, options: RandomCropOptions = {}) {
    super(
      layerOptions("RandomCrop", options, noPositional, "new RandomCrop(height, width, { seed })"),
    );
    this.height = positiveInt("build RandomCrop", "height", height);
    this.width = positiveInt("build RandomCrop", "width", width);
    this.seed = seedOption("RandomCrop", options.seed);
    if (this.seed !== null) this.seedGenerator = new SeedGenerator(this.seed);
  }

  /** Crops each image at its own position in training; crops and resizes otherwise. */
  protected override callBatch(images: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const [batch, h, w] = images.shape;
    if (!training || h < this.height || w < this.width) {
      return cropToAspectThenResize(images, this.height, this.width);
    }
    const top = uniforms(this.seedGenerator, batch, 0, h - this.height + 1);
    const left = uniforms(this.seedGenerator, batch, 0, w - this.width + 1);
    const rows = new Float32Array(batch * 8);
    for (let b = 0; b < batch; b++) {
      rows.set([1, 0, Math.floor(left[b]), 0, 1, Math.floor(top[b]), 0, 0], b * 8);
    }
    const transforms = tf.tensor2d(rows, [batch, 8]);
    return fused.affineTransform(images, transforms, "nearest", "nearest", 0, [
      this.height,
      this.width,
    ]);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return resizedShape(inputShape, this.height, this.width);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, seed: this.seed };
  }
}
