/**
 * CenterCrop: the central `height` × `width` window of each image.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from "../engine/layer.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { BaseImageLayer, cropToAspectThenResize, resizedShape } from "./_image_layer.ts";
import { positiveInt } from "../engine/validate.ts";

/**
 * Keras's `CenterCrop`: the central `height` × `width` window of each image
 * (`[height, width, channels]` or a batch, channels last), starting at
 * `⌊(H − height)/2⌋`, `⌊(W − width)/2⌋`. An image smaller than the target
 * along either axis is instead cropped to the target's aspect ratio and
 * resized (bilinear), as Keras's `smart_resize`. Outputs are float32.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const images = tf.zeros([2, 32, 40, 3]);
 * const y = new layers.CenterCrop(28, 28).apply(images); // [2, 28, 28, 3]
 * tf.dispose([images, y]);
 * ```
 */
export class CenterCrop extends BaseImageLayer {
  /** The output height. */
  readonly height: number;
  /** The output width. */
  readonly width: number;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["height", "width"];

  /** The keys of the options: the base layer's. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates a CenterCrop layer.
   *
   * @param height The output height.
   * @param width The output width.
   * @param options The base layer's options (`name`, `inputShape`, …).
   */
  constructor(height: number, width: number, options: LayerOptions = {}) {
    super(layerOptions("CenterCrop", options, noPositional, "new CenterCrop(height, width)"));
    this.height = positiveInt("build CenterCrop", "height", height);
    this.width = positiveInt("build CenterCrop", "width", width);
  }

  /** Crops a batch. */
  protected override callBatch(images: tf.Tensor4D): tf.Tensor4D {
    const [batch, h, w, c] = images.shape;
    if (h < this.height || w < this.width) {
      return cropToAspectThenResize(images, this.height, this.width);
    }
    const top = Math.floor((h - this.height) / 2);
    const left = Math.floor((w - this.width) / 2);
    return tf.slice(images, [0, top, left, 0], [batch, this.height, this.width, c]);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return resizedShape(inputShape, this.height, this.width);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}
