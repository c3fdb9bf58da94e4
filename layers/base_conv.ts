/**
 * BaseConv: what Conv1D, Conv2D and Conv3D share (options, weights, bias,
 * activation, channel groups, the data format, output-shape arithmetic and
 * the input checks).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { type Activation, activationName } from "../engine/activations.ts";
import type { InitializerLike } from "../engine/initializers.ts";
import type { RegularizerLike } from "../engine/regularizers.ts";
import { convOutputLength, layerOptions, noPositional } from "./_checks.ts";
import { positiveInt } from "../engine/validate.ts";
import { fused } from "../engine/fused.ts";
import { convPadding } from "../engine/_conv_ops.ts";
import {
  checkKernelFits,
  convCommonOptions,
  convWindow,
  type DataFormat,
  dataFormatOption,
  inputChannels,
  shapeChannelsLast,
  shapeInFormat,
  toChannelsFirst,
  toChannelsLast,
} from "./_conv_checks.ts";

/** Options of {@link Conv1D}, {@link Conv2D} and {@link Conv3D}. */
export interface ConvOptions extends LayerOptions {
  /** Step of the window along each spatial axis. @default 1 */
  strides?: number | number[];
  /**
   * `"valid"` (no padding), `"same"` (zero-pad so that the output size is
   * `ceil(input / stride)`), or for Conv1D `"causal"` (pad on the left only).
   * @default "valid"
   */
  padding?: "valid" | "same" | "causal";
  /** Spacing of the kernel's taps; cannot be combined with strides > 1. @default 1 */
  dilationRate?: number | number[];
  /**
   * Channel groups: the input channels and the filters are split into
   * `groups` blocks, and block `g` of the filters sees only block `g` of the
   * channels (the kernel is `[...kernelSize, channels / groups, filters]`).
   * Must divide `filters` and the input's channels. @default 1
   */
  groups?: number;
  /**
   * Where the channels are: `"channels_last"` (`[batch, ...spatial,
   * channels]`) or `"channels_first"` (`[batch, channels, ...spatial]`).
   * @default "channels_last"
   */
  dataFormat?: DataFormat;
  /** Activation applied to the output. @default "linear" */
  activation?: string | Activation;
  /** Whether to add a bias per filter. @default true */
  useBias?: boolean;
  /** Initializer of the kernel. @default "glorot_uniform" */
  kernelInitializer?: InitializerLike;
  /** Initializer of the bias. @default "zeros" */
  biasInitializer?: InitializerLike;
  /** Penalty on the kernel. */
  kernelRegularizer?: RegularizerLike;
  /** Penalty on the bias. */
  biasRegularizer?: RegularizerLike;
}

/**
 * The shared part of the convolution layers; subclasses only convolve, in
 * `convolutionOp(inputs, kernel)` (Keras's hook).
 */
export abstract class BaseConv extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** Number of output channels. */
  readonly filters: number;
  /** Window size per spatial axis. */
  readonly kernelSize: number[];
  /** Step per spatial axis. */
  readonly strides: number[];
  /** Padding mode. */
  readonly padding: "valid" | "same" | "causal";
  /** Dilation per spatial axis. */
  readonly dilationRate: number[];
  /** Channel groups. */
  readonly groups: number;
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  readonly #rank: number;
  readonly #options: ConvOptions;
  readonly #activation: Activation;
  /** The kernel, `[...kernelSize, inChannels / groups, filters]`; set by `build`. */
  kernel: tf.Variable | null = null;
  /** The bias, `[filters]`; set by `build` when `useBias`. */
  bias: tf.Variable | null = null;

  /** The keys of {@link ConvOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "strides",
    "padding",
    "dilationRate",
    "groups",
    "dataFormat",
    "activation",
    "useBias",
    "kernelInitializer",
    "biasInitializer",
    "kernelRegularizer",
    "biasRegularizer",
  ] satisfies (keyof ConvOptions)[];

  /**
   * Creates a BaseConv layer.
   *
   * @param rank Number of spatial axes (1, 2 or 3).
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window size: an integer or one per spatial axis.
   * @param options Strides, padding, dilation, activation, bias, initializers, regularizers.
   */
  constructor(
    rank: number,
    filters: number,
    kernelSize: number | number[],
    options: ConvOptions = {},
  ) {
    super(
      layerOptions(
        new.target.name,
        options,
        noPositional,
        `new ${new.target.name}(filters, kernelSize, { strides: 2, padding: "same" })`,
      ),
    );
    const what = `build ${this.constructor.name}`;
    this.#rank = rank;
    const modes = rank === 1 ? ["valid", "same", "causal"] as const : ["valid", "same"] as const;
    const window = convWindow(what, rank, filters, kernelSize, options, modes);
    this.filters = window.filters;
    this.kernelSize = window.kernelSize;
    this.strides = window.strides;
    this.padding = window.padding;
    this.dilationRate = window.dilationRate;
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new RangeError(
        `Cannot ${what} as "strides" > 1 cannot be combined with "dilationRate" > 1: received strides ${
          JSON.stringify(this.strides)
        } and dilationRate ${JSON.stringify(this.dilationRate)}`,
      );
    }
    this.groups = positiveInt(what, "groups", options.groups ?? 1);
    if (this.filters % this.groups !== 0) {
      throw new RangeError(
        `Cannot ${what} as "groups" must divide "filters": received groups ${this.groups} and filters ${this.filters}`,
      );
    }
    this.dataFormat = dataFormatOption(what, options.dataFormat);
    this.#activation = convCommonOptions(what, options);
    this.#options = options;
  }

  /** Creates the layer's weights for the input shape (called once by `apply`). */
  override build(inputShape: Shape): void {
    const channels = inputChannels(this, inputShape, this.#rank, this.dataFormat, this.groups);
    this.#checkFits(inputShape);
    const o = this.#options;
    const kernelShape = [...this.kernelSize, channels / this.groups, this.filters];
    this.kernel = this.addWeight("kernel", kernelShape, {
      initializer: o.kernelInitializer ?? "glorot_uniform",
      regularizer: o.kernelRegularizer,
    });
    if (o.useBias ?? true) {
      this.bias = this.addWeight("bias", [this.filters], {
        initializer: o.biasInitializer ?? "zeros",
        regularizer: o.biasRegularizer,
      });
    }
  }

  /**
   * The kernel to convolve with at dilation 1: `kernel` itself, or, when
   * `dilationRate` > 1, `kernel` with `rate − 1` zeros between its taps.
   * (TensorFlow.js has no gradient for dilated convolutions; this
   * equivalent form has one.)
   *
   * @param kernel The kernel to spread. @default this.kernel
   * @returns The kernel for a convolution at dilation 1.
   */
  protected effectiveKernel(kernel: tf.Tensor = this.kernel!): tf.Tensor {
    let k: tf.Tensor = kernel;
    this.dilationRate.forEach((rate, axis) => {
      if (rate === 1) return;
      const shape = k.shape;
      const size = shape[axis];
      // [.., size, ..] → [.., size, rate, ..] with zeros after each tap → [.., size·rate, ..]
      const spread = tf.expandDims(k, axis + 1);
      const pads = spread.shape.map((_, i) =>
        [0, i === axis + 1 ? rate - 1 : 0] as [number, number]
      );
      const flat = tf.reshape(tf.pad(spread, pads), [
        ...shape.slice(0, axis),
        size * rate,
        ...shape.slice(axis + 1),
      ]);
      const span = (size - 1) * rate + 1;
      k = tf.slice(flat, shape.map(() => 0), shape.map((d, i) => (i === axis ? span : d)));
    });
    return k;
  }

  /**
   * Keras's `convolution_op`: the bare convolution of `inputs` with
   * `kernel` (no bias, no activation), with the layer's strides, padding and
   * dilation. This is the hook to override to change how the layer
   * convolves; the keras.io "subclassing conv layers" recipe standardizes
   * the kernel here and calls `super.convolutionOp(inputs, standardized)`
   * (or `tf.conv2d` itself). `call` passes `this.kernel`; `fit`, `evaluate`
   * and `predict` all run an override, on every backend, as the fused
   * convolution path applies only to the built-in op.
   *
   * @param inputs The batch, channels last.
   * @param kernel The kernel, `[...kernelSize, inChannels, filters]`.
   * @returns The convolution, `[batch, ...outSpatial, filters]`.
   */
  abstract convolutionOp(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor;

  /**
   * The layer's convolution: `convolutionOp(inputs, this.kernel)`. Kept for
   * subclasses written against earlier kerno, which overrode it (an
   * override is honoured like one of `convolutionOp`); override
   * `convolutionOp` instead, Keras's name.
   *
   * @param inputs The batch.
   * @returns The convolution.
   */
  protected convolve(inputs: tf.Tensor): tf.Tensor {
    return this.convolutionOp(inputs, this.kernel!);
  }

  /**
   * Whether `convolutionOp` and `convolve` are `owner`'s own, not a
   * subclass's override: a fused path may replace them only then.
   *
   * @param owner The class whose convolution a fused path stands for.
   * @returns `true` when neither hook is overridden below `owner`.
   */
  protected convolutionIsBuiltIn(owner: { prototype: BaseConv }): boolean {
    return this.convolutionOp === owner.prototype.convolutionOp &&
      this.convolve === owner.prototype.convolve;
  }

  /**
   * `activation(convolutionOp(inputs, kernel) + bias)` as one fused
   * operation, or `null` when the subclass has none for this case (the
   * default) or when `convolutionOp` (or `convolve`) is overridden.
   *
   * @param _inputs The batch.
   * @param _bias The bias.
   * @param _activation `"relu"` or `"linear"`.
   * @returns The output, or `null`.
   */
  protected convolveFused(
    _inputs: tf.Tensor,
    _bias: tf.Tensor,
    _activation: "relu" | "linear",
  ): tf.Tensor | null {
    return null;
  }

  /**
   * The layer's convolution as the seam's general one
   * (`fused.convBiasActivation`): Keras's padding made explicit, the
   * dilation and the groups passed on. Conv3D and grouped convolutions run
   * this way.
   *
   * @param inputs The batch, channels last.
   * @param kernel The kernel, `[...kernelSize, inChannels / groups, filters]`.
   * @param bias The bias, or `null`.
   * @param activation `"relu"` or `"linear"`, applied after the bias.
   * @returns `[batch, ...outSpatial, filters]`.
   */
  protected generalConvolution(
    inputs: tf.Tensor,
    kernel: tf.Tensor,
    bias: tf.Tensor | null,
    activation: "relu" | "linear",
  ): tf.Tensor {
    const pads = inputs.shape.slice(1, 1 + this.#rank).map((n, i) =>
      convPadding(n, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding)
    );
    return fused.convBiasActivation(inputs, kernel, bias as tf.Tensor1D | null, {
      strides: this.strides,
      dilations: this.dilationRate,
      padBefore: pads.map((p) => p[0]),
      padAfter: pads.map((p) => p[1]),
      groups: this.groups,
      activation,
    });
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    this.#checkFits(inputs.shape);
    const x = this.dataFormat === "channels_first" ? toChannelsLast(inputs) : inputs;
    const y = this.#convolveChannelsLast(x);
    return this.dataFormat === "channels_first" ? toChannelsFirst(y) : y;
  }

  #convolveChannelsLast(inputs: tf.Tensor): tf.Tensor {
    const name = activationName(this.#options.activation);
    if (this.bias !== null && (name === "relu" || name === "linear")) {
      const fused = this.convolveFused(inputs, this.bias, name);
      if (fused !== null) return fused; // one fused operation (on kerno: one recorded kernel)
    }
    let y = this.convolve(inputs);
    if (this.bias) y = tf.add(y, this.bias);
    return this.#activation(y);
  }

  #checkFits(inputShape: Shape): void {
    const spatial = shapeChannelsLast(inputShape, this.dataFormat).slice(1, 1 + this.#rank);
    if (spatial.length !== this.#rank) return; // (the rank is checked by build)
    checkKernelFits(
      this,
      spatial,
      inputShape,
      this.kernelSize,
      this.strides,
      this.dilationRate,
      this.padding,
    );
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    const last = shapeChannelsLast(inputShape, this.dataFormat);
    const spatial = last.slice(1, 1 + this.#rank).map((d, i) =>
      convOutputLength(d, this.kernelSize[i], this.padding, this.strides[i], this.dilationRate[i])
    );
    return shapeInFormat([inputShape[0] ?? null, ...spatial, this.filters], this.dataFormat);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const o = this.#options;
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dilationRate: [...this.dilationRate],
      groups: this.groups,
      dataFormat: this.dataFormat,
      activation: activationName(o.activation),
      useBias: o.useBias ?? true,
      kernelInitializer: o.kernelInitializer ?? "glorot_uniform",
      biasInitializer: o.biasInitializer ?? "zeros",
      ...(o.kernelRegularizer === undefined ? {} : { kernelRegularizer: o.kernelRegularizer }),
      ...(o.biasRegularizer === undefined ? {} : { biasRegularizer: o.biasRegularizer }),
    };
  }
}
