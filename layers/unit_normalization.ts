/**
 * UnitNormalization: scales each sample to unit L2 norm along some axes.
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
import { axisOption, layerOptions, noPositional } from "./_checks.ts";
import { show } from "../engine/validate.ts";

/** Options of {@link UnitNormalization}. */
export interface UnitNormalizationOptions extends LayerOptions {
  /** The axis or axes whose L2 norm becomes 1. @default -1 */
  axis?: number | number[];
}

/**
 * Keras's `UnitNormalization`: `x / √max(Σx², 1e-12)`, the sum taken along
 * `axis`, so each slice has L2 norm 1 (zero slices stay zero). Masks pass
 * through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor2d([[3, 4]]);
 * const y = new layers.UnitNormalization().apply(x); // [[0.6, 0.8]]
 * tf.dispose([x, y]);
 * ```
 */
export class UnitNormalization extends Layer {
  /** The axis or axes, as given. */
  readonly axis: number | number[];

  /** The keys of {@link UnitNormalizationOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "axis",
  ] satisfies (keyof UnitNormalizationOptions)[];

  /**
   * Creates a UnitNormalization layer.
   *
   * @param options `axis`.
   */
  constructor(options: UnitNormalizationOptions = {}) {
    super(
      layerOptions(
        "UnitNormalization",
        options,
        noPositional,
        "new UnitNormalization({ axis: -1 })",
      ),
    );
    const what = "build UnitNormalization";
    this.axis = axisOption(what, options.axis ?? -1);
    this.supportsMasking = true;
  }

  /** Checks the axes against the input's rank (called once by `apply`). */
  override build(inputShape: Shape): void {
    this.#axes(inputShape.length);
  }

  #axes(rank: number): number[] {
    const given = Array.isArray(this.axis) ? this.axis : [this.axis];
    const axes = [...new Set(given.map((a) => (a < 0 ? rank + a : a)))];
    if (axes.some((a) => a <= 0 || a >= rank)) {
      throw new RangeError(
        `Cannot apply ${this.name} (UnitNormalization) as "axis" ${
          show(this.axis)
        } must name non-batch axes of an input of rank ${rank}`,
      );
    }
    return axes;
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const squareSum = tf.sum(tf.square(inputs), this.#axes(inputs.rank), true);
    return tf.mul(inputs, tf.rsqrt(tf.maximum(squareSum, 1e-12)));
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: Array.isArray(this.axis) ? [...this.axis] : this.axis };
  }
}
