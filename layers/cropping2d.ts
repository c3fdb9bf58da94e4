/**
 * Cropping2D: rows and columns removed from the edges of an image.
 *
 * @module
 */
import { BaseCropping, type CroppingOptions } from "./base_cropping.ts";

/**
 * Keras's `Cropping2D`: input `[batch, rows, cols, channels]` (or `[batch,
 * channels, rows, cols]` with `dataFormat: "channels_first"`); `cropping`:
 * one integer for every side, `[rows, cols]` (both sides of each), or
 * `[[top, bottom], [left, right]]` (default: nothing removed).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 28, 28, 3]);
 * const y = new layers.Cropping2D([[2, 2], [4, 4]]).apply(x); // shape [1, 24, 20, 3]
 * tf.dispose([x, y]);
 * ```
 */
export class Cropping2D extends BaseCropping {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `CroppingOptions`. */
  static override optionKeys: readonly string[] = BaseCropping.optionKeys;

  /**
   * Creates a Cropping2D layer.
   *
   * @param cropping Positionally as Keras (`Cropping2D(2)`, `Cropping2D([[2, 2], [4, 4]])`), or the
   *   options: `cropping` (default `[[0, 0], [0, 0]]`), `dataFormat` (default "channels_last").
   * @param options The options, when `cropping` is given positionally.
   */
  constructor(
    cropping?: number | (number | number[])[] | CroppingOptions,
    options?: CroppingOptions,
  ) {
    super(2, 0, cropping, options);
  }
}
