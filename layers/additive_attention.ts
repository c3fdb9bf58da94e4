/**
 * AdditiveAttention: Keras 3's additive (Bahdanau-style) attention layer.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { type InputShapes, LAYER_OPTION_KEYS, type LayerOptions } from "../engine/layer.ts";
import { boolean } from "../engine/validate.ts";
import { Attention } from "./attention.ts";

/** Options of {@link AdditiveAttention}. */
export interface AdditiveAttentionOptions extends LayerOptions {
  /** Whether to learn a per-feature scale of the scores (`scale`, `[features]`). @default true */
  useScale?: boolean;
  /** Dropout rate on the attention probabilities, in training. @default 0 */
  dropout?: number;
  /** Seed of the dropout's generator. @default drawn from kerno's global generator */
  seed?: number | null;
}

/**
 * Keras's `AdditiveAttention` (Bahdanau-style attention): as
 * {@link Attention}, with the scores `Σ scale · tanh(query + key)` over the
 * features, `scale` a learned `[features]` vector (Glorot-uniform) with
 * `useScale`, else 1. Called on `[query, value]` or `[query, value, key]`
 * with the same options and masks as `Attention`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const query = tf.randomNormal([2, 3, 4]);
 * const value = tf.randomNormal([2, 5, 4]);
 * const y = new layers.AdditiveAttention().apply([query, value]); // [2, 3, 4]
 * tf.dispose([query, value, y]);
 * ```
 */
export class AdditiveAttention extends Attention {
  /** The keys of {@link AdditiveAttentionOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "useScale",
    "dropout",
    "seed",
  ] satisfies (keyof AdditiveAttentionOptions)[];

  /**
   * Creates the layer.
   *
   * @param options `useScale`, `dropout` and `seed`.
   */
  constructor(options: AdditiveAttentionOptions = {}) {
    const useScale = boolean("build AdditiveAttention", "useScale", options?.useScale, true);
    super(options === null || typeof options !== "object" ? options : { ...options, useScale });
  }

  /** Checks the inputs and creates `scale`, `[features]`, with `useScale`. */
  override build(inputShape: InputShapes): void {
    const [query] = this.checkShapes(inputShape);
    if (this.useScale) this.scale = this.addWeight("scale", [query[2] as number]);
  }

  /** `Σ scale · tanh(query + key)` over the features: `[batch, Tq, Tv]`. */
  protected override calculateScores(query: tf.Tensor, key: tf.Tensor): tf.Tensor {
    const sum = tf.tanh(tf.add(tf.expandDims(query, -2), tf.expandDims(key, -3)));
    return tf.sum(this.scale ? tf.mul(this.scale, sum) : sum, -1);
  }

  /** The constructor's options, with defaults filled in (Keras's, without `scoreMode`). */
  override getConfig(): Record<string, unknown> {
    const { scoreMode: _, ...config } = super.getConfig();
    return config;
  }
}
