/**
 * Conv2DTranspose: transposed 2-D convolution (up-sampling images).
 *
 * @module
 */
import { BaseConvTranspose, type ConvTransposeOptions } from "./_conv_transpose_base.ts";

/**
 * A transposed 2-D convolution (sometimes called a deconvolution): input
 * `[batch, rows, cols, channels]`, kernel `[kRows, kCols, filters,
 * channels]` (Keras's layout), output `[batch, rows·stride, cols·stride,
 * filters]` for `"same"` padding and `(n − 1)·stride + max(span, stride)`
 * per axis for `"valid"`; `outputPadding` (each smaller than its stride)
 * sets the size as Keras does. Keras's asymmetric `"same"` placement;
 * `dataFormat: "channels_first"` takes and gives `[batch, channels, rows,
 * cols]`. On kerno's backend it runs as one matrix product and a col2im
 * scatter.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 7, 7, 64]);
 * const up = new layers.Conv2DTranspose(32, 3, { strides: 2, padding: "same", activation: "relu" });
 * const y = up.apply(x); // shape [1, 14, 14, 32]; 3·3·32·64 + 32 = 18464 parameters
 * tf.dispose([x, y]);
 * ```
 */
export class Conv2DTranspose extends BaseConvTranspose {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["filters", "kernelSize"];
  /** The keys of `ConvTransposeOptions`. */
  static override optionKeys: readonly string[] = BaseConvTranspose.optionKeys;

  /**
   * Creates a Conv2DTranspose layer.
   *
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window size: an integer or `[rows, cols]`.
   * @param options Strides, padding (`"valid"` | `"same"`), output padding, data format,
   *   dilation, activation, bias, initializers and regularizers.
   */
  constructor(filters: number, kernelSize: number | number[], options: ConvTransposeOptions = {}) {
    super(2, filters, kernelSize, options);
  }
}
