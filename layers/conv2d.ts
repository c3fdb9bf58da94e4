/**
 * Conv2D: 2-D convolution over images, channels last.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { fused } from "../engine/fused.ts";
import { BaseConv, type ConvOptions } from "./base_conv.ts";

/**
 * A 2-D convolution: input `[batch, rows, cols, channels]`, kernel
 * `[kRows, kCols, channels, filters]`, output `[batch, outRows, outCols,
 * filters]` with `out = ceil((in - (k-1)·dilation) / stride)` for `"valid"`
 * padding and `ceil(in / stride)` for `"same"`; then bias and activation.
 * `groups` splits the channels and filters into blocks convolved apart;
 * `dataFormat: "channels_first"` takes and gives `[batch, channels, rows,
 * cols]`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 28, 28, 1]);
 * const conv = new layers.Conv2D(32, 3, { activation: "relu" }); // 320 parameters
 * const y = conv.apply(x); // shape [1, 26, 26, 32]
 * tf.dispose([x, y]);
 * ```
 */
export class Conv2D extends BaseConv {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = ["filters", "kernelSize"];
  /** The keys of `ConvOptions`. */
  static override optionKeys: readonly string[] = BaseConv.optionKeys;

  /**
   * Creates a Conv2D layer.
   *
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window size: an integer or `[rows, cols]`.
   * @param options Strides, padding (`"valid"` | `"same"`), dilation, groups, data format,
   *   activation, bias, initializers and regularizers.
   */
  constructor(filters: number, kernelSize: number | number[], options: ConvOptions = {}) {
    super(2, filters, kernelSize, options);
  }

  /**
   * Convolution, bias and activation as one operation, which a backend may
   * fuse; `null` (the separate ops) when a subclass overrides
   * `convolutionOp` (or `convolve`), so that its convolution is the one
   * that runs, taped or not.
   */
  protected override convolveFused(
    inputs: tf.Tensor,
    bias: tf.Tensor,
    activation: "relu" | "linear",
  ): tf.Tensor | null {
    if (!this.convolutionIsBuiltIn(Conv2D)) return null;
    if (this.groups > 1) return this.generalConvolution(inputs, this.kernel!, bias, activation);
    return fused.conv2dBiasActivation(
      inputs as tf.Tensor4D,
      this.effectiveKernel() as tf.Tensor4D,
      bias as tf.Tensor1D,
      {
        strides: this.strides as [number, number],
        padding: this.padding as "valid" | "same",
        dilations: [1, 1],
        activation,
      },
    );
  }

  /**
   * Keras's `convolution_op`: the bare convolution of `inputs` with `kernel`
   * (strides, padding and dilation of the layer).
   *
   * @param inputs `[batch, rows, cols, channels]` (channels last: `call`
   *   transposes a `"channels_first"` batch before).
   * @param kernel `[kRows, kCols, channels / groups, filters]`.
   * @returns `[batch, outRows, outCols, filters]`.
   */
  override convolutionOp(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    if (this.groups > 1) return this.generalConvolution(inputs, kernel, null, "linear");
    return tf.conv2d(
      inputs as tf.Tensor4D,
      this.effectiveKernel(kernel) as tf.Tensor4D,
      this.strides as [number, number],
      this.padding as "valid" | "same",
      "NHWC",
    );
  }
}
