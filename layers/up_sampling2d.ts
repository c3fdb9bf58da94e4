/**
 * UpSampling2D: an image enlarged by whole factors, by repeating or interpolating.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { type CallOptions, LAYER_OPTION_KEYS, type LayerOptions } from "../engine/layer.ts";
import { fused } from "../engine/fused.ts";
import { paddingMode } from "./_checks.ts";
import {
  type DataFormat,
  fromChannelsLast,
  SpatialRepeatLayer,
  toChannelsLast,
  valueOrOptions,
} from "./_reshaping.ts";

/** The interpolations of {@link UpSampling2D}, Keras's list. */
export type UpSamplingInterpolation = "nearest" | "bilinear" | "bicubic" | "lanczos3" | "lanczos5";

const INTERPOLATIONS: readonly UpSamplingInterpolation[] = [
  "nearest",
  "bilinear",
  "bicubic",
  "lanczos3",
  "lanczos5",
];

/** Options of {@link UpSampling2D}. */
export interface UpSampling2DOptions extends LayerOptions {
  /** The factors for rows and columns: one integer or two. @default 2 */
  size?: number | number[];
  /** Where the channels are. @default "channels_last" */
  dataFormat?: DataFormat;
  /**
   * `"nearest"` repeats each pixel; the others resize as TensorFlow's
   * `tf.image.resize` (half-pixel centres, no antialiasing), which for
   * `"bilinear"` is PyTorch's `interpolate(..., align_corners=False)`.
   * @default "nearest"
   */
  interpolation?: UpSamplingInterpolation;
}

/**
 * Keras's `UpSampling2D`: input `[batch, rows, cols, channels]` (or `[batch,
 * channels, rows, cols]` with `dataFormat: "channels_first"`), output with
 * `rows · size[0]` rows and `cols · size[1]` columns.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
 * const y = new layers.UpSampling2D(2).apply(x); // each pixel a 2x2 block: shape [1, 4, 4, 1]
 * const z = new layers.UpSampling2D([2, 2], { interpolation: "bilinear" }).apply(x);
 * tf.dispose([x, y, z]);
 * ```
 */
export class UpSampling2D extends SpatialRepeatLayer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static override readonly exactOutputShape = true;
  /** How new pixels are made. */
  readonly interpolation: UpSamplingInterpolation;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of {@link UpSampling2DOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "size",
    "dataFormat",
    "interpolation",
  ] satisfies (keyof UpSampling2DOptions)[];

  /**
   * Creates an UpSampling2D layer.
   *
   * @param size The factors, positionally as Keras (`UpSampling2D(2)`, `UpSampling2D([2, 3])`), or
   *   the options: `size` (default 2), `dataFormat` (default "channels_last"), `interpolation`
   *   (default "nearest").
   * @param options The options, when `size` is given positionally.
   */
  constructor(size?: number | number[] | UpSampling2DOptions, options?: UpSampling2DOptions) {
    const o = valueOrOptions<UpSampling2DOptions>("UpSampling2D", "size", size, options);
    super("UpSampling2D", 2, o);
    this.interpolation = paddingMode(
      "build UpSampling2D",
      "interpolation",
      o.interpolation,
      INTERPOLATIONS,
    );
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    if (this.interpolation === "nearest") return super.call(inputs, options);
    const x = toChannelsLast(inputs, this.dataFormat) as tf.Tensor4D;
    const [, rows, cols] = x.shape;
    const size: [number, number] = [rows * this.size[0], cols * this.size[1]];
    return fromChannelsLast(fused.resizeImages(x, size, this.interpolation), this.dataFormat);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), interpolation: this.interpolation };
  }
}
