/**
 * Minimum: element-wise minimum of its inputs.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { SymbolicTensor } from "../engine/symbolic.ts";
import { LAYER_OPTION_KEYS, type LayerOptions } from "../engine/layer.ts";
import { BaseMerge, broadcastAll } from "./base_merge.ts";

/**
 * Takes the element-wise minimum of its inputs (Keras's `Minimum`): an array of at least two tensors of broadcastable shapes. Masks are ANDed.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const a = tf.tensor2d([[1, 2], [3, 4]]);
 * const b = tf.tensor2d([[10, 20], [30, 40]]);
 * const y = new layers.Minimum().apply([a, b]); // [[1, 2], [3, 4]]
 * tf.dispose([a, b, y]);
 * ```
 */
export class Minimum extends BaseMerge {
  /** The keys of `LayerOptions`: a merge layer has no options of its own. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /** The merge itself, on inputs of one rank. */
  protected override merge(inputs: tf.Tensor[]): tf.Tensor {
    // Broadcast first: TensorFlow.js's minimum gradient does not reduce over broadcast axes.
    const same = broadcastAll(inputs);
    return same.slice(1).reduce((m, x) => tf.minimum(m, x), same[0]);
  }
}

/**
 * Keras's `layers.minimum([a, b])`: creates a {@link Minimum} layer and applies it.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const a = tf.ones([2, 3]);
 * const b = tf.ones([2, 3]);
 * const y = layers.minimum([a, b]);
 * tf.dispose([a, b, y]);
 * ```
 * @param inputs The tensors to merge (at least two, of broadcastable shapes).
 * @param options The layer's options (name).
 * @returns The merged tensor.
 */
export function minimum<T extends tf.Tensor | SymbolicTensor>(
  inputs: T[],
  options: LayerOptions = {},
): T {
  return new Minimum(options).apply(inputs as tf.Tensor[]) as T;
}
