/**
 * Flatten: folds every axis but the batch axis into one.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { layerOptions, noPositional } from "./_checks.ts";

/**
 * Flattens each sample to a vector: `[batch, d1, d2, …]` becomes
 * `[batch, d1·d2·…]` (a `[batch]` input becomes `[batch, 1]`). Channels-last
 * order is kept. Like Keras 3, Flatten does not support masking: an incoming
 * mask is dropped, not an error.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([2, 3, 4]);
 * const y = new layers.Flatten().apply(x); // shape [2, 12]
 * tf.dispose([x, y]);
 * ```
 */
export class Flatten extends Layer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];

  /** The keys of {@link None}. */
  static override optionKeys: readonly string[] = LAYER_OPTION_KEYS;

  /**
   * Creates a Flatten layer.
   *
   * @param options The base layer's options (name, trainable, inputShape).
   */
  constructor(options: LayerOptions = {}) {
    super(
      layerOptions(
        "Flatten",
        options,
        noPositional,
        "new Flatten({ name }) (kerno is channels-last only)",
      ),
    );
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const size = inputs.shape.slice(1).reduce((a, b) => a * b, 1);
    return tf.reshape(inputs, [inputs.shape[0], size]);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    const rest = inputShape.slice(1);
    const size = rest.some((d) => d === null)
      ? null
      : (rest as number[]).reduce((a, b) => a * b, 1);
    return [inputShape[0] ?? null, size];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig() };
  }
}
