/**
 * Conv3DTranspose: transposed 3-D convolution (up-sampling volumes).
 *
 * @module
 */
import { BaseConvTranspose, type ConvTransposeOptions } from "./_conv_transpose_base.ts";

/**
 * A transposed 3-D convolution: input `[batch, depth, rows, cols,
 * channels]`, kernel `[kDepth, kRows, kCols, filters, channels]`, output
 * sizes as `Conv2DTranspose`'s along each of the three axes, Keras's
 * placement of the taps, then bias and activation.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 2, 3, 3, 4]);
 * const y = new layers.Conv3DTranspose(2, 2, { strides: 2 }).apply(x); // [1, 4, 6, 6, 2]
 * tf.dispose([x, y]);
 * ```
 */
export class Conv3DTranspose extends BaseConvTranspose {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["filters", "kernelSize"];
  /** The keys of `ConvTransposeOptions`. */
  static override optionKeys: readonly string[] = BaseConvTranspose.optionKeys;

  /**
   * Creates a Conv3DTranspose layer.
   *
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window size: an integer or `[depth, rows, cols]`.
   * @param options Strides, padding (`"valid"` | `"same"`), output padding, data format,
   *   dilation, activation, bias, initializers and regularizers.
   */
  constructor(filters: number, kernelSize: number | number[], options: ConvTransposeOptions = {}) {
    super(3, filters, kernelSize, options);
  }
}
