/**
 * BaseZeroPadding: what ZeroPadding1D, 2D and 3D share.
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
import {
  checkSpatialRank,
  type DataFormat,
  dataFormatOption,
  sidePairs,
  spatialAxes,
  valueOrOptions,
} from "./_reshaping.ts";

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
export abstract class BaseZeroPadding extends Layer {
  /** `[before, after]` per spatial axis. */
  readonly padding: [number, number][];
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  readonly #rank: number;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
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
    const name = new.target.name;
    const o = valueOrOptions<ZeroPaddingOptions>(name, "padding", padding, options);
    super(o);
    this.#rank = rank;
    this.padding = sidePairs(`build ${name}`, "padding", o.padding ?? 1, rank);
    this.dataFormat = dataFormatOption(`build ${name}`, o.dataFormat);
    this.supportsMasking = false;
  }

  /** Checks the input's rank (called once by `apply`). */
  override build(inputShape: Shape): void {
    checkSpatialRank(this, inputShape, this.#rank, this.dataFormat);
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const pads: [number, number][] = inputs.shape.map(() => [0, 0]);
    spatialAxes(this.#rank, this.dataFormat).forEach((axis, i) => pads[axis] = this.padding[i]);
    return tf.pad(inputs, pads);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    const out = [...inputShape];
    spatialAxes(this.#rank, this.dataFormat).forEach((axis, i) => {
      const d = out[axis];
      out[axis] = d === null ? null : d + this.padding[i][0] + this.padding[i][1];
    });
    return out;
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const padding = this.#rank === 1 ? [...this.padding[0]] : this.padding.map((p) => [...p]);
    return { ...super.getConfig(), padding, dataFormat: this.dataFormat };
  }
}
