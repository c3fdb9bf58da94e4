/**
 * What the depthwise and separable convolutions share: their geometry
 * (kernel size, strides, "valid"/"same" padding, dilation, data format,
 * depth multiplier), its checks and error messages, the output-shape
 * arithmetic, and the depthwise step itself through the seam's
 * `depthwiseConv2d` (1-D inputs as images one row high, channels-first
 * inputs transposed to channels-last and back).
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
import { fused, type FusedActivation } from "../engine/fused.ts";
import { type Activation, activationName, getActivation } from "../engine/activations.ts";
import { getInitializer, type InitializerLike } from "../engine/initializers.ts";
import { getRegularizer, type RegularizerLike } from "../engine/regularizers.ts";
import { boolean, positiveInt, reject } from "../engine/validate.ts";
import { convOutputLength, intTuple, layerOptions, noPositional, paddingMode } from "./_checks.ts";

/** The checked geometry of a depthwise step. */
export interface DepthwiseGeometry {
  /** Number of spatial axes (1 or 2). */
  rank: number;
  /** Window size per spatial axis. */
  kernelSize: number[];
  /** Step per spatial axis. */
  strides: number[];
  /** `"valid"` or `"same"` (TensorFlow's: the odd pixel of padding at the end). */
  padding: "valid" | "same";
  /** Spacing of the taps per spatial axis. */
  dilationRate: number[];
  /** Where the channels are. */
  dataFormat: "channels_last" | "channels_first";
  /** Output channels per input channel. */
  depthMultiplier: number;
}

/** The geometry options as a constructor receives them. */
export interface GeometryOptions {
  /** Step of the window. @default 1 */
  strides?: number | number[];
  /** Padding. @default "valid" */
  padding?: "valid" | "same";
  /** Spacing of the taps. @default 1 */
  dilationRate?: number | number[];
  /** Where the channels are. @default "channels_last" */
  dataFormat?: "channels_last" | "channels_first";
  /** Output channels per input channel. @default 1 */
  depthMultiplier?: number;
}

/**
 * Checks the geometry options of a depthwise or separable convolution.
 *
 * @param what What was being done, e.g. `"build DepthwiseConv2D"`.
 * @param rank Number of spatial axes.
 * @param kernelSize The kernel size as given.
 * @param o The options.
 * @returns The geometry.
 */
export function depthwiseGeometry(
  what: string,
  rank: number,
  kernelSize: unknown,
  o: GeometryOptions,
): DepthwiseGeometry {
  const g: DepthwiseGeometry = {
    rank,
    kernelSize: intTuple(what, "kernelSize", kernelSize, rank),
    strides: intTuple(what, "strides", o.strides ?? 1, rank),
    padding: paddingMode(what, "padding", o.padding, ["valid", "same"] as const),
    dilationRate: intTuple(what, "dilationRate", o.dilationRate ?? 1, rank),
    dataFormat: paddingMode(
      what,
      "dataFormat",
      o.dataFormat,
      [
        "channels_last",
        "channels_first",
      ] as const,
    ),
    depthMultiplier: positiveInt(what, "depthMultiplier", o.depthMultiplier ?? 1),
  };
  if (g.strides.some((s) => s > 1) && g.dilationRate.some((d) => d > 1)) {
    throw new RangeError(
      `Cannot ${what} as "strides" > 1 cannot be combined with "dilationRate" > 1: received strides ${
        JSON.stringify(g.strides)
      } and dilationRate ${JSON.stringify(g.dilationRate)}`,
    );
  }
  return g;
}

/**
 * Refuses a constraint other than `null`: kerno has no weight constraints.
 *
 * @param what What was being done.
 * @param arg The option's name.
 * @param value The value received.
 */
export function noConstraint(what: string, arg: string, value: unknown): void {
  if (value !== undefined && value !== null) {
    reject(what, arg, value, "null, as kerno has no weight constraints; leave it out");
  }
}

/** A shape for messages: `[null, 8, 8, 3]`. */
function dims(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => String(d)).join(", ")}]`;
}

function axes(g: DepthwiseGeometry): string {
  const spatial = g.rank === 1 ? "steps" : "rows, cols";
  return g.dataFormat === "channels_last"
    ? `batch, ${spatial}, channels`
    : `batch, channels, ${spatial}`;
}

/** The spatial sizes of a shape, in order. */
function spatialOf(shape: readonly (number | null)[], g: DepthwiseGeometry): (number | null)[] {
  const first = g.dataFormat === "channels_last" ? 1 : 2;
  return shape.slice(first, first + g.rank);
}

/**
 * The input's channels, checked: the rank must be `rank + 2` and the
 * channel axis known (weights depend on it).
 *
 * @param layer The layer, for messages.
 * @param shape The input shape, batch axis first.
 * @param g The geometry.
 * @returns The number of channels.
 */
export function inputChannels(layer: Layer, shape: Shape, g: DepthwiseGeometry): number {
  const who = `${layer.name} (${layer.constructor.name})`;
  if (shape.length !== g.rank + 2) {
    throw new RangeError(
      `Cannot build ${who} as its input must have rank ${g.rank + 2} (${axes(g)}): received ${
        dims(shape)
      }`,
    );
  }
  const channels = g.dataFormat === "channels_last" ? shape[shape.length - 1] : shape[1];
  if (channels === null) {
    throw new RangeError(
      `Cannot build ${who} as the channel axis of its input (${axes(g)}, "dataFormat" ${
        JSON.stringify(g.dataFormat)
      }) must be known to size the kernel: received ${dims(shape)}`,
    );
  }
  checkSpan(layer, shape, g);
  return channels;
}

/**
 * Refuses an input smaller than the (dilated) kernel under `"valid"`
 * padding, which would leave no output position.
 *
 * @param layer The layer, for messages.
 * @param shape The input shape.
 * @param g The geometry.
 */
export function checkSpan(layer: Layer, shape: readonly (number | null)[], g: DepthwiseGeometry) {
  if (g.padding !== "valid") return;
  const spatial = spatialOf(shape, g);
  const span = g.kernelSize.map((k, i) => (k - 1) * g.dilationRate[i] + 1);
  if (spatial.some((d, i) => d !== null && d < span[i])) {
    const dilated = g.dilationRate.some((d) => d > 1)
      ? ` (dilated by ${JSON.stringify(g.dilationRate)}: ${JSON.stringify(span)})`
      : "";
    throw new RangeError(
      `Cannot apply ${layer.name} (${layer.constructor.name}) as its "kernelSize" ${
        JSON.stringify(g.kernelSize)
      }${dilated} is larger than the input's spatial size ${
        dims(spatial)
      } padded by "valid" (no padding): received input ${
        dims(shape)
      }; use padding "same" or a smaller kernel`,
    );
  }
}

/**
 * The output shape for an input shape.
 *
 * @param shape The input shape.
 * @param g The geometry.
 * @param channels The output channels.
 * @returns The output shape.
 */
export function outputShapeOf(shape: Shape, g: DepthwiseGeometry, channels: number): Shape {
  const spatial = spatialOf(shape, g).map((d, i) =>
    convOutputLength(d, g.kernelSize[i], g.padding, g.strides[i], g.dilationRate[i])
  );
  return g.dataFormat === "channels_last"
    ? [shape[0] ?? null, ...spatial, channels]
    : [shape[0] ?? null, channels, ...spatial];
}

/** The input as `[batch, rows, cols, channels]` (1-D: one row). */
export function toImages(x: tf.Tensor, g: DepthwiseGeometry): tf.Tensor4D {
  let y = x;
  if (g.dataFormat === "channels_first") {
    y = tf.transpose(y, g.rank === 1 ? [0, 2, 1] : [0, 2, 3, 1]);
  }
  return (g.rank === 1 ? tf.expandDims(y, 1) : y) as tf.Tensor4D;
}

/** Back from `[batch, rows, cols, channels]` to the layer's layout. */
export function fromImages(y: tf.Tensor4D, g: DepthwiseGeometry): tf.Tensor {
  const [b, , w, c] = y.shape;
  const out: tf.Tensor = g.rank === 1 ? tf.reshape(y, [b, w, c]) : y;
  if (g.dataFormat === "channels_last") return out;
  return tf.transpose(out, g.rank === 1 ? [0, 2, 1] : [0, 3, 1, 2]);
}

/**
 * The depthwise step on images (`[batch, rows, cols, channels]`) through
 * the seam: `activation(depthwise(x, kernel) + bias)`.
 *
 * @param x The images.
 * @param kernel `[...kernelSize, channels, depthMultiplier]` (1-D: `[k, channels, mult]`).
 * @param bias The bias, or `null`.
 * @param g The geometry.
 * @param activation `"relu"` or `"linear"`.
 * @returns `[batch, outRows, outCols, channels·depthMultiplier]`.
 */
export function depthwiseImages(
  x: tf.Tensor4D,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  g: DepthwiseGeometry,
  activation: FusedActivation,
): tf.Tensor4D {
  const one = g.rank === 1;
  const filter = (one ? tf.expandDims(kernel, 0) : kernel) as tf.Tensor4D;
  return fused.depthwiseConv2d(x, filter, bias as tf.Tensor1D | null, {
    strides: (one ? [1, g.strides[0]] : g.strides) as [number, number],
    padding: g.padding,
    dilations: (one ? [1, g.dilationRate[0]] : g.dilationRate) as [number, number],
    activation,
  });
}

/**
 * The geometry's part of `getConfig()`.
 *
 * @param g The geometry.
 * @returns Kernel size, strides, padding, data format, dilation, depth multiplier.
 */
export function geometryConfig(g: DepthwiseGeometry): Record<string, unknown> {
  return {
    kernelSize: [...g.kernelSize],
    strides: [...g.strides],
    padding: g.padding,
    dataFormat: g.dataFormat,
    dilationRate: [...g.dilationRate],
    depthMultiplier: g.depthMultiplier,
  };
}

/** Options of the depthwise convolutions ({@link DepthwiseConv1D}, {@link DepthwiseConv2D}). */
export interface DepthwiseConvOptions extends LayerOptions, GeometryOptions {
  /** Activation applied to the output. @default "linear" */
  activation?: string | Activation;
  /** Whether to add a bias per output channel. @default true */
  useBias?: boolean;
  /** Initializer of the depthwise kernel. @default "glorot_uniform" */
  depthwiseInitializer?: InitializerLike;
  /** Initializer of the bias. @default "zeros" */
  biasInitializer?: InitializerLike;
  /** Penalty on the depthwise kernel. */
  depthwiseRegularizer?: RegularizerLike;
  /** Penalty on the bias. */
  biasRegularizer?: RegularizerLike;
  /** Keras's constraint on the depthwise kernel; kerno has no weight constraints, so only `null`. @default null */
  depthwiseConstraint?: null;
  /** Keras's constraint on the bias; only `null`. @default null */
  biasConstraint?: null;
}

/** The keys every depthwise and separable convolution accepts. */
const SHARED_KEYS = [
  ...LAYER_OPTION_KEYS,
  "strides",
  "padding",
  "dilationRate",
  "dataFormat",
  "depthMultiplier",
  "activation",
  "useBias",
  "depthwiseInitializer",
  "biasInitializer",
  "depthwiseRegularizer",
  "biasRegularizer",
  "depthwiseConstraint",
  "biasConstraint",
] satisfies (keyof DepthwiseConvOptions)[];

/** The checks and state both base classes share. */
function commonOptions(what: string, o: DepthwiseConvOptions): Activation {
  boolean(what, "useBias", o.useBias, true);
  getInitializer(o.depthwiseInitializer ?? "glorot_uniform");
  getInitializer(o.biasInitializer ?? "zeros");
  if (o.depthwiseRegularizer !== undefined) getRegularizer(o.depthwiseRegularizer);
  if (o.biasRegularizer !== undefined) getRegularizer(o.biasRegularizer);
  noConstraint(what, "depthwiseConstraint", o.depthwiseConstraint);
  noConstraint(what, "biasConstraint", o.biasConstraint);
  return getActivation(o.activation);
}

/** The options' part of `getConfig()` both base classes share. */
function commonConfig(o: DepthwiseConvOptions): Record<string, unknown> {
  return {
    activation: activationName(o.activation),
    useBias: o.useBias ?? true,
    depthwiseInitializer: o.depthwiseInitializer ?? "glorot_uniform",
    biasInitializer: o.biasInitializer ?? "zeros",
    ...(o.depthwiseRegularizer === undefined
      ? {}
      : { depthwiseRegularizer: o.depthwiseRegularizer }),
    ...(o.biasRegularizer === undefined ? {} : { biasRegularizer: o.biasRegularizer }),
    depthwiseConstraint: null,
    biasConstraint: null,
  };
}

/** `"relu"` or `"linear"` when the seam can apply the activation, else `null`. */
function fusable(o: DepthwiseConvOptions): FusedActivation | null {
  const name = activationName(o.activation);
  return name === "relu" || name === "linear" ? name : null;
}

/**
 * Keras's `BaseDepthwiseConv`: each input channel convolved with its own
 * `depthMultiplier` kernels (output channel `c·depthMultiplier + m`), then
 * bias and activation.
 */
export abstract class BaseDepthwiseConv extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The checked geometry. */
  readonly geometry: DepthwiseGeometry;
  /** The depthwise kernel, `[...kernelSize, channels, depthMultiplier]`; set by `build`. */
  kernel: tf.Variable | null = null;
  /** The bias, `[channels·depthMultiplier]`; set by `build` when `useBias`. */
  bias: tf.Variable | null = null;
  readonly #options: DepthwiseConvOptions;
  readonly #activation: Activation;

  /** The keys of {@link DepthwiseConvOptions}. */
  static override optionKeys: readonly string[] = SHARED_KEYS;

  /**
   * Creates the layer.
   *
   * @param rank Number of spatial axes (1 or 2).
   * @param kernelSize Window size: an integer or one per spatial axis.
   * @param options Geometry, activation, bias, initializers, regularizers.
   */
  constructor(rank: number, kernelSize: number | number[], options: DepthwiseConvOptions = {}) {
    super(
      layerOptions(
        new.target.name,
        options,
        noPositional,
        `new ${new.target.name}(kernelSize, { depthMultiplier: 2, padding: "same" })`,
      ),
    );
    const what = `build ${this.constructor.name}`;
    this.geometry = depthwiseGeometry(what, rank, kernelSize, options);
    this.#activation = commonOptions(what, options);
    this.#options = options;
  }

  /** Creates the kernel and the bias for the input's channels (called once by `apply`). */
  override build(inputShape: Shape): void {
    const g = this.geometry;
    const channels = inputChannels(this, inputShape, g);
    const o = this.#options;
    // TensorFlow.js Layers' (and Keras 2's) name; Keras 3 calls it "kernel" (its files go by position).
    this.kernel = this.addWeight(
      "depthwise_kernel",
      [...g.kernelSize, channels, g.depthMultiplier],
      {
        initializer: o.depthwiseInitializer ?? "glorot_uniform",
        regularizer: o.depthwiseRegularizer,
      },
    );
    if (o.useBias ?? true) {
      this.bias = this.addWeight("bias", [channels * g.depthMultiplier], {
        initializer: o.biasInitializer ?? "zeros",
        regularizer: o.biasRegularizer,
      });
    }
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const g = this.geometry;
    checkSpan(this, inputs.shape, g);
    const act = fusable(this.#options);
    const y = depthwiseImages(toImages(inputs, g), this.kernel!, this.bias, g, act ?? "linear");
    const out = fromImages(y, g);
    return act === null ? this.#activation(out) : out;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    const g = this.geometry;
    const channels = g.dataFormat === "channels_last"
      ? inputShape[inputShape.length - 1]
      : inputShape[1];
    return outputShapeOf(inputShape, g, (channels ?? 0) * g.depthMultiplier);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      ...geometryConfig(this.geometry),
      ...commonConfig(this.#options),
    };
  }
}

/** Options of the separable convolutions ({@link SeparableConv1D}, {@link SeparableConv2D}). */
export interface SeparableConvOptions extends DepthwiseConvOptions {
  /** Initializer of the pointwise kernel. @default "glorot_uniform" */
  pointwiseInitializer?: InitializerLike;
  /** Penalty on the pointwise kernel. */
  pointwiseRegularizer?: RegularizerLike;
  /** Keras's constraint on the pointwise kernel; only `null`. @default null */
  pointwiseConstraint?: null;
}

/**
 * Keras's `BaseSeparableConv`: a depthwise convolution (`depthMultiplier`
 * kernels per input channel, no bias) followed by a pointwise one (a 1×1
 * convolution to `filters` channels, a matrix product per position), then
 * bias and activation.
 */
export abstract class BaseSeparableConv extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** Output channels. */
  readonly filters: number;
  /** The checked geometry (of the depthwise step). */
  readonly geometry: DepthwiseGeometry;
  /** The depthwise kernel, `[...kernelSize, channels, depthMultiplier]`; set by `build`. */
  depthwiseKernel: tf.Variable | null = null;
  /** The pointwise kernel, `[...ones, channels·depthMultiplier, filters]`; set by `build`. */
  pointwiseKernel: tf.Variable | null = null;
  /** The bias, `[filters]`; set by `build` when `useBias`. */
  bias: tf.Variable | null = null;
  readonly #options: SeparableConvOptions;
  readonly #activation: Activation;

  /** The keys of {@link SeparableConvOptions}. */
  static override optionKeys: readonly string[] = [
    ...SHARED_KEYS,
    "pointwiseInitializer",
    "pointwiseRegularizer",
    "pointwiseConstraint",
  ] satisfies (keyof SeparableConvOptions)[];

  /**
   * Creates the layer.
   *
   * @param rank Number of spatial axes (1 or 2).
   * @param filters Output channels: a positive integer.
   * @param kernelSize Window size of the depthwise step.
   * @param options Geometry, activation, bias, initializers, regularizers.
   */
  constructor(
    rank: number,
    filters: number,
    kernelSize: number | number[],
    options: SeparableConvOptions = {},
  ) {
    super(
      layerOptions(
        new.target.name,
        options,
        noPositional,
        `new ${new.target.name}(filters, kernelSize, { depthMultiplier: 2, padding: "same" })`,
      ),
    );
    const what = `build ${this.constructor.name}`;
    this.filters = positiveInt(what, "filters", filters);
    this.geometry = depthwiseGeometry(what, rank, kernelSize, options);
    this.#activation = commonOptions(what, options);
    getInitializer(options.pointwiseInitializer ?? "glorot_uniform");
    if (options.pointwiseRegularizer !== undefined) getRegularizer(options.pointwiseRegularizer);
    noConstraint(what, "pointwiseConstraint", options.pointwiseConstraint);
    this.#options = options;
  }

  /** Creates the two kernels and the bias (called once by `apply`). */
  override build(inputShape: Shape): void {
    const g = this.geometry;
    const channels = inputChannels(this, inputShape, g);
    const o = this.#options;
    const mid = channels * g.depthMultiplier;
    this.depthwiseKernel = this.addWeight(
      "depthwise_kernel",
      [...g.kernelSize, channels, g.depthMultiplier],
      {
        initializer: o.depthwiseInitializer ?? "glorot_uniform",
        regularizer: o.depthwiseRegularizer,
      },
    );
    this.pointwiseKernel = this.addWeight(
      "pointwise_kernel",
      [...g.kernelSize.map(() => 1), mid, this.filters],
      {
        initializer: o.pointwiseInitializer ?? "glorot_uniform",
        regularizer: o.pointwiseRegularizer,
      },
    );
    if (o.useBias ?? true) {
      this.bias = this.addWeight("bias", [this.filters], {
        initializer: o.biasInitializer ?? "zeros",
        regularizer: o.biasRegularizer,
      });
    }
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const g = this.geometry;
    checkSpan(this, inputs.shape, g);
    const act = fusable(this.#options);
    const d = depthwiseImages(toImages(inputs, g), this.depthwiseKernel!, null, g, "linear");
    const [b, h, w, mid] = d.shape;
    // The pointwise step: one matrix product over every position.
    const flat = tf.reshape(d, [b * h * w, mid]) as tf.Tensor2D;
    const kernel = tf.reshape(this.pointwiseKernel!, [mid, this.filters]) as tf.Tensor2D;
    const bias = this.bias as tf.Tensor1D | null;
    const y = fused.denseBiasActivation(flat, kernel, bias, act ?? "linear");
    const out = fromImages(tf.reshape(y, [b, h, w, this.filters]) as tf.Tensor4D, g);
    return act === null ? this.#activation(out) : out;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return outputShapeOf(inputShape, this.geometry, this.filters);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const o = this.#options;
    return {
      ...super.getConfig(),
      filters: this.filters,
      ...geometryConfig(this.geometry),
      ...commonConfig(o),
      pointwiseInitializer: o.pointwiseInitializer ?? "glorot_uniform",
      ...(o.pointwiseRegularizer === undefined
        ? {}
        : { pointwiseRegularizer: o.pointwiseRegularizer }),
      pointwiseConstraint: null,
    };
  }
}
