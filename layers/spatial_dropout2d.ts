/**
 * SpatialDropout2D: drops whole channels of 2-D inputs during training.
 *
 * @module
 */
import { LAYER_OPTION_KEYS } from "../engine/layer.ts";
import { BaseSpatialDropout } from "./base_spatial_dropout.ts";

/**
 * Keras's `SpatialDropout2D`: for inputs `[batch, rows, cols, channels]` (or channels first): whole feature maps are zeroed with
 * probability `rate` in training and the survivors scaled by
 * `1 / (1 − rate)`; outside training the input passes through unchanged.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 3, 3, 4]);
 * const y = new layers.SpatialDropout2D(0.5, { seed: 1 }).apply(x, { training: true });
 * tf.dispose([x, y]);
 * ```
 */
export class SpatialDropout2D extends BaseSpatialDropout {
  /** The number of spatial axes. */
  protected readonly spatialRank = 2;

  /** The keys of the layer's options. */
  static override optionKeys: readonly string[] = [...LAYER_OPTION_KEYS, "seed", "dataFormat"];

  /** The constructor's arguments, for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}
