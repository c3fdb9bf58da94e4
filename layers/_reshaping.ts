/**
 * What the up-sampling, zero-padding, cropping and pooling layers share:
 * the `dataFormat` option, the spatial axes it implies, the rank check, the
 * "value or options" first argument (`UpSampling2D(2)`,
 * `UpSampling2D({ size: 2 })`), the `[before, after]` amounts per axis of
 * padding and cropping, and the nearest-neighbour repeat with its gradient.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { type CallOptions, Layer, type LayerOptions, type Shape } from "../engine/layer.ts";
import { rejectPositional } from "../engine/options.ts";
import { formatShape } from "../engine/format.ts";
import { reject, show } from "../engine/validate.ts";
import { intTuple, layerOptions, noPositional, paddingMode } from "./_checks.ts";

/** Where the channels axis is: last (`[batch, ...spatial, channels]`, Keras's default) or first after the batch. */
export type DataFormat = "channels_last" | "channels_first";

/**
 * Checks a `dataFormat` option.
 *
 * @param what What was being done, e.g. `"build UpSampling2D"`.
 * @param value The option's value (`undefined`: `"channels_last"`).
 * @returns The data format.
 */
export function dataFormatOption(what: string, value: unknown): DataFormat {
  return paddingMode(what, "dataFormat", value, ["channels_last", "channels_first"] as const);
}

/**
 * The spatial axes of an input of `rank` spatial dimensions.
 *
 * @param rank The number of spatial axes (1, 2 or 3).
 * @param dataFormat Where the channels are.
 * @returns `[1, …, rank]` for channels last, `[2, …, rank + 1]` for channels first.
 */
export function spatialAxes(rank: number, dataFormat: DataFormat): number[] {
  const first = dataFormat === "channels_last" ? 1 : 2;
  return Array.from({ length: rank }, (_, i) => first + i);
}

/**
 * Moves the channels of a channels-first tensor to the last axis (and
 * returns a channels-last one as it is).
 *
 * @param x `[batch, channels, ...spatial]` or `[batch, ...spatial, channels]`.
 * @param dataFormat The layout of `x`.
 * @returns `[batch, ...spatial, channels]`.
 */
export function toChannelsLast(x: tf.Tensor, dataFormat: DataFormat): tf.Tensor {
  if (dataFormat === "channels_last") return x;
  const perm = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1];
  return tf.transpose(x, perm);
}

/**
 * The inverse of {@link toChannelsLast}.
 *
 * @param x `[batch, ...spatial, channels]`.
 * @param dataFormat The layout wanted.
 * @returns `x` in that layout.
 */
export function fromChannelsLast(x: tf.Tensor, dataFormat: DataFormat): tf.Tensor {
  if (dataFormat === "channels_last") return x;
  const perm = [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)];
  return tf.transpose(x, perm);
}

/**
 * Throws when a layer's input does not have `rank` spatial axes, naming the
 * layer, the expected layout and the shape received.
 *
 * @param layer The layer, for the message.
 * @param inputShape The input shape given to `build`.
 * @param rank The number of spatial axes.
 * @param dataFormat Where the channels are (for the message).
 */
export function checkSpatialRank(
  layer: { name: string; constructor: { name: string } },
  inputShape: Shape,
  rank: number,
  dataFormat: DataFormat,
): void {
  if (inputShape.length === rank + 2) return;
  const spatial = rank === 1 ? "steps" : rank === 2 ? "rows, cols" : "dim1, dim2, dim3";
  const layout = dataFormat === "channels_last"
    ? `batch, ${spatial}, channels`
    : `batch, channels, ${spatial}`;
  throw new RangeError(
    `Cannot build ${layer.name} (${layer.constructor.name}) as its input must have rank ${
      rank + 2
    } (${layout}): received ${formatShape(inputShape)}`,
  );
}

/**
 * The options of a layer whose Keras form takes one value positionally
 * (`UpSampling2D(2)`, `ZeroPadding2D([[1, 0], [0, 1]])`): that value then
 * optionally the options, or the options alone.
 *
 * @param layer The class name, for messages.
 * @param key The option the positional value stands for, e.g. `"size"`.
 * @param first The first argument.
 * @param second The second argument.
 * @returns The options, with `key` filled from `first` when given there.
 */
export function valueOrOptions<T extends object>(
  layer: string,
  key: string,
  first: unknown,
  second: unknown,
): T {
  const how = `new ${layer}(${key}, { ... }) or new ${layer}({ ${key}, ... })`;
  if (typeof first === "number" || Array.isArray(first)) {
    const rest = layerOptions<Record<string, unknown>>(layer, second, noPositional, how);
    if (rest[key] !== undefined) {
      throw new TypeError(
        `Cannot build ${layer} as "${key}" is given twice: received ${show(first)} and { ${key}: ${
          show(rest[key])
        } }`,
      );
    }
    return { ...rest, [key]: first } as T;
  }
  if (second !== undefined) rejectPositional(`build ${layer}`, second, how);
  return layerOptions<T>(layer, first, noPositional, how);
}

/**
 * Reads padding or cropping amounts as Keras does: one non-negative integer
 * for every side, one per spatial axis (both sides), or a `[before, after]`
 * pair per spatial axis; for one spatial axis, an integer or one pair.
 *
 * @param what What was being done, e.g. `"build ZeroPadding2D"`.
 * @param arg The argument's name, e.g. `"padding"`.
 * @param value The value received.
 * @param rank The number of spatial axes.
 * @returns One `[before, after]` pair per spatial axis.
 */
export function sidePairs(
  what: string,
  arg: string,
  value: unknown,
  rank: number,
): [number, number][] {
  const want = rank === 1
    ? "a non-negative integer or a pair [before, after] of them"
    : `a non-negative integer, a list of ${rank} of them (one per spatial axis) or a list of ${rank} pairs [before, after]`;
  const ok = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
  const kind = (v: unknown) => typeof v === "number" ? RangeError : TypeError;
  if (typeof value === "number") {
    if (!ok(value)) reject(what, arg, value, want, RangeError);
    return Array.from({ length: rank }, () => [value, value]);
  }
  if (!Array.isArray(value)) reject(what, arg, value, want);
  if (rank === 1) {
    if (value.length !== 2 || !value.every(ok)) reject(what, arg, value, want, RangeError);
    return [[value[0], value[1]]];
  }
  if (value.length !== rank) reject(what, arg, value, want, RangeError);
  return value.map((entry) => {
    if (ok(entry)) return [entry, entry] as [number, number];
    if (Array.isArray(entry) && entry.length === 2 && entry.every(ok)) {
      return [entry[0], entry[1]] as [number, number];
    }
    return reject(what, arg, value, want, Array.isArray(entry) ? RangeError : kind(entry));
  });
}

/**
 * The `[before, after]` amounts as `getConfig` writes them (and messages
 * show them): the one pair of a 1-D layer, a list of pairs otherwise.
 *
 * @param pairs One `[before, after]` pair per spatial axis.
 * @returns A copy: `[before, after]`, or `[[before, after], ...]`.
 */
export function sidePairsConfig(pairs: [number, number][]): number[] | number[][] {
  return pairs.length === 1 ? [...pairs[0]] : pairs.map((p) => [...p]);
}

/**
 * The output shape of a layer that changes only the lengths of the spatial
 * axes (up-sampling, padding, cropping); unknown lengths stay unknown.
 *
 * @param inputShape The input shape.
 * @param rank The number of spatial axes.
 * @param dataFormat Where the channels are.
 * @param length The new length of spatial axis `i` of known length `d`.
 * @returns The output shape.
 */
function spatialOutputShape(
  inputShape: Shape,
  rank: number,
  dataFormat: DataFormat,
  length: (d: number, i: number) => number,
): Shape {
  const out = [...inputShape];
  spatialAxes(rank, dataFormat).forEach((axis, i) => {
    const d = out[axis];
    out[axis] = d === null ? null : length(d, i);
  });
  return out;
}

/**
 * The shared code of `BaseZeroPadding` and `BaseCropping`: the amount
 * (`padding` or `cropping`, Keras's positional argument) read as a
 * `[before, after]` pair per spatial axis, `dataFormat`, the rank check,
 * the output shape and the config. Subclasses make the output in `call`.
 *
 * @internal
 */
export abstract class SpatialSidesLayer extends Layer {
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  readonly #sides: [number, number][];
  /** The option's name, `"padding"` or `"cropping"`. */
  readonly #key: string;
  /** `1` when each axis grows by its amounts, `-1` when it shrinks. */
  readonly #sign: 1 | -1;

  /**
   * Reads the amounts and the options.
   *
   * @param key The option's name, `"padding"` or `"cropping"`.
   * @param sign `1` when each axis grows by its amounts, `-1` when it shrinks.
   * @param rank The number of spatial axes.
   * @param fallback The amount when none is given.
   * @param value The amounts given positionally, or the options.
   * @param options The options, when the amounts are given positionally.
   */
  constructor(
    key: string,
    sign: 1 | -1,
    rank: number,
    fallback: number,
    value: unknown,
    options: unknown,
  ) {
    const name = new.target.name;
    const o = valueOrOptions<LayerOptions & Record<string, unknown>>(name, key, value, options);
    super(o);
    this.#key = key;
    this.#sign = sign;
    this.#sides = sidePairs(`build ${name}`, key, o[key] ?? fallback, rank);
    this.dataFormat = dataFormatOption(`build ${name}`, o.dataFormat);
    this.supportsMasking = false;
  }

  /** `[before, after]` per spatial axis (the subclass's `padding` or `cropping`). */
  protected get sides(): [number, number][] {
    return this.#sides;
  }

  /** The spatial axes of the input, in order. */
  protected spatialAxes(): number[] {
    return spatialAxes(this.#sides.length, this.dataFormat);
  }

  /** Checks the input's rank (called once by `apply`). */
  override build(inputShape: Shape): void {
    checkSpatialRank(this, inputShape, this.#sides.length, this.dataFormat);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    const grow = this.#sides.map(([before, after]) => this.#sign * (before + after));
    return spatialOutputShape(inputShape, grow.length, this.dataFormat, (d, i) => d + grow[i]);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const sides = sidePairsConfig(this.#sides);
    return { ...super.getConfig(), [this.#key]: sides, dataFormat: this.dataFormat };
  }
}

/**
 * The shared code of `UpSampling2D` and `UpSampling3D`: `size` (a positive
 * integer per spatial axis, default 2), `dataFormat`, the rank check,
 * nearest-neighbour repetition, the output shape and the config.
 *
 * @internal
 */
export abstract class SpatialRepeatLayer extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The repeat count per spatial axis. */
  readonly size: number[];
  /** Where the channels are. */
  readonly dataFormat: DataFormat;

  /**
   * Reads `size` and `dataFormat`.
   *
   * @param layer The class name, for messages.
   * @param rank The number of spatial axes.
   * @param options The layer's options (`size` already filled from the positional argument).
   */
  constructor(
    layer: string,
    rank: number,
    options: LayerOptions & { size?: number | number[]; dataFormat?: DataFormat },
  ) {
    super(options);
    this.size = intTuple(`build ${layer}`, "size", options.size ?? 2, rank);
    this.dataFormat = dataFormatOption(`build ${layer}`, options.dataFormat);
    this.supportsMasking = false;
  }

  /** Checks the input's rank (called once by `apply`). */
  override build(inputShape: Shape): void {
    checkSpatialRank(this, inputShape, this.size.length, this.dataFormat);
  }

  /** The layer's computation on one batch: each position repeated `size[k]` times along axis `k`. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    return repeatSpatial(inputs, this.size, this.dataFormat);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    const size = this.size;
    return spatialOutputShape(inputShape, size.length, this.dataFormat, (d, i) => d * size[i]);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], dataFormat: this.dataFormat };
  }
}

/**
 * Repeats every position `factors[k]` times along spatial axis `k` (NumPy's
 * `repeat` on each spatial axis: nearest-neighbour up-sampling). The forward
 * pass broadcasts one axis at a time over `[outer, 1, inner]` views (large
 * contiguous copies; channels first runs channels last between two
 * transposes); the gradient sums each block of copies, as an average
 * pooling with window and stride `factors` scaled by the block size
 * (pooling kernels are fast on every backend, a sum over interleaved axes
 * is not).
 *
 * @param x `[batch, ...spatial, channels]` or `[batch, channels, ...spatial]`.
 * @param factors One positive integer per spatial axis (1 to 3 of them).
 * @param dataFormat Where the channels of `x` are.
 * @returns `x` with spatial axis `k` `factors[k]` times longer.
 */
export function repeatSpatial(
  x: tf.Tensor,
  factors: number[],
  dataFormat: DataFormat,
): tf.Tensor {
  if (factors.every((f) => f === 1)) return x;
  if (dataFormat === "channels_first") {
    const last = repeatSpatial(toChannelsLast(x, dataFormat), factors, "channels_last");
    return fromChannelsLast(last, dataFormat);
  }
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    return {
      value: repeatEach(input, factors),
      gradFunc: (dy: tf.Tensor) => blockSums(dy, factors, input.shape),
    };
  });
  return run(x);
}

/** The forward pass of {@link repeatSpatial} on channels-last `x`, innermost spatial axis first. */
function repeatEach(x: tf.Tensor, factors: number[]): tf.Tensor {
  let y = x;
  const shape = [...x.shape];
  for (let k = factors.length - 1; k >= 0; k--) {
    if (factors[k] === 1) continue;
    const axis = 1 + k;
    const outer = shape.slice(0, axis + 1).reduce((a, b) => a * b, 1);
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    y = tf.broadcastTo(tf.reshape(y, [outer, 1, inner]), [outer, factors[k], inner]);
    shape[axis] *= factors[k];
  }
  return tf.reshape(y, shape);
}

/** The sums of channels-last `dy` over blocks of `factors` along its spatial axes, shaped `shape`. */
function blockSums(dy: tf.Tensor, factors: number[], shape: number[]): tf.Tensor {
  let pooled: tf.Tensor;
  if (factors.length === 3) {
    const f = factors as [number, number, number];
    pooled = tf.avgPool3d(dy as tf.Tensor5D, f, f, "valid");
  } else if (factors.length === 2) {
    const f = factors as [number, number];
    pooled = tf.avgPool(dy as tf.Tensor4D, f, f, "valid");
  } else {
    const [n, steps, c] = dy.shape;
    const f: [number, number] = [factors[0], 1];
    pooled = tf.avgPool(tf.reshape(dy, [n, steps, 1, c]) as tf.Tensor4D, f, f, "valid");
  }
  const block = factors.reduce((a, b) => a * b, 1);
  return tf.reshape(tf.mul(pooled, block), shape);
}
