/**
 * BasePooling: what the max- and average-pooling layers share (window,
 * strides, padding, data format, output shape), for 1, 2 and 3 spatial axes.
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
import { convOutputLength, intTuple, layerOptions, noPositional, paddingMode } from "./_checks.ts";
import { formatShape } from "../engine/format.ts";
import {
  checkSpatialRank,
  type DataFormat,
  dataFormatOption,
  fromChannelsLast,
  spatialAxes,
  toChannelsLast,
} from "./_reshaping.ts";
import { rejectPositional } from "../engine/options.ts";
import { fused } from "../engine/fused.ts";

/** Options of the pooling layers. */
export interface PoolingOptions extends LayerOptions {
  /** Window size: an integer or one per spatial axis. @default 2 */
  poolSize?: number | number[];
  /** Step of the window. @default poolSize */
  strides?: number | number[] | null;
  /**
   * `"valid"` (windows inside the input) or `"same"` (output size
   * `ceil(input / stride)`; padded positions are ignored, also by averages).
   * @default "valid"
   */
  padding?: "valid" | "same";
  /**
   * Where the channels are: `"channels_last"` (`[batch, ...spatial,
   * channels]`) or `"channels_first"` (`[batch, channels, ...spatial]`).
   * @default "channels_last"
   */
  dataFormat?: DataFormat;
}

/** The shared part of the pooling layers; subclasses pick rank and reduction. */
export abstract class BasePooling extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** Window size per spatial axis. */
  readonly poolSize: number[];
  /** Step per spatial axis. */
  readonly strides: number[];
  /** Padding mode. */
  readonly padding: "valid" | "same";
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  readonly #rank: 1 | 2 | 3;
  readonly #kind: "max" | "avg";

  /** The keys of {@link PoolingOptions}; each pooling class declares them as its own. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "poolSize",
    "strides",
    "padding",
    "dataFormat",
  ] satisfies (keyof PoolingOptions)[];

  /**
   * Creates a BasePooling layer.
   *
   * @param rank Number of spatial axes.
   * @param kind The reduction over a window.
   * @param poolSize The window size (Keras's positional `pool_size`: `MaxPooling2D(3)`,
   *   `MaxPooling2D([3, 3])`), or the options object.
   * @param options Strides, padding and the rest, when `poolSize` is given positionally.
   */
  constructor(
    rank: 1 | 2 | 3,
    kind: "max" | "avg",
    poolSize: number | number[] | PoolingOptions = {},
    options?: PoolingOptions,
  ) {
    const o = poolingOptions(new.target.name, poolSize, options);
    super(o);
    const what = `build ${this.constructor.name}`;
    this.#rank = rank;
    this.#kind = kind;
    this.poolSize = intTuple(what, "poolSize", o.poolSize ?? 2, rank);
    this.strides = intTuple(what, "strides", o.strides ?? this.poolSize, rank);
    this.padding = paddingMode(what, "padding", o.padding, ["valid", "same"] as const);
    this.dataFormat = dataFormatOption(what, o.dataFormat);
    this.supportsMasking = false;
  }

  /** Checks the input's rank and, with "valid" padding, that each window fits the input. */
  override build(inputShape: Shape): void {
    checkSpatialRank(this, inputShape, this.#rank, this.dataFormat);
    this.#checkFits(inputShape);
  }

  /** Throws when a "valid" window is longer than a spatial axis of known length. */
  #checkFits(shape: Shape): void {
    if (this.padding === "same") return;
    spatialAxes(this.#rank, this.dataFormat).forEach((axis, i) => {
      const d = shape[axis];
      if (d === null || d >= this.poolSize[i]) return;
      throw new RangeError(
        `Cannot apply ${this.name} (${this.constructor.name}) as "poolSize" ${
          JSON.stringify(this.poolSize)
        } is larger than the input along spatial axis ${i} (${d} positions, padding "valid"): the input shape is ${
          formatShape([null, ...shape.slice(1)])
        }; use a smaller pool or padding "same"`,
      );
    });
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    this.#checkFits(inputs.shape);
    const last = toChannelsLast(inputs, this.dataFormat);
    const y = this.#rank === 3 ? this.#pool3d(last as tf.Tensor5D) : this.#pool2d(last);
    return fromChannelsLast(y, this.dataFormat);
  }

  /**
   * 3-D pooling of `[batch, d1, d2, d3, channels]`. The maximum is
   * separable: 2-D max pooling of every `d1` plane, then along `d1` (both
   * through the NaN-aware `fused.maxPool2d`; the first maximum in (d1, d2,
   * d3) order takes the gradient, as in PyTorch). TensorFlow.js's cpu
   * gradient of `maxPool3d` is wrong for windows that are not cubes.
   */
  #pool3d(x: tf.Tensor5D): tf.Tensor {
    const size = this.poolSize as [number, number, number];
    const strides = this.strides as [number, number, number];
    if (this.#kind === "max") {
      const [b, d, h, w, c] = x.shape;
      const planes = fused.maxPool2d(
        tf.reshape(x, [b * d, h, w, c]),
        [size[1], size[2]],
        [strides[1], strides[2]],
        this.padding,
      );
      const [, h2, w2] = planes.shape;
      const deep = fused.maxPool2d(
        tf.reshape(planes, [b, d, h2 * w2, c]),
        [size[0], 1],
        [strides[0], 1],
        this.padding,
      );
      return tf.reshape(deep, [b, deep.shape[1], h2, w2, c]);
    }
    if (this.padding === "same") return sameAvgPool(x, size, strides);
    return tf.avgPool3d(x, size, strides, "valid");
  }

  /** 1-D or 2-D pooling of channels-last `x`. */
  #pool2d(inputs: tf.Tensor): tf.Tensor {
    // 1-D pooling runs as 2-D pooling over [batch, steps, 1, channels].
    const x = this.#rank === 2 ? inputs as tf.Tensor4D : tf.expandDims(inputs, 2) as tf.Tensor4D;
    const size: [number, number] = this.#rank === 2
      ? this.poolSize as [number, number]
      : [this.poolSize[0], 1];
    const strides: [number, number] = this.#rank === 2
      ? this.strides as [number, number]
      : [this.strides[0], 1];
    const y = this.#kind === "max"
      ? fused.maxPool2d(x, size, strides, this.padding)
      : this.padding === "same"
      ? sameAvgPool(x, size, strides)
      : tf.avgPool(x, size, strides, "valid");
    return this.#rank === 2 ? y : tf.squeeze(y, [2]);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    this.#checkFits(inputShape);
    const out: Shape = [...inputShape];
    out[0] = inputShape[0] ?? null;
    spatialAxes(this.#rank, this.dataFormat).forEach((axis, i) => {
      out[axis] = convOutputLength(
        inputShape[axis],
        this.poolSize[i],
        this.padding,
        this.strides[i],
      );
    });
    return out;
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      poolSize: [...this.poolSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
    };
  }
}

/**
 * The options of a pooling layer from its one or two arguments: an options
 * object, or the window size then (optionally) the options object.
 */
function poolingOptions(layer: string, first: unknown, second: unknown): PoolingOptions {
  const how =
    `new ${layer}(poolSize, { strides, padding }) or new ${layer}({ poolSize, strides, padding })`;
  if (typeof first === "number" || Array.isArray(first)) {
    const rest = layerOptions<PoolingOptions>(layer, second, noPositional, how);
    if (rest.poolSize !== undefined) {
      throw new TypeError(
        `Cannot build ${layer} as "poolSize" is given twice: received ${
          JSON.stringify(first)
        } and { poolSize: ${JSON.stringify(rest.poolSize)} }`,
      );
    }
    return { ...rest, poolSize: first };
  }
  if (second !== undefined) rejectPositional(`build ${layer}`, second, how);
  return layerOptions<PoolingOptions>(layer, first, noPositional, how);
}

/**
 * Average pooling with "same" padding that divides by the number of real
 * (unpadded) positions in each window, as Keras does. TensorFlow.js's
 * forward pass does this too but its gradient divides by the full window,
 * so the padding is made explicit here: sum-like pooling of the zero-padded
 * input divided by the same pooling of a padded constant of ones. For
 * channels-last `[batch, ...spatial, channels]` with 2 or 3 spatial axes.
 */
function sameAvgPool<T extends tf.Tensor4D | tf.Tensor5D>(
  x: T,
  size: number[],
  strides: number[],
): T {
  const spatial = x.shape.slice(1, -1);
  const pads = spatial.map((length, i) => {
    const out = Math.ceil(length / strides[i]);
    const total = Math.max((out - 1) * strides[i] + size[i] - length, 0);
    const before = Math.floor(total / 2);
    return [before, total - before] as [number, number];
  });
  const padding: [number, number][] = [[0, 0], ...pads, [0, 0]];
  const padded = tf.pad(x, padding);
  const ones = tf.pad(tf.ones([1, ...spatial, 1]), padding);
  const pool = (t: tf.Tensor): tf.Tensor =>
    spatial.length === 3
      ? tf.avgPool3d(
        t as tf.Tensor5D,
        size as [number, number, number],
        strides as [number, number, number],
        "valid",
      )
      : tf.avgPool(
        t as tf.Tensor4D,
        size as [number, number],
        strides as [number, number],
        "valid",
      );
  const share = pool(ones); // real positions / window size
  return tf.div(pool(padded), share) as T;
}
