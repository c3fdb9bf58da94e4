/**
 * DepthwiseConv2D: a 2-D convolution of each channel on its own.
 *
 * @module
 */
import { BaseDepthwiseConv, type DepthwiseConvOptions } from "./_depthwise.ts";

/**
 * Keras's `DepthwiseConv2D`: input `[batch, rows, cols, channels]`, kernel
 * `[kRows, kCols, channels, depthMultiplier]`, output `[batch, outRows,
 * outCols, channels·depthMultiplier]`, channel `c·depthMultiplier + m`
 * being channel `c` convolved with kernel `m`; no mixing across channels.
 * `"same"` padding puts the odd pixel at the end, as TensorFlow; with
 * `dataFormat: "channels_first"` the channels come before the rows.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 8, 8, 3]);
 * const conv = new layers.DepthwiseConv2D(3, { depthMultiplier: 2, padding: "same" });
 * const y = conv.apply(x); // shape [1, 8, 8, 6]; 3·3·3·2 + 6 = 60 parameters
 * tf.dispose([x, y]);
 * ```
 */
export class DepthwiseConv2D extends BaseDepthwiseConv {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["kernelSize"];
  /** The keys of `DepthwiseConvOptions`. */
  static override optionKeys: readonly string[] = BaseDepthwiseConv.optionKeys;

  /**
   * Creates a DepthwiseConv2D layer.
   *
   * @param kernelSize Window size: an integer or `[rows, cols]`.
   * @param options `depthMultiplier`, strides, padding (`"valid"` | `"same"`), dilation,
   *   `dataFormat`, activation, bias, initializers and regularizers.
   */
  constructor(kernelSize: number | number[], options: DepthwiseConvOptions = {}) {
    super(2, kernelSize, options);
  }
}
