/**
 * Subtract: the element-wise difference of two inputs.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { SymbolicTensor } from "../engine/symbolic.ts";
import { LAYER_OPTION_KEYS, type LayerOptions } from "../engine/layer.ts";
import { BaseMerge } from "./base_merge.ts";

/**
 * Subtracts its second input from its first, element-wise (Keras's `Subtract`): exactly two tensors of broadcastable shapes. Masks are ANDed.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const a = tf.tensor2d([[1, 2], [3, 4]]);
 * const b = tf.tensor2d([[10, 20], [30, 40]]);
 * const y = new layers.Subtract().apply([a, b]); // [[-9, -18], [-27, -36]]
 * tf.dispose([a, b, y]);
 * ```
 */
export class Subtract extends BaseMerge {
  /** The keys of `LayerOptions`: a merge layer has no options of its own. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /** Exactly two inputs. */
  protected override minInputs: number = 2;
  /** Exactly two inputs. */
  protected override maxInputs: number = 2;

  /** The merge itself, on inputs of one rank. */
  protected override merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.sub(inputs[0], inputs[1]);
  }
}

/**
 * Keras's `layers.subtract([a, b])`: creates a {@link Subtract} layer and applies it.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const a = tf.ones([2, 3]);
 * const b = tf.ones([2, 3]);
 * const y = layers.subtract([a, b]);
 * tf.dispose([a, b, y]);
 * ```
 * @param inputs The tensors to merge (exactly two, of broadcastable shapes).
 * @param options The layer's options (name).
 * @returns The merged tensor.
 */
export function subtract<T extends tf.Tensor | SymbolicTensor>(
  inputs: T[],
  options: LayerOptions = {},
): T {
  return new Subtract(options).apply(inputs as tf.Tensor[]) as T;
}
