/**
 * Cropping3D: positions removed from the edges of a volume.
 *
 * @module
 */
import { BaseCropping, type CroppingOptions } from "./base_cropping.ts";

/**
 * Keras's `Cropping3D`: input `[batch, dim1, dim2, dim3, channels]` (or
 * channels first); `cropping`: one integer for every side, one per axis, or
 * `[[before, after], [before, after], [before, after]]` (default 1 on every
 * side).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 6, 6, 6, 2]);
 * const y = new layers.Cropping3D([[1, 1], [2, 0], 0]).apply(x); // shape [1, 4, 4, 6, 2]
 * tf.dispose([x, y]);
 * ```
 */
export class Cropping3D extends BaseCropping {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `CroppingOptions`. */
  static override optionKeys: readonly string[] = BaseCropping.optionKeys;

  /**
   * Creates a Cropping3D layer.
   *
   * @param cropping Positionally as Keras (`Cropping3D(1)`, `Cropping3D([[1, 1], [2, 0], 0])`), or
   *   the options: `cropping` (default 1 on every side), `dataFormat` (default "channels_last").
   * @param options The options, when `cropping` is given positionally.
   */
  constructor(
    cropping?: number | (number | number[])[] | CroppingOptions,
    options?: CroppingOptions,
  ) {
    super(3, 1, cropping, options);
  }
}
