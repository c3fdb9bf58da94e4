/**
 * BasePooling: what the max- and average-pooling layers share (window,
 * strides, padding, output shape). Channels-last only.
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
import {
  checkPoolingRank,
  convOutputLength,
  intTuple,
  layerOptions,
  noPositional,
  paddingMode,
} from "./_checks.ts";
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
}

/** The shared part of the pooling layers; subclasses pick rank and reduction. */
export abstract class BasePooling extends Layer {
  /** Window size per spatial axis. */
  readonly poolSize: number[];
  /** Step per spatial axis. */
  readonly strides: number[];
  /** Padding mode. */
  readonly padding: "valid" | "same";
  readonly #rank: 1 | 2;
  readonly #kind: "max" | "avg";

  /** The keys of {@link PoolingOptions}; each pooling class declares them as its own. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "poolSize",
    "strides",
    "padding",
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
    rank: 1 | 2,
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
    this.supportsMasking = false;
  }

  /** Creates the layer's weights for the input shape (called once by `apply`). */
  override build(inputShape: Shape): void {
    checkPoolingRank(this, inputShape, this.#rank);
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
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
    const spatial = inputShape.slice(1, 1 + this.#rank).map((d, i) =>
      convOutputLength(d, this.poolSize[i], this.padding, this.strides[i])
    );
    return [inputShape[0] ?? null, ...spatial, inputShape[inputShape.length - 1]];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      poolSize: [...this.poolSize],
      strides: [...this.strides],
      padding: this.padding,
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
 * input divided by the same pooling of a padded constant of ones.
 */
function sameAvgPool(
  x: tf.Tensor4D,
  size: [number, number],
  strides: [number, number],
): tf.Tensor4D {
  const pads = [1, 2].map((axis, i) => {
    const length = x.shape[axis];
    const out = Math.ceil(length / strides[i]);
    const total = Math.max((out - 1) * strides[i] + size[i] - length, 0);
    const before = Math.floor(total / 2);
    return [before, total - before] as [number, number];
  });
  const padding: [number, number][] = [[0, 0], pads[0], pads[1], [0, 0]];
  const padded = tf.pad(x, padding);
  const ones = tf.pad(tf.ones([1, x.shape[1], x.shape[2], 1]), padding) as tf.Tensor4D;
  const share = tf.avgPool(ones, size, strides, "valid"); // real positions / window size
  return tf.div(tf.avgPool(padded, size, strides, "valid"), share);
}
