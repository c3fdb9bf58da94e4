/**
 * ZeroPadding2D: rows and columns of zeros added around an image.
 *
 * @module
 */
import { BaseZeroPadding, type ZeroPaddingOptions } from "./base_zero_padding.ts";

/**
 * Keras's `ZeroPadding2D`: input `[batch, rows, cols, channels]` (or
 * `[batch, channels, rows, cols]` with `dataFormat: "channels_first"`), rows
 * of zeros added at the top and bottom and columns at the left and right.
 * `padding`: one integer for every side (default 1), `[rows, cols]` (both
 * sides of each), or `[[top, bottom], [left, right]]`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 28, 28, 3]);
 * const y = new layers.ZeroPadding2D([[1, 0], [2, 2]]).apply(x); // shape [1, 29, 32, 3]
 * tf.dispose([x, y]);
 * ```
 */
export class ZeroPadding2D extends BaseZeroPadding {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `ZeroPaddingOptions`. */
  static override optionKeys: readonly string[] = BaseZeroPadding.optionKeys;

  /**
   * Creates a ZeroPadding2D layer.
   *
   * @param padding Positionally as Keras (`ZeroPadding2D(1)`, `ZeroPadding2D([[1, 0], [2, 2]])`),
   *   or the options: `padding` (default 1), `dataFormat` (default "channels_last").
   * @param options The options, when `padding` is given positionally.
   */
  constructor(
    padding?: number | (number | number[])[] | ZeroPaddingOptions,
    options?: ZeroPaddingOptions,
  ) {
    super(2, padding, options);
  }
}
