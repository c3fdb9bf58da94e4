/**
 * Softmax: the softmax activation as a layer, along any axes, with masks.
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
import { reject, show } from "../engine/validate.ts";

/** Options of {@link Softmax}. */
export interface SoftmaxOptions extends LayerOptions {
  /** The axis, or axes, the probabilities sum to 1 along. @default -1 */
  axis?: number | number[];
}

/** Keras's large negative number for float32, added to masked logits. */
const LARGE_NEGATIVE = -1e9;

/**
 * Keras's `Softmax` layer: `exp(x) / Σ exp(x)` along `axis`. With a mask
 * (given to `apply`, or attached by an earlier layer) masked positions get
 * probability 0: their logits are lowered by 1e9 and the result is
 * multiplied by the mask, as Keras does. A mask broadcasts against the
 * input; one over the leading axes (a `[batch, steps]` mask of a
 * `[batch, steps, features]` input) covers whole steps. Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor2d([[1, 1, 1]]);
 * const mask = tf.tensor2d([[1, 1, 0]], [1, 3], "bool");
 * const y = new layers.Softmax().apply(x, { mask }); // [[0.5, 0.5, 0]]
 * tf.dispose([x, mask, y]);
 * ```
 */
export class Softmax extends Layer {
  /** The axis or axes, as given. */
  readonly axis: number | number[];

  /** The keys of {@link SoftmaxOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "axis",
  ] satisfies (keyof SoftmaxOptions)[];

  /**
   * Creates a Softmax layer.
   *
   * @param options `axis`.
   */
  constructor(options: SoftmaxOptions = {}) {
    super(layerOptions("Softmax", options, noPositional, "new Softmax({ axis: -1 })"));
    const axis = options.axis ?? -1;
    const list = Array.isArray(axis) ? axis : [axis];
    if (list.length === 0 || list.some((a) => !Number.isInteger(a))) {
      reject("build Softmax", "axis", axis, "an integer or a non-empty list of integers");
    }
    this.axis = Array.isArray(axis) ? [...axis] : axis;
    this.supportsMasking = true;
  }

  /** Checks the axes against the input's rank (called once by `apply`). */
  override build(inputShape: Shape): void {
    this.#axes(inputShape.length);
  }

  #axes(rank: number): number[] {
    const given = Array.isArray(this.axis) ? this.axis : [this.axis];
    const axes = [...new Set(given.map((a) => (a < 0 ? rank + a : a)))];
    if (axes.some((a) => a < 0 || a >= rank)) {
      throw new RangeError(
        `Cannot apply ${this.name} (Softmax) as "axis" ${
          show(this.axis)
        } is outside an input of rank ${rank}`,
      );
    }
    return axes;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    const rank = inputs.rank;
    const axes = this.#axes(rank);
    let x = inputs;
    let mask: tf.Tensor | null = null;
    if (options.mask) {
      mask = tf.cast(broadcastable(options.mask, inputs.shape), inputs.dtype);
      x = tf.add(x, tf.mul(tf.sub(1, mask), LARGE_NEGATIVE));
    }
    let y = axes.length === 1 && axes[0] === rank - 1
      ? tf.softmax(x)
      : tf.exp(tf.sub(x, tf.logSumExp(x, axes, true)));
    if (mask) y = tf.mul(y, mask);
    return y;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: Array.isArray(this.axis) ? [...this.axis] : this.axis };
  }
}

/** A mask over the input's leading axes gets trailing size-1 axes; others broadcast as they are. */
function broadcastable(mask: tf.Tensor, shape: number[]): tf.Tensor {
  const leading = mask.rank < shape.length && mask.shape.every((d, i) => d === shape[i]);
  return leading ? tf.reshape(mask, [...mask.shape, ...shape.slice(mask.rank).map(() => 1)]) : mask;
}
