/**
 * Conv3D: 3-D convolution over volumes and video.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { BaseConv, type ConvOptions } from "./base_conv.ts";

/**
 * A 3-D convolution: input `[batch, depth, rows, cols, channels]`, kernel
 * `[kDepth, kRows, kCols, channels / groups, filters]`, output `[batch,
 * outDepth, outRows, outCols, filters]` with Keras's output sizes and
 * asymmetric `"same"` padding (the smaller half before); then bias and
 * activation. It runs through the seam's general convolution
 * (`fused.convBiasActivation`: im2col and one matrix product per group on
 * kerno's backend).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 4, 6, 6, 2]);
 * const conv = new layers.Conv3D(3, 3, { padding: "same" }); // 3·3·3·2·3 + 3 = 165 parameters
 * const y = conv.apply(x); // shape [1, 4, 6, 6, 3]
 * tf.dispose([x, y]);
 * ```
 */
export class Conv3D extends BaseConv {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["filters", "kernelSize"];
  /** The keys of `ConvOptions`. */
  static override optionKeys: readonly string[] = BaseConv.optionKeys;

  /**
   * Creates a Conv3D layer.
   *
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window size: an integer or `[depth, rows, cols]`.
   * @param options Strides, padding (`"valid"` | `"same"`), dilation, groups, data format,
   *   activation, bias, initializers and regularizers.
   */
  constructor(filters: number, kernelSize: number | number[], options: ConvOptions = {}) {
    super(3, filters, kernelSize, options);
  }

  /** Convolution, bias and activation as the seam's one operation (unless `convolutionOp` is overridden). */
  protected override convolveFused(
    inputs: tf.Tensor,
    bias: tf.Tensor,
    activation: "relu" | "linear",
  ): tf.Tensor | null {
    if (!this.convolutionIsBuiltIn(Conv3D)) return null;
    return this.generalConvolution(inputs, this.kernel!, bias, activation);
  }

  /**
   * Keras's `convolution_op`: the bare convolution of `inputs` with `kernel`
   * (strides, padding, dilation and groups of the layer).
   *
   * @param inputs `[batch, depth, rows, cols, channels]` (channels last).
   * @param kernel `[kDepth, kRows, kCols, channels / groups, filters]`.
   * @returns `[batch, outDepth, outRows, outCols, filters]`.
   */
  override convolutionOp(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return this.generalConvolution(inputs, kernel, null, "linear");
  }
}
