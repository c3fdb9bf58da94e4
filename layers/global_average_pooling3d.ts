/**
 * GlobalAveragePooling3D: the mean over the three spatial axes of a volume.
 *
 * @module
 */
import { BaseGlobalPooling, type GlobalPoolingOptions } from "./base_global_pooling.ts";

/**
 * Keras's `GlobalAveragePooling3D`: the mean over the spatial axes. Input
 * `[batch, dim1, dim2, dim3, channels]` (or channels first), output
 * `[batch, channels]` (`[batch, 1, 1, 1, channels]` with `keepdims`).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 3, 4, 5, 6]);
 * const y = new layers.GlobalAveragePooling3D().apply(x); // shape [2, 6]
 * tf.dispose([x, y]);
 * ```
 */
export class GlobalAveragePooling3D extends BaseGlobalPooling {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `GlobalPoolingOptions`. */
  static override optionKeys: readonly string[] = BaseGlobalPooling.optionKeys;

  /**
   * Creates a GlobalAveragePooling3D layer.
   *
   * @param options `keepdims` (default false), `dataFormat` (default "channels_last").
   */
  constructor(options: GlobalPoolingOptions = {}) {
    super(3, "avg", options);
  }
}
