/**
 * SeparableConv1D: a depthwise 1-D convolution, then a pointwise one.
 *
 * @module
 */
import { BaseSeparableConv, type SeparableConvOptions } from "./_depthwise.ts";

/**
 * Keras's `SeparableConv1D`: a depthwise convolution (kernel `[k, channels,
 * depthMultiplier]`) whose `channels·depthMultiplier` outputs a pointwise
 * convolution (kernel `[1, channels·depthMultiplier, filters]`) mixes into
 * `filters` channels; then bias and activation.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([4, 10, 12]);
 * const conv = new layers.SeparableConv1D(4, 3, { depthMultiplier: 3, strides: 2 });
 * const y = conv.apply(x); // shape [4, 4, 4]
 * tf.dispose([x, y]);
 * ```
 */
export class SeparableConv1D extends BaseSeparableConv {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["filters", "kernelSize"];
  /** The keys of `SeparableConvOptions`. */
  static override optionKeys: readonly string[] = BaseSeparableConv.optionKeys;

  /**
   * Creates a SeparableConv1D layer.
   *
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window length of the depthwise step: an integer (or a one-element list).
   * @param options `depthMultiplier`, strides, padding (`"valid"` | `"same"`), dilation,
   *   `dataFormat`, activation, bias, the kernels' initializers and regularizers.
   */
  constructor(filters: number, kernelSize: number | number[], options: SeparableConvOptions = {}) {
    super(1, filters, kernelSize, options);
  }
}
