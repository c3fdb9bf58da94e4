/**
 * Masking: marks time steps whose features all equal a value as padding.
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
import { number } from "../engine/validate.ts";

/** Options of {@link Masking}. */
export interface MaskingOptions extends LayerOptions {
  /** The padding value. @default 0 */
  maskValue?: number;
}

/**
 * Keras's `Masking`: a time step (a position along the axes before the
 * last) whose features all equal `maskValue` is masked; the layer emits the
 * mask `any(x != maskValue, axis=-1)`, which mask-aware layers downstream
 * honour, and zeroes the masked steps in its output.
 *
 * @example
 * ```ts
 * import { layers, maskOf, tf } from "../mod.ts";
 * const x = tf.tensor3d([[[1, 2], [0, 0], [3, 0]]]);
 * const y = new layers.Masking().apply(x);
 * const mask = maskOf(y)!; // [[true, false, true]]
 * tf.dispose([x, y, mask]);
 * ```
 */
export class Masking extends Layer {
  /** The padding value. */
  readonly maskValue: number;

  /** The keys of {@link MaskingOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "maskValue",
  ] satisfies (keyof MaskingOptions)[];

  /**
   * Creates a Masking layer.
   *
   * @param options `maskValue` (Keras's positional form, a number, is accepted too).
   */
  constructor(options: MaskingOptions = {}) {
    super(
      layerOptions<MaskingOptions>(
        "Masking",
        options,
        (v) => (typeof v === "number" ? { maskValue: v } : undefined),
        "new Masking({ maskValue: 0 })",
      ),
    );
    const o = typeof options === "number" ? { maskValue: options as number } : options;
    this.maskValue = number("build Masking", "maskValue", o.maskValue, undefined, 0);
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch: masked steps become 0. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    // 1 where some feature differs from maskValue, through ops with gradients (step's is 0)
    const keep = tf.step(tf.max(tf.abs(tf.sub(inputs, this.maskValue)), -1, true));
    return tf.mul(inputs, keep);
  }

  /** The mask: true where some feature differs from `maskValue`. */
  override computeMask(inputs: tf.Tensor, _mask: tf.Tensor | null): tf.Tensor | null {
    return tf.any(tf.notEqual(inputs, this.maskValue), -1);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}
