/**
 * BaseZeroPadding: what ZeroPadding1D, 2D and 3D share.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { type CallOptions, LAYER_OPTION_KEYS, type LayerOptions } from "../engine/layer.ts";
import { type DataFormat, SpatialSidesLayer } from "./_reshaping.ts";

/** Options of the zero-padding layers. */
export interface ZeroPaddingOptions extends LayerOptions {
  /**
   * Zeros added on each side of each spatial axis: one non-negative integer
   * for all of them, one per spatial axis (both sides), or a pair
   * `[before, after]` per spatial axis (for ZeroPadding1D: an integer or
   * one pair).
   * @default 1
   */
  padding?: number | (number | number[])[];
  /** Where the channels are. @default "channels_last" */
  dataFormat?: DataFormat;
}

/**
 * The zero-padding layers' shared code: zeros added before and after each
 * spatial axis, channels and batch untouched.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 2, 2, 1]);
 * const y = new layers.ZeroPadding2D([[1, 0], [0, 2]]).apply(x); // shape [1, 3, 4, 1]
 * tf.dispose([x, y]);
 * ```
 */
export abstract class BaseZeroPadding extends SpatialSidesLayer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** `[before, after]` per spatial axis. */
  readonly padding: [number, number][] = this.sides;

  /** The keys of {@link ZeroPaddingOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "padding",
    "dataFormat",
  ] satisfies (keyof ZeroPaddingOptions)[];

  /**
   * Creates a zero-padding layer.
   *
   * @param rank The number of spatial axes.
   * @param padding The amounts (Keras's positional `padding`), or the options.
   * @param options The options, when `padding` is given positionally.
   */
  constructor(
    rank: number,
    padding: number | (number | number[])[] | ZeroPaddingOptions | undefined,
    options: ZeroPaddingOptions | undefined,
  ) {
    super("padding", 1, rank, 1, padding, options);
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const pads: [number, number][] = inputs.shape.map(() => [0, 0]);
    this.spatialAxes().forEach((axis, i) => pads[axis] = this.padding[i]);
    return tf.pad(inputs, pads);
  }
}
