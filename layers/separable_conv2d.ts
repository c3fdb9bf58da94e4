/**
 * SeparableConv2D: a depthwise 2-D convolution, then a pointwise (1×1) one.
 *
 * @module
 */
import { BaseSeparableConv, type SeparableConvOptions } from "./_depthwise.ts";

/**
 * Keras's `SeparableConv2D`: a depthwise convolution (kernel `[kRows,
 * kCols, channels, depthMultiplier]`, strides, padding and dilation of the
 * layer) whose `channels·depthMultiplier` outputs a pointwise convolution
 * (kernel `[1, 1, channels·depthMultiplier, filters]`) mixes into
 * `filters` channels; then bias and activation. Far fewer parameters than
 * a `Conv2D` of the same window (MobileNet's building block).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 8, 8, 16]);
 * const conv = new layers.SeparableConv2D(32, 3, { padding: "same", activation: "relu" });
 * const y = conv.apply(x); // shape [1, 8, 8, 32]; 3·3·16 + 16·32 + 32 = 688 parameters
 * tf.dispose([x, y]);
 * ```
 */
export class SeparableConv2D extends BaseSeparableConv {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["filters", "kernelSize"];
  /** The keys of `SeparableConvOptions`. */
  static override optionKeys: readonly string[] = BaseSeparableConv.optionKeys;

  /**
   * Creates a SeparableConv2D layer.
   *
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window size of the depthwise step: an integer or `[rows, cols]`.
   * @param options `depthMultiplier`, strides, padding (`"valid"` | `"same"`), dilation,
   *   `dataFormat`, activation, bias, the kernels' initializers and regularizers.
   */
  constructor(filters: number, kernelSize: number | number[], options: SeparableConvOptions = {}) {
    super(2, filters, kernelSize, options);
  }
}
