/**
 * AveragePooling2D: Average pooling over the rows and columns of an image.
 *
 * @module
 */
import { BasePooling, type PoolingOptions } from "./base_pooling.ts";

/**
 * Average pooling over the rows and columns of an image. Input `[batch, rows, cols, channels]`; each window of `poolSize`
 * (stepping by `strides`, default `poolSize`) is reduced to its mean (over the positions inside the input).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 28, 28, 8]);
 * const y = new layers.AveragePooling2D({ poolSize: 2 }).apply(x); // shape [1, 14, 14, 8]
 * tf.dispose([x, y]);
 * ```
 */
export class AveragePooling2D extends BasePooling {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `PoolingOptions`. */
  static override optionKeys: readonly string[] = BasePooling.optionKeys;

  /**
   * Creates an AveragePooling2D layer.
   *
   * @param poolSize The window size, positionally as Keras (`AveragePooling2D(3)`), or the options:
   *   `poolSize` (default 2), `strides` (default `poolSize`), `padding` (default "valid").
   * @param options The options, when `poolSize` is given positionally.
   */
  constructor(poolSize: number | number[] | PoolingOptions = {}, options?: PoolingOptions) {
    super(2, "avg", poolSize, options);
  }
}
