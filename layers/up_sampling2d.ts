/**
 * UpSampling2D: an image enlarged by whole factors, by repeating or interpolating.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { fused } from "../engine/fused.ts";
import { intTuple, paddingMode } from "./_checks.ts";
import {
  checkSpatialRank,
  type DataFormat,
  dataFormatOption,
  fromChannelsLast,
  repeatSpatial,
  spatialAxes,
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
export class UpSampling2D extends Layer {
  /** The factors for rows and columns. */
  readonly size: number[];
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
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
    super(o);
    const what = "build UpSampling2D";
    this.size = intTuple(what, "size", o.size ?? 2, 2);
    this.dataFormat = dataFormatOption(what, o.dataFormat);
    this.interpolation = paddingMode(what, "interpolation", o.interpolation, INTERPOLATIONS);
    this.supportsMasking = false;
  }

  /** Checks the input's rank (called once by `apply`). */
  override build(inputShape: Shape): void {
    checkSpatialRank(this, inputShape, 2, this.dataFormat);
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    if (this.interpolation === "nearest") {
      return repeatSpatial(inputs, this.size, this.dataFormat);
    }
    const x = toChannelsLast(inputs, this.dataFormat) as tf.Tensor4D;
    const [, rows, cols] = x.shape;
    const size: [number, number] = [rows * this.size[0], cols * this.size[1]];
    return fromChannelsLast(fused.resizeImages(x, size, this.interpolation), this.dataFormat);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    const out = [...inputShape];
    spatialAxes(2, this.dataFormat).forEach((axis, i) => {
      const d = out[axis];
      out[axis] = d === null ? null : d * this.size[i];
    });
    return out;
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      size: [...this.size],
      dataFormat: this.dataFormat,
      interpolation: this.interpolation,
    };
  }
}
