/**
 * MaxPooling2D: Max pooling over the rows and columns of an image.
 *
 * @module
 */
import { BasePooling, type PoolingOptions } from "./base_pooling.ts";

/**
 * Max pooling over the rows and columns of an image. Input `[batch, rows, cols, channels]`; each window of `poolSize`
 * (stepping by `strides`, default `poolSize`) is reduced to its maximum.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 28, 28, 8]);
 * const y = new layers.MaxPooling2D({ poolSize: 2 }).apply(x); // shape [1, 14, 14, 8]
 * tf.dispose([x, y]);
 * ```
 */
export class MaxPooling2D extends BasePooling {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `PoolingOptions`. */
  static override optionKeys: readonly string[] = BasePooling.optionKeys;

  /**
   * Creates a MaxPooling2D layer.
   *
   * @param poolSize The window size, positionally as Keras (`MaxPooling2D(3)`), or the options:
   *   `poolSize` (default 2), `strides` (default `poolSize`), `padding` (default "valid").
   * @param options The options, when `poolSize` is given positionally.
   */
  constructor(poolSize: number | number[] | PoolingOptions = {}, options?: PoolingOptions) {
    super(2, "max", poolSize, options);
  }
}
