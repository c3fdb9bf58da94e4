/**
 * Resizing: images to a fixed height and width, TensorFlow's way.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { LAYER_OPTION_KEYS, type LayerOptions, type Shape } from "../engine/layer.ts";
import { fused, type ResizeMethod } from "../engine/fused.ts";
import { RESIZE_METHODS } from "../engine/_image_ops.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { aspectWindow, BaseImageLayer, resizedShape } from "./_image_layer.ts";
import { boolean, oneOf, positiveInt } from "../engine/validate.ts";

/** Options of {@link Resizing}. */
export interface ResizingOptions extends LayerOptions {
  /**
   * `"bilinear"`, `"nearest"`, `"bicubic"` (Keys' cubic, a = −0.5),
   * `"area"`, `"lanczos3"` or `"lanczos5"`, as TensorFlow's
   * `tf.image.resize` (half-pixel centres, no antialiasing). @default "bilinear"
   */
  interpolation?: ResizeMethod;
  /**
   * Crops the largest centred window of the target's aspect ratio before
   * resizing, so nothing is stretched. @default false
   */
  cropToAspectRatio?: boolean;
}

/**
 * Keras's `Resizing`: resizes images (`[height, width, channels]` or a
 * batch of them, any size, channels last) to `height` × `width`, in
 * training and inference alike, with TensorFlow's pixel conventions;
 * outputs are float32. Runs as the seam's `resizeImages` (kerno's backend:
 * one pass over the rows and one over the columns).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const images = tf.zeros([2, 48, 64, 3]);
 * const y = new layers.Resizing(32, 32, { cropToAspectRatio: true }).apply(images); // [2, 32, 32, 3]
 * tf.dispose([images, y]);
 * ```
 */
export class Resizing extends BaseImageLayer {
  /** The output height. */
  readonly height: number;
  /** The output width. */
  readonly width: number;
  /** The interpolation. */
  readonly interpolation: ResizeMethod;
  /** Whether the aspect ratio is kept by cropping first. */
  readonly cropToAspectRatio: boolean;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["height", "width"];

  /** The keys of {@link ResizingOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "interpolation",
    "cropToAspectRatio",
  ] satisfies (keyof ResizingOptions)[];

  /**
   * Creates a Resizing layer.
   *
   * @param height The output height.
   * @param width The output width.
   * @param options `interpolation` and `cropToAspectRatio`.
   */
  constructor(height: number, width: number, options: ResizingOptions = {}) {
    const how = 'new Resizing(height, width, { interpolation: "bilinear" })';
    super(layerOptions("Resizing", options, noPositional, how));
    const what = "build Resizing";
    this.height = positiveInt(what, "height", height);
    this.width = positiveInt(what, "width", width);
    this.interpolation = oneOf(
      what,
      "interpolation",
      options.interpolation ?? "bilinear",
      RESIZE_METHODS,
    );
    this.cropToAspectRatio = boolean(what, "cropToAspectRatio", options.cropToAspectRatio, false);
  }

  /** Resizes a batch. */
  protected override callBatch(images: tf.Tensor4D): tf.Tensor4D {
    const x = this.cropToAspectRatio ? aspectWindow(images, this.height, this.width) : images;
    return fused.resizeImages(x, [this.height, this.width], this.interpolation);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return resizedShape(inputShape, this.height, this.width);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      height: this.height,
      width: this.width,
      interpolation: this.interpolation,
      cropToAspectRatio: this.cropToAspectRatio,
    };
  }
}
