/**
 * Conv1D: 1-D convolution over sequences, channels last.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { BaseConv, type ConvOptions } from "./base_conv.ts";

/**
 * A 1-D (temporal) convolution: input `[batch, steps, channels]`, kernel
 * `[k, channels, filters]`, output `[batch, outSteps, filters]`. Padding
 * `"causal"` pads `(k-1)·dilation` zeros on the left only, so step `t` of the
 * output sees no input after `t`. `groups` splits the channels and filters
 * into blocks convolved apart.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 10, 4]);
 * const y = new layers.Conv1D(8, 3, { padding: "same" }).apply(x); // shape [2, 10, 8]
 * tf.dispose([x, y]);
 * ```
 */
export class Conv1D extends BaseConv {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["filters", "kernelSize"];
  /** The keys of `ConvOptions`. */
  static override optionKeys: readonly string[] = BaseConv.optionKeys;

  /**
   * Creates a Conv1D layer.
   *
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window length: an integer (or a one-element list).
   * @param options Strides, padding (`"valid"` | `"same"` | `"causal"`), dilation, groups,
   *   data format, activation, bias, initializers and regularizers.
   */
  constructor(filters: number, kernelSize: number | number[], options: ConvOptions = {}) {
    super(1, filters, kernelSize, options);
  }

  /**
   * A grouped convolution with its bias and activation as the seam's one
   * operation; `null` (the separate ops) otherwise, or when a subclass
   * overrides `convolutionOp`.
   */
  protected override convolveFused(
    inputs: tf.Tensor,
    bias: tf.Tensor,
    activation: "relu" | "linear",
  ): tf.Tensor | null {
    if (this.groups === 1 || !this.convolutionIsBuiltIn(Conv1D)) return null;
    return this.generalConvolution(inputs, this.kernel!, bias, activation);
  }

  /**
   * Keras's `convolution_op`: the bare convolution of `inputs` with `kernel`
   * (strides, padding, causal padding and dilation of the layer).
   *
   * @param inputs `[batch, steps, channels]`.
   * @param kernel `[k, channels / groups, filters]`.
   * @returns `[batch, outSteps, filters]`.
   */
  override convolutionOp(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    if (this.groups > 1) return this.generalConvolution(inputs, kernel, null, "linear");
    let x = inputs as tf.Tensor3D;
    let padding: "valid" | "same" = this.padding === "same" ? "same" : "valid";
    if (this.padding === "causal") {
      x = tf.pad(x, [[0, 0], [(this.kernelSize[0] - 1) * this.dilationRate[0], 0], [0, 0]]);
      padding = "valid";
    }
    return tf.conv1d(
      x,
      this.effectiveKernel(kernel) as tf.Tensor3D,
      this.strides[0],
      padding,
    );
  }
}
