/**
 * BasePooling: what the max- and average-pooling layers share (window,
 * strides, padding, output shape). Channels-last only.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { type CallOptions, Layer, type LayerOptions, type Shape } from "../engine/layer.ts";
import { checkPoolingRank, convOutputLength, intTuple, paddingMode } from "./_checks.ts";
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

  /**
   * Creates a BasePooling layer.
   *
   * @param rank Number of spatial axes.
   * @param kind The reduction over a window.
   * @param options Pool size, strides, padding.
   */
  constructor(rank: 1 | 2, kind: "max" | "avg", options: PoolingOptions = {}) {
    super(options);
    const what = `build ${this.constructor.name}`;
    this.#rank = rank;
    this.#kind = kind;
    this.poolSize = intTuple(what, "poolSize", options.poolSize ?? 2, rank);
    this.strides = intTuple(what, "strides", options.strides ?? this.poolSize, rank);
    this.padding = paddingMode(what, "padding", options.padding, ["valid", "same"] as const);
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
