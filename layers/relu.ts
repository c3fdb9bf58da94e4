/**
 * ReLU: the rectified linear unit as a layer, with Keras's cap, threshold
 * and leak.
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
import { layerOptions, noPositional } from "./_checks.ts";
import { NON_NEGATIVE, number } from "../engine/validate.ts";

/** Options of {@link ReLU}. */
export interface ReLUOptions extends LayerOptions {
  /** The largest output value; `null` for no cap. @default null */
  maxValue?: number | null;
  /** The slope below the threshold, a number >= 0. @default 0 */
  negativeSlope?: number;
  /** The value below which the output leaks (or is 0), a number >= 0. @default 0 */
  threshold?: number;
}

/**
 * Keras's `ReLU` layer: `f(x) = maxValue` for `x >= maxValue`, `x` for
 * `threshold < x < maxValue`, and `negativeSlope·(x − threshold)` otherwise
 * (at `x == threshold` the output is 0 when the threshold is not 0, as
 * Keras computes it). Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor1d([-2, 0.5, 9]);
 * const y = new layers.ReLU({ maxValue: 6, negativeSlope: 0.1 }).apply(x); // [-0.2, 0.5, 6]
 * tf.dispose([x, y]);
 * ```
 */
export class ReLU extends Layer {
  /** The cap, or null. */
  readonly maxValue: number | null;
  /** The slope below the threshold. */
  readonly negativeSlope: number;
  /** The threshold. */
  readonly threshold: number;

  /** The keys of {@link ReLUOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "maxValue",
    "negativeSlope",
    "threshold",
  ] satisfies (keyof ReLUOptions)[];

  /**
   * Creates a ReLU layer.
   *
   * @param options `maxValue`, `negativeSlope`, `threshold`.
   */
  constructor(options: ReLUOptions = {}) {
    super(layerOptions("ReLU", options, noPositional, "new ReLU({ maxValue: 6 })"));
    const what = "build ReLU";
    const max = options.maxValue ?? null;
    this.maxValue = max === null ? null : number(what, "maxValue", max, NON_NEGATIVE);
    this.negativeSlope = number(what, "negativeSlope", options.negativeSlope, NON_NEGATIVE, 0);
    this.threshold = number(what, "threshold", options.threshold, NON_NEGATIVE, 0);
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const { maxValue, negativeSlope, threshold } = this;
    let y = threshold === 0 ? tf.relu(inputs) : tf.mul(inputs, tf.step(tf.sub(inputs, threshold))); // x where x > threshold, else 0
    if (maxValue !== null) y = tf.clipByValue(y, 0, maxValue);
    if (negativeSlope !== 0) {
      y = tf.sub(y, tf.mul(negativeSlope, tf.relu(tf.sub(threshold, inputs))));
    }
    return y;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      maxValue: this.maxValue,
      negativeSlope: this.negativeSlope,
      threshold: this.threshold,
    };
  }
}
