/**
 * GlobalMaxPooling1D: The maximum over the steps of a sequence.
 *
 * @module
 */

import { BaseGlobalPooling, type GlobalPoolingOptions } from "./base_global_pooling.ts";

/**
 * The maximum over the steps of a sequence. Input `[batch, steps, channels]`, output `[batch,
 * channels]`. As in Keras 3, a mask is not used (and not passed on).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 10, 3]);
 * const y = new layers.GlobalMaxPooling1D().apply(x); // shape [2, 3]
 * tf.dispose([x, y]);
 * ```
 */
export class GlobalMaxPooling1D extends BaseGlobalPooling {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `GlobalPoolingOptions`. */
  static override optionKeys: readonly string[] = BaseGlobalPooling.optionKeys;

  /**
   * Creates a GlobalMaxPooling1D layer.
   *
   * @param options `keepdims` (default false).
   */
  constructor(options: GlobalPoolingOptions = {}) {
    super(1, "max", options);
  }
}
