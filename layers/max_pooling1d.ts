/**
 * MaxPooling1D: Max pooling over the steps of a sequence.
 *
 * @module
 */
import { BasePooling, type PoolingOptions } from "./base_pooling.ts";

/**
 * Max pooling over the steps of a sequence. Input `[batch, steps, channels]`; each window of `poolSize`
 * (stepping by `strides`, default `poolSize`) is reduced to its maximum.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 10, 3]);
 * const y = new layers.MaxPooling1D({ poolSize: 2 }).apply(x); // shape [2, 5, 3]
 * tf.dispose([x, y]);
 * ```
 */
export class MaxPooling1D extends BasePooling {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `PoolingOptions`. */
  static override optionKeys: readonly string[] = BasePooling.optionKeys;

  /**
   * Creates a MaxPooling1D layer.
   *
   * @param poolSize The window size, positionally as Keras (`MaxPooling1D(3)`), or the options:
   *   `poolSize` (default 2), `strides` (default `poolSize`), `padding` (default "valid").
   * @param options The options, when `poolSize` is given positionally.
   */
  constructor(poolSize: number | number[] | PoolingOptions = {}, options?: PoolingOptions) {
    super(1, "max", poolSize, options);
  }
}
