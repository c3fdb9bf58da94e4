/**
 * GlobalAveragePooling1D: The mean over the steps of a sequence, skipping masked steps.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { CallOptions } from "../engine/layer.ts";
import { BaseGlobalPooling, type GlobalPoolingOptions } from "./base_global_pooling.ts";

/**
 * The mean over the steps of a sequence, skipping masked steps. Input `[batch, steps, channels]`, output `[batch,
 * channels]`. With a mask (e.g. from `Embedding({ maskZero: true })`) the
 * mean runs over the unmasked steps only; a sample whose steps are all masked
 * pools to zeros (Keras would give NaN).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const ids = tf.tensor2d([[3, 1, 0, 0]], [1, 4], "int32");
 * const e = new layers.Embedding(5, 2, { maskZero: true }).apply(ids);
 * const y = new layers.GlobalAveragePooling1D().apply(e); // mean of steps 0 and 1
 * tf.dispose([ids, e, y]);
 * ```
 */
export class GlobalAveragePooling1D extends BaseGlobalPooling {
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of `GlobalPoolingOptions`. */
  static override optionKeys: readonly string[] = BaseGlobalPooling.optionKeys;

  /**
   * Creates a GlobalAveragePooling1D layer.
   *
   * @param options `keepdims` (default false).
   */
  constructor(options: GlobalPoolingOptions = {}) {
    super(1, "avg", options);
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, options: CallOptions): tf.Tensor {
    if (!options.mask) return super.call(inputs, options);
    // weights [batch, steps, 1] ([batch, 1, steps] channels first): 1 for kept steps, 0 for masked ones
    const first = this.dataFormat === "channels_first";
    const weights = tf.expandDims(tf.cast(options.mask, inputs.dtype), first ? 1 : -1);
    const axis = first ? 2 : 1;
    const total = tf.sum(tf.mul(inputs, weights), axis, this.keepdims);
    const count = tf.maximum(tf.sum(weights, axis, this.keepdims), 1);
    return tf.div(total, count);
  }
}
