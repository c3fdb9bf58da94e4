/**
 * LeakyReLU: a rectifier with a small slope for negative inputs.
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
import { layerOptions } from "./_checks.ts";
import { NON_NEGATIVE, number } from "../engine/validate.ts";

/** Options of {@link LeakyReLU}. */
export interface LeakyReLUOptions extends LayerOptions {
  /** The slope for negative inputs, a number >= 0. @default 0.3 */
  negativeSlope?: number;
}

/**
 * Keras's `LeakyReLU`: `f(x) = x` for `x >= 0`, `negativeSlope·x` otherwise.
 * Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor1d([-10, 2]);
 * const y = new layers.LeakyReLU().apply(x); // [-3, 2]
 * tf.dispose([x, y]);
 * ```
 */
export class LeakyReLU extends Layer {
  /** The slope for negative inputs. */
  readonly negativeSlope: number;

  /** The keys of {@link LeakyReLUOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "negativeSlope",
  ] satisfies (keyof LeakyReLUOptions)[];

  /**
   * Creates a LeakyReLU layer.
   *
   * @param options `negativeSlope` (Keras's positional form, a number, is accepted too).
   */
  constructor(options: LeakyReLUOptions = {}) {
    super(
      layerOptions<LeakyReLUOptions>(
        "LeakyReLU",
        options,
        (v) => (typeof v === "number" ? { negativeSlope: v } : undefined),
        "new LeakyReLU({ negativeSlope: 0.2 })",
      ),
    );
    const o = typeof options === "number" ? { negativeSlope: options as number } : options;
    this.negativeSlope = number(
      "build LeakyReLU",
      "negativeSlope",
      o.negativeSlope,
      NON_NEGATIVE,
      0.3,
    );
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    return tf.leakyRelu(inputs, this.negativeSlope);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), negativeSlope: this.negativeSlope };
  }
}
