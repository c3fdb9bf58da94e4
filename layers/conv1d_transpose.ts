/**
 * Conv1DTranspose: transposed 1-D convolution (up-sampling sequences).
 *
 * @module
 */
import { BaseConvTranspose, type ConvTransposeOptions } from "./_conv_transpose_base.ts";

/**
 * A transposed 1-D convolution: input `[batch, steps, channels]`, kernel
 * `[k, filters, channels]`, output `[batch, outSteps, filters]` with
 * `outSteps = steps·stride` (`"same"`) or `(steps − 1)·stride + max(span,
 * stride)` (`"valid"`), or Keras's formula with `outputPadding`. Each input
 * step adds `kernel · x` into the outputs from `step·stride` on (the
 * adjoint of Conv1D), then bias and activation.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 5, 3]);
 * const y = new layers.Conv1DTranspose(4, 3, { strides: 2, padding: "same" }).apply(x); // [2, 10, 4]
 * tf.dispose([x, y]);
 * ```
 */
export class Conv1DTranspose extends BaseConvTranspose {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["filters", "kernelSize"];
  /** The keys of `ConvTransposeOptions`. */
  static override optionKeys: readonly string[] = BaseConvTranspose.optionKeys;

  /**
   * Creates a Conv1DTranspose layer.
   *
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window size: an integer or a list of one.
   * @param options Strides, padding (`"valid"` | `"same"`), output padding, data format,
   *   dilation, activation, bias, initializers and regularizers.
   */
  constructor(filters: number, kernelSize: number | number[], options: ConvTransposeOptions = {}) {
    super(1, filters, kernelSize, options);
  }
}
