/**
 * SpatialDropout1D: drops whole channels of 1-D inputs during training.
 *
 * @module
 */
import { LAYER_OPTION_KEYS } from "../engine/layer.ts";
import { BaseSpatialDropout } from "./base_spatial_dropout.ts";

/**
 * Keras's `SpatialDropout1D`: for inputs `[batch, steps, channels]`: whole channels of a sequence are zeroed with
 * probability `rate` in training and the survivors scaled by
 * `1 / (1 − rate)`; outside training the input passes through unchanged.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 5, 4]);
 * const y = new layers.SpatialDropout1D(0.5, { seed: 1 }).apply(x, { training: true });
 * tf.dispose([x, y]);
 * ```
 */
export class SpatialDropout1D extends BaseSpatialDropout {
  /** The number of spatial axes. */
  protected readonly spatialRank = 1;

  /** The keys of the layer's options. */
  static override optionKeys: readonly string[] = [...LAYER_OPTION_KEYS, "seed"];
}
