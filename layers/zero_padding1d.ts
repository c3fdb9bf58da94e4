/**
 * ZeroPadding1D: zeros added before and after the steps of a sequence.
 *
 * @module
 */
import { BaseZeroPadding, type ZeroPaddingOptions } from "./base_zero_padding.ts";

/**
 * Keras's `ZeroPadding1D`: input `[batch, steps, channels]` (or `[batch,
 * channels, steps]` with `dataFormat: "channels_first"`), zeros added before
 * and after the steps: `padding` is one integer for both ends (default 1) or
 * `[before, after]`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor3d([[[1], [2]]]);
 * const y = new layers.ZeroPadding1D([1, 2]).apply(x); // [[[0], [1], [2], [0], [0]]]
 * tf.dispose([x, y]);
 * ```
 */
export class ZeroPadding1D extends BaseZeroPadding {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `ZeroPaddingOptions`. */
  static override optionKeys: readonly string[] = BaseZeroPadding.optionKeys;

  /**
   * Creates a ZeroPadding1D layer.
   *
   * @param padding Positionally as Keras (`ZeroPadding1D(2)`, `ZeroPadding1D([1, 2])`), or the
   *   options: `padding` (default 1), `dataFormat` (default "channels_last").
   * @param options The options, when `padding` is given positionally.
   */
  constructor(padding?: number | number[] | ZeroPaddingOptions, options?: ZeroPaddingOptions) {
    super(1, padding, options);
  }
}
