/**
 * Add: element-wise sum of its inputs.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { SymbolicTensor } from "../engine/symbolic.ts";
import { LAYER_OPTION_KEYS, type LayerOptions } from "../engine/layer.ts";
import { BaseMerge } from "./base_merge.ts";

/**
 * Adds its inputs element-wise (Keras's `Add`): an array of at least two tensors of broadcastable shapes, one tensor out. Masks are ANDed.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const a = tf.tensor2d([[1, 2], [3, 4]]);
 * const b = tf.tensor2d([[10, 20], [30, 40]]);
 * const y = new layers.Add().apply([a, b]); // [[11, 22], [33, 44]]
 * tf.dispose([a, b, y]);
 * ```
 */
export class Add extends BaseMerge {
  /** The keys of `LayerOptions`: a merge layer has no options of its own. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /** The merge itself, on inputs of one rank. */
  protected override merge(inputs: tf.Tensor[]): tf.Tensor {
    return inputs.slice(1).reduce((sum, x) => tf.add(sum, x), inputs[0]);
  }
}

/**
 * Keras's `layers.add([a, b])`: creates a {@link Add} layer and applies it.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const a = tf.ones([2, 3]);
 * const b = tf.ones([2, 3]);
 * const y = layers.add([a, b]);
 * tf.dispose([a, b, y]);
 * ```
 * @param inputs The tensors to merge (at least two, of broadcastable shapes).
 * @param options The layer's options (name).
 * @returns The merged tensor.
 */
export function add<T extends tf.Tensor | SymbolicTensor>(
  inputs: T[],
  options: LayerOptions = {},
): T {
  return new Add(options).apply(inputs as tf.Tensor[]) as T;
}
