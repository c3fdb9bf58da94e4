/**
 * MaxPooling3D: max pooling over the three spatial axes of a volume.
 *
 * @module
 */
import { BasePooling, type PoolingOptions } from "./base_pooling.ts";

/**
 * Keras's `MaxPooling3D`: input `[batch, dim1, dim2, dim3, channels]` (or
 * channels first); each window of `poolSize` (stepping by `strides`,
 * default `poolSize`) is reduced to its maximum.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 8, 8, 8, 2]);
 * const y = new layers.MaxPooling3D(2).apply(x); // shape [1, 4, 4, 4, 2]
 * tf.dispose([x, y]);
 * ```
 */
export class MaxPooling3D extends BasePooling {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `PoolingOptions`. */
  static override optionKeys: readonly string[] = BasePooling.optionKeys;

  /**
   * Creates a MaxPooling3D layer.
   *
   * @param poolSize The window size, positionally as Keras (`MaxPooling3D(3)`), or the options:
   *   `poolSize` (default 2), `strides` (default `poolSize`), `padding` (default "valid"),
   *   `dataFormat` (default "channels_last").
   * @param options The options, when `poolSize` is given positionally.
   */
  constructor(poolSize: number | number[] | PoolingOptions = {}, options?: PoolingOptions) {
    super(3, "max", poolSize, options);
  }
}
