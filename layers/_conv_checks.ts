/**
 * What the convolution layers share beyond their base classes: the data
 * format (channels last or first) and its transposes, the input checks of
 * `build` (rank, known channels, groups dividing them, a kernel that fits
 * the padded input), and the non-negative tuples of `outputPadding`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { Shape } from "../engine/layer.ts";
import { boolean, positiveInt, reject } from "../engine/validate.ts";
import { intTuple, paddingMode } from "./_checks.ts";
import { convPadding, dilatedSpan } from "../engine/_conv_ops.ts";
import { type Activation, getActivation } from "../engine/activations.ts";
import { getInitializer, type InitializerLike } from "../engine/initializers.ts";
import { getRegularizer, type RegularizerLike } from "../engine/regularizers.ts";
import type { DataFormat } from "./_reshaping.ts";

// The data format's type and check are the reshaping layers' (one copy).
export { type DataFormat, dataFormatOption } from "./_reshaping.ts";

/** A layer, for messages. */
export interface Named {
  /** The layer's name. */
  name: string;
  /** Its class. */
  constructor: { name: string };
}

/**
 * Checks a non-negative integer or a list of `n` of them.
 *
 * @param what What was being done.
 * @param arg The argument's name.
 * @param value The value received.
 * @param n The list's length.
 * @returns The list.
 */
export function nonNegativeTuple(what: string, arg: string, value: unknown, n: number): number[] {
  const want = n === 1
    ? "a non-negative integer or a list of one"
    : `a non-negative integer or a list of ${n} non-negative integers`;
  const list = typeof value === "number" ? new Array(n).fill(value) : value;
  if (!Array.isArray(list)) reject(what, arg, value, want);
  if (list.length !== n || list.some((d) => !Number.isInteger(d) || d < 0)) {
    reject(what, arg, value, want, RangeError);
  }
  return [...list] as number[];
}

/**
 * A channels-first tensor as channels last: `[b, c, ...s]` → `[b, ...s, c]`.
 *
 * @param x The tensor.
 * @returns The transposed tensor.
 */
export function toChannelsLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  return tf.transpose(x, [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1]);
}

/**
 * A channels-last tensor as channels first: `[b, ...s, c]` → `[b, c, ...s]`.
 *
 * @param x The tensor.
 * @returns The transposed tensor.
 */
export function toChannelsFirst(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  return tf.transpose(x, [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)]);
}

/**
 * A shape in the layer's data format as channels last.
 *
 * @param shape `[batch, ...]` in `format`.
 * @param format The data format.
 * @returns `[batch, ...spatial, channels]`.
 */
export function shapeChannelsLast(shape: Shape, format: DataFormat): Shape {
  return format === "channels_last" ? shape : [shape[0], ...shape.slice(2), shape[1]];
}

/**
 * A channels-last shape in the layer's data format.
 *
 * @param shape `[batch, ...spatial, channels]`.
 * @param format The data format.
 * @returns The shape in `format`.
 */
export function shapeInFormat(shape: Shape, format: DataFormat): Shape {
  return format === "channels_last"
    ? shape
    : [shape[0], shape[shape.length - 1], ...shape.slice(1, -1)];
}

const AXES = ["steps", "rows, cols", "depth, rows, cols"];

/**
 * The input's channels, after checking the rank, that they are known and
 * that `groups` divides them.
 *
 * @param layer The layer, for messages.
 * @param inputShape The input shape given to `build`, in `format`.
 * @param rank Spatial axes.
 * @param format The data format.
 * @param groups Channel groups. @default 1
 * @returns The number of input channels.
 */
export function inputChannels(
  layer: Named,
  inputShape: Shape,
  rank: number,
  format: DataFormat,
  groups = 1,
): number {
  const where = `${layer.name} (${layer.constructor.name})`;
  const layout = format === "channels_last"
    ? `batch, ${AXES[rank - 1]}, channels`
    : `batch, channels, ${AXES[rank - 1]}`;
  if (inputShape.length !== rank + 2) {
    throw new RangeError(
      `Cannot build ${where} as its input must have rank ${
        rank + 2
      } (${layout}): received [${inputShape}]`,
    );
  }
  const channels = shapeChannelsLast(inputShape, format)[rank + 1];
  if (channels === null) {
    throw new RangeError(
      `Cannot build ${where} as the channels of its input must be known at build time (${layout}, data format "${format}"): received input shape [${inputShape}]`,
    );
  }
  if (channels % groups !== 0) {
    throw new RangeError(
      `Cannot build ${where} as "groups" must divide the input's channels: received groups ${groups} and ${channels} channels (input shape [${inputShape}])`,
    );
  }
  return channels;
}

/**
 * Throws when a kernel (dilated) is longer than the padded input along some
 * axis, so that the convolution would have no output.
 *
 * @param layer The layer, for messages.
 * @param spatial The input's spatial sizes (`null` where unknown).
 * @param inputShape The input shape as received, for the message.
 * @param kernel Taps per axis.
 * @param strides Step per axis.
 * @param dilations Spacing per axis.
 * @param padding The padding mode.
 */
export function checkKernelFits(
  layer: Named,
  spatial: (number | null)[],
  inputShape: Shape,
  kernel: number[],
  strides: number[],
  dilations: number[],
  padding: "valid" | "same" | "causal",
): void {
  const padded = spatial.map((n, i) => {
    if (n === null) return null;
    const [before, after] = convPadding(n, kernel[i], strides[i], dilations[i], padding);
    return n + before + after;
  });
  const spans = kernel.map((k, i) => dilatedSpan(k, dilations[i]));
  if (padded.every((n, i) => n === null || n >= spans[i])) return;
  throw new RangeError(
    `Cannot apply ${layer.name} (${layer.constructor.name}) as its kernel ${
      JSON.stringify(kernel)
    } (span ${JSON.stringify(spans)} with dilationRate ${
      JSON.stringify(dilations)
    }) is larger than its padded input ${
      JSON.stringify(padded)
    } (padding "${padding}"): received input shape [${inputShape}]; use a smaller kernel, padding "same" or a larger input`,
  );
}

/** The options every convolution checks the same way in its constructor. */
export interface ConvCommonOptions {
  /** The activation. */
  activation?: string | Activation;
  /** Whether to add a bias. */
  useBias?: boolean;
  /** The kernel's initializer. */
  kernelInitializer?: InitializerLike;
  /** The bias's initializer. */
  biasInitializer?: InitializerLike;
  /** The kernel's penalty. */
  kernelRegularizer?: RegularizerLike;
  /** The bias's penalty. */
  biasRegularizer?: RegularizerLike;
}

/**
 * Checks a convolution's bias flag, activation, initializers and
 * regularizers (Keras's defaults: bias on, Glorot uniform and zeros).
 *
 * @param what What was being done, e.g. `"build Conv2D"`.
 * @param options The constructor's options.
 * @returns The activation.
 */
export function convCommonOptions(what: string, options: ConvCommonOptions): Activation {
  boolean(what, "useBias", options.useBias, true);
  const activation = getActivation(options.activation);
  getInitializer(options.kernelInitializer ?? "glorot_uniform");
  getInitializer(options.biasInitializer ?? "zeros");
  if (options.kernelRegularizer !== undefined) getRegularizer(options.kernelRegularizer);
  if (options.biasRegularizer !== undefined) getRegularizer(options.biasRegularizer);
  return activation;
}

/** A convolution window's checked sizes. */
export interface ConvWindow<P extends string> {
  /** Output channels. */
  filters: number;
  /** The window, one size per spatial axis. */
  kernelSize: number[];
  /** The strides, one per spatial axis. */
  strides: number[];
  /** The padding mode. */
  padding: P;
  /** The dilation, one per spatial axis. */
  dilationRate: number[];
}

/**
 * Checks a convolution's filters, window, strides, padding and dilation
 * (strides and dilation default to 1, padding to `"valid"`).
 *
 * @param what What was being done, e.g. `"build Conv2D"`.
 * @param rank Number of spatial axes.
 * @param filters The filters given.
 * @param kernelSize The window given.
 * @param options The strides, padding and dilation given.
 * @param modes The padding modes the layer takes.
 * @returns The checked values.
 */
export function convWindow<P extends string>(
  what: string,
  rank: number,
  filters: unknown,
  kernelSize: unknown,
  options: { strides?: unknown; padding?: unknown; dilationRate?: unknown },
  modes: readonly P[],
): ConvWindow<P> {
  return {
    filters: positiveInt(what, "filters", filters),
    kernelSize: intTuple(what, "kernelSize", kernelSize, rank),
    strides: intTuple(what, "strides", options.strides ?? 1, rank),
    padding: paddingMode(what, "padding", options.padding, modes),
    dilationRate: intTuple(what, "dilationRate", options.dilationRate ?? 1, rank),
  };
}
