/**
 * GlobalMaxPooling2D: The maximum over the rows and columns of an image.
 *
 * @module
 */

import { BaseGlobalPooling, type GlobalPoolingOptions } from "./base_global_pooling.ts";

/**
 * The maximum over the rows and columns of an image. Input `[batch, rows, cols,
 * channels]`, output `[batch, channels]`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 5, 5, 3]);
 * const y = new layers.GlobalMaxPooling2D().apply(x); // shape [2, 3]
 * tf.dispose([x, y]);
 * ```
 */
export class GlobalMaxPooling2D extends BaseGlobalPooling {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `GlobalPoolingOptions`. */
  static override optionKeys: readonly string[] = BaseGlobalPooling.optionKeys;

  /**
   * Creates a GlobalMaxPooling2D layer.
   *
   * @param options `keepdims` (default false).
   */
  constructor(options: GlobalPoolingOptions = {}) {
    super(2, "max", options);
  }
}
