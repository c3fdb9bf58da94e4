/**
 * ELU: the exponential linear unit as a layer.
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
import { number } from "../engine/validate.ts";

/** Options of {@link ELU}. */
export interface ELUOptions extends LayerOptions {
  /** The scale of the negative part. @default 1 */
  alpha?: number;
}

/**
 * Keras's `ELU` layer: `f(x) = x` for `x > 0`, `alpha·(exp(x) − 1)`
 * otherwise. Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor1d([-1, 2]);
 * const y = new layers.ELU({ alpha: 0.5 }).apply(x); // [0.5·(e⁻¹ − 1), 2]
 * tf.dispose([x, y]);
 * ```
 */
export class ELU extends Layer {
  /** The scale of the negative part. */
  readonly alpha: number;

  /** The keys of {@link ELUOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "alpha",
  ] satisfies (keyof ELUOptions)[];

  /**
   * Creates an ELU layer.
   *
   * @param options `alpha`.
   */
  constructor(options: ELUOptions = {}) {
    super(layerOptions("ELU", options, noPositional, "new ELU({ alpha: 1 })"));
    this.alpha = number("build ELU", "alpha", options.alpha, undefined, 1);
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    // relu(x) + alpha·(exp(min(x, 0)) − 1): differentiable ops only (tf.where's condition is not)
    return tf.add(tf.relu(inputs), tf.mul(this.alpha, tf.expm1(tf.minimum(inputs, 0))));
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
