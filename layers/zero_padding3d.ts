/**
 * ZeroPadding3D: zeros added around a volume.
 *
 * @module
 */
import { BaseZeroPadding, type ZeroPaddingOptions } from "./base_zero_padding.ts";

/**
 * Keras's `ZeroPadding3D`: input `[batch, dim1, dim2, dim3, channels]` (or
 * channels first), zeros added before and after each of the three spatial
 * axes. `padding`: one integer for every side (default 1), one per axis, or
 * `[[before, after], [before, after], [before, after]]`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 4, 4, 4, 2]);
 * const y = new layers.ZeroPadding3D([1, 0, [2, 1]]).apply(x); // shape [1, 6, 4, 7, 2]
 * tf.dispose([x, y]);
 * ```
 */
export class ZeroPadding3D extends BaseZeroPadding {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `ZeroPaddingOptions`. */
  static override optionKeys: readonly string[] = BaseZeroPadding.optionKeys;

  /**
   * Creates a ZeroPadding3D layer.
   *
   * @param padding Positionally as Keras (`ZeroPadding3D(1)`, `ZeroPadding3D([1, 2, [0, 1]])`), or
   *   the options: `padding` (default 1), `dataFormat` (default "channels_last").
   * @param options The options, when `padding` is given positionally.
   */
  constructor(
    padding?: number | (number | number[])[] | ZeroPaddingOptions,
    options?: ZeroPaddingOptions,
  ) {
    super(3, padding, options);
  }
}
