/**
 * Identity: passes its input through unchanged.
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
import { layerOptions, noPositional } from "./_checks.ts";

/**
 * Keras's `Identity` layer: returns its input (a copy the caller owns), as a
 * placeholder in a model. Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor1d([1, 2]);
 * const y = new layers.Identity().apply(x); // [1, 2]
 * tf.dispose([x, y]);
 * ```
 */
export class Identity extends Layer {
  /** The keys of the base layer's options. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates an Identity layer.
   *
   * @param options The base layer's options.
   */
  constructor(options: LayerOptions = {}) {
    super(layerOptions("Identity", options, noPositional, "new Identity({ name })"));
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch: the input itself. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    return inputs;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }
}
