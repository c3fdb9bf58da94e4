/**
 * UpSampling3D: each position of a volume repeated along the three spatial axes.
 *
 * @module
 */
import { LAYER_OPTION_KEYS, type LayerOptions } from "../engine/layer.ts";
import { type DataFormat, SpatialRepeatLayer, valueOrOptions } from "./_reshaping.ts";

/** Options of {@link UpSampling3D}. */
export interface UpSampling3DOptions extends LayerOptions {
  /** The repeat count per spatial axis: one integer or three. @default 2 */
  size?: number | number[];
  /** Where the channels are. @default "channels_last" */
  dataFormat?: DataFormat;
}

/**
 * Keras's `UpSampling3D`: input `[batch, dim1, dim2, dim3, channels]` (or
 * channels first); each position repeated `size[k]` times along spatial
 * axis `k` (nearest-neighbour up-sampling).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 2, 3, 4, 1]);
 * const y = new layers.UpSampling3D([1, 2, 3]).apply(x); // shape [1, 2, 6, 12, 1]
 * tf.dispose([x, y]);
 * ```
 */
export class UpSampling3D extends SpatialRepeatLayer {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of {@link UpSampling3DOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "size",
    "dataFormat",
  ] satisfies (keyof UpSampling3DOptions)[];

  /**
   * Creates an UpSampling3D layer.
   *
   * @param size The repeat counts, positionally as Keras (`UpSampling3D(2)`,
   *   `UpSampling3D([1, 2, 2])`), or the options: `size` (default 2), `dataFormat`
   *   (default "channels_last").
   * @param options The options, when `size` is given positionally.
   */
  constructor(size?: number | number[] | UpSampling3DOptions, options?: UpSampling3DOptions) {
    const o = valueOrOptions<UpSampling3DOptions>("UpSampling3D", "size", size, options);
    super("UpSampling3D", 3, o);
  }
}
