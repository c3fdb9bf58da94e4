/**
 * Cropping1D: steps removed from the start and the end of a sequence.
 *
 * @module
 */
import { LAYER_OPTION_KEYS } from "../engine/layer.ts";
import { BaseCropping, type CroppingOptions } from "./base_cropping.ts";

/** Options of {@link Cropping1D}: Keras's 1-D cropping has no `dataFormat`. */
export type Cropping1DOptions = Omit<CroppingOptions, "dataFormat">;

/**
 * Keras's `Cropping1D`: input `[batch, steps, channels]`; `cropping` steps
 * removed, one integer for both ends or `[start, end]` (default `[1, 1]`).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor3d([[[1], [2], [3], [4], [5]]]);
 * const y = new layers.Cropping1D([1, 2]).apply(x); // [[[2], [3]]]
 * tf.dispose([x, y]);
 * ```
 */
export class Cropping1D extends BaseCropping {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of {@link Cropping1DOptions}. */
  static override optionKeys: readonly string[] = [...LAYER_OPTION_KEYS, "cropping"];

  /**
   * Creates a Cropping1D layer.
   *
   * @param cropping Positionally as Keras (`Cropping1D(2)`, `Cropping1D([1, 2])`), or the options:
   *   `cropping` (default `[1, 1]`).
   * @param options The options, when `cropping` is given positionally.
   */
  constructor(cropping?: number | number[] | Cropping1DOptions, options?: Cropping1DOptions) {
    super(1, 1, cropping, options);
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const { dataFormat: _, ...config } = super.getConfig();
    return config;
  }
}
