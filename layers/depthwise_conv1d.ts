/**
 * DepthwiseConv1D: a 1-D convolution of each channel on its own.
 *
 * @module
 */
import { BaseDepthwiseConv, type DepthwiseConvOptions } from "./_depthwise.ts";

/**
 * Keras's `DepthwiseConv1D`: input `[batch, steps, channels]`, kernel
 * `[k, channels, depthMultiplier]`, output `[batch, outSteps,
 * channels·depthMultiplier]`, channel `c·depthMultiplier + m` being channel
 * `c` convolved with kernel `m`. `"same"` padding puts the odd step at the
 * end, as TensorFlow.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([4, 10, 12]);
 * const y = new layers.DepthwiseConv1D(3, { depthMultiplier: 3, strides: 2 }).apply(x);
 * console.log(y.shape); // [4, 4, 36]
 * tf.dispose([x, y]);
 * ```
 */
export class DepthwiseConv1D extends BaseDepthwiseConv {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["kernelSize"];
  /** The keys of `DepthwiseConvOptions`. */
  static override optionKeys: readonly string[] = BaseDepthwiseConv.optionKeys;

  /**
   * Creates a DepthwiseConv1D layer.
   *
   * @param kernelSize Window length: an integer (or a one-element list).
   * @param options `depthMultiplier`, strides, padding (`"valid"` | `"same"`), dilation,
   *   `dataFormat`, activation, bias, initializers and regularizers.
   */
  constructor(kernelSize: number | number[], options: DepthwiseConvOptions = {}) {
    super(1, kernelSize, options);
  }
}
