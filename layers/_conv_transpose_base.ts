/**
 * BaseConvTranspose: what Conv1DTranspose, Conv2DTranspose and
 * Conv3DTranspose share (options, weights, Keras's output sizes and tap
 * placement, the data format, bias and activation).
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
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
import { fused } from "../engine/fused.ts";
import {
  type ConvActivation,
  convTransposeLength,
  convTransposePadBefore,
} from "../engine/_conv_ops.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import {
  convCommonOptions,
  convWindow,
  type DataFormat,
  dataFormatOption,
  inputChannels,
  nonNegativeTuple,
  shapeChannelsLast,
  shapeInFormat,
  toChannelsFirst,
  toChannelsLast,
} from "./_conv_checks.ts";

/** Options of {@link Conv1DTranspose}, {@link Conv2DTranspose} and {@link Conv3DTranspose}. */
export interface ConvTransposeOptions extends LayerOptions {
  /** Step of the window along each spatial axis (the up-sampling factor). @default 1 */
  strides?: number | number[];
  /**
   * `"valid"` (output `(n − 1)·stride + max(span, stride)`) or `"same"`
   * (output `n·stride`), as Keras.
   * @default "valid"
   */
  padding?: "valid" | "same";
  /**
   * Extra output length per spatial axis, each smaller than its stride;
   * `null` lets `padding` decide the output size.
   * @default null
   */
  outputPadding?: number | number[] | null;
  /** Where the channels are. @default "channels_last" */
  dataFormat?: DataFormat;
  /** Spacing of the kernel's taps. @default 1 */
  dilationRate?: number | number[];
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
 * The shared part of the transposed convolutions: each input position adds
 * the kernel, scaled by its channels, into the output at `position·stride`
 * (the adjoint of a convolution, so a strided one up-samples). The kernel
 * is `[...kernelSize, filters, inChannels]`, Keras's layout.
 */
export abstract class BaseConvTranspose extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** Number of output channels. */
  readonly filters: number;
  /** Window size per spatial axis. */
  readonly kernelSize: number[];
  /** Step per spatial axis. */
  readonly strides: number[];
  /** Padding mode. */
  readonly padding: "valid" | "same";
  /** Extra output length per spatial axis, or `null`. */
  readonly outputPadding: number[] | null;
  /** Dilation per spatial axis. */
  readonly dilationRate: number[];
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  readonly #rank: number;
  readonly #options: ConvTransposeOptions;
  readonly #activation: Activation;
  /** The kernel, `[...kernelSize, filters, inChannels]`; set by `build`. */
  kernel: tf.Variable | null = null;
  /** The bias, `[filters]`; set by `build` when `useBias`. */
  bias: tf.Variable | null = null;

  /** The keys of {@link ConvTransposeOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "strides",
    "padding",
    "outputPadding",
    "dataFormat",
    "dilationRate",
    "activation",
    "useBias",
    "kernelInitializer",
    "biasInitializer",
    "kernelRegularizer",
    "biasRegularizer",
  ] satisfies (keyof ConvTransposeOptions)[];

  /**
   * Creates a BaseConvTranspose layer.
   *
   * @param rank Number of spatial axes (1, 2 or 3).
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window size: an integer or one per spatial axis.
   * @param options Strides, padding, output padding, data format, dilation,
   *   activation, bias, initializers, regularizers.
   */
  constructor(
    rank: number,
    filters: number,
    kernelSize: number | number[],
    options: ConvTransposeOptions = {},
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
    const window = convWindow(what, rank, filters, kernelSize, options, ["valid", "same"] as const);
    this.filters = window.filters;
    this.kernelSize = window.kernelSize;
    this.strides = window.strides;
    this.padding = window.padding;
    this.dilationRate = window.dilationRate;
    const op = options.outputPadding;
    this.outputPadding = op === undefined || op === null
      ? null
      : nonNegativeTuple(what, "outputPadding", op, rank);
    if (this.outputPadding?.some((p, i) => p >= this.strides[i])) {
      throw new RangeError(
        `Cannot ${what} as "outputPadding" must be smaller than "strides" along each axis: received outputPadding ${
          JSON.stringify(this.outputPadding)
        } and strides ${JSON.stringify(this.strides)}`,
      );
    }
    this.dataFormat = dataFormatOption(what, options.dataFormat);
    this.#activation = convCommonOptions(what, options);
    this.#options = options;
  }

  /** Creates the layer's weights for the input shape (called once by `apply`). */
  override build(inputShape: Shape): void {
    const channels = inputChannels(this, inputShape, this.#rank, this.dataFormat);
    const o = this.#options;
    this.kernel = this.addWeight("kernel", [...this.kernelSize, this.filters, channels], {
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

  #outputSize(spatial: (number | null)[]): (number | null)[] {
    return spatial.map((n, i) =>
      convTransposeLength(
        n,
        this.kernelSize[i],
        this.strides[i],
        this.dilationRate[i],
        this.padding,
        this.outputPadding?.[i] ?? null,
      )
    );
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const x = this.dataFormat === "channels_first" ? toChannelsLast(inputs) : inputs;
    const name = activationName(this.#options.activation);
    const fusable = name === "relu" || name === "sigmoid" || name === "linear";
    const outputSize = this.#outputSize(x.shape.slice(1, 1 + this.#rank)) as number[];
    const padBefore = this.kernelSize.map((k, i) =>
      convTransposePadBefore(
        k,
        this.strides[i],
        this.dilationRate[i],
        this.padding,
        this.outputPadding?.[i] ?? null,
      )
    );
    let y = fused.convTransposeBiasActivation(x, this.kernel!, this.bias as tf.Tensor1D | null, {
      strides: this.strides,
      dilations: this.dilationRate,
      outputSize,
      padBefore,
      activation: fusable ? name as ConvActivation : "linear",
    });
    if (!fusable) y = this.#activation(y);
    return this.dataFormat === "channels_first" ? toChannelsFirst(y) : y;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    const last = shapeChannelsLast(inputShape, this.dataFormat);
    const spatial = this.#outputSize(last.slice(1, 1 + this.#rank));
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
      outputPadding: this.outputPadding === null ? null : [...this.outputPadding],
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      activation: activationName(o.activation),
      useBias: o.useBias ?? true,
      kernelInitializer: o.kernelInitializer ?? "glorot_uniform",
      biasInitializer: o.biasInitializer ?? "zeros",
      ...(o.kernelRegularizer === undefined ? {} : { kernelRegularizer: o.kernelRegularizer }),
      ...(o.biasRegularizer === undefined ? {} : { biasRegularizer: o.biasRegularizer }),
    };
  }
}
