/**
 * SpatialDropout3D: drops whole channels of 3-D inputs during training.
 *
 * @module
 */
import { LAYER_OPTION_KEYS } from "../engine/layer.ts";
import { BaseSpatialDropout } from "./base_spatial_dropout.ts";

/**
 * Keras's `SpatialDropout3D`: for inputs `[batch, dim1, dim2, dim3, channels]` (or channels first): whole feature volumes are zeroed with
 * probability `rate` in training and the survivors scaled by
 * `1 / (1 − rate)`; outside training the input passes through unchanged.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 2, 2, 2, 4]);
 * const y = new layers.SpatialDropout3D(0.5, { seed: 1 }).apply(x, { training: true });
 * tf.dispose([x, y]);
 * ```
 */
export class SpatialDropout3D extends BaseSpatialDropout {
  /** The number of spatial axes. */
  protected readonly spatialRank = 3;

  /** The keys of the layer's options. */
  static override optionKeys: readonly string[] = [...LAYER_OPTION_KEYS, "seed", "dataFormat"];

  /** The constructor's arguments, for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}
