/**
 * BaseCropping: what Cropping1D, 2D and 3D share.
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
import { formatShape } from "../engine/format.ts";
import {
  checkSpatialRank,
  type DataFormat,
  dataFormatOption,
  sidePairs,
  spatialAxes,
  valueOrOptions,
} from "./_reshaping.ts";

/** Options of the cropping layers. */
export interface CroppingOptions extends LayerOptions {
  /**
   * Positions removed from each side of each spatial axis: one non-negative
   * integer for all of them, one per spatial axis (both sides), or a pair
   * `[before, after]` per spatial axis (for Cropping1D: an integer or one
   * pair). Keras's defaults: `[1, 1]` (1-D), `[[0, 0], [0, 0]]` (2-D),
   * `[[1, 1], [1, 1], [1, 1]]` (3-D).
   */
  cropping?: number | (number | number[])[];
  /** Where the channels are (Cropping2D and Cropping3D). @default "channels_last" */
  dataFormat?: DataFormat;
}

/**
 * The cropping layers' shared code: positions removed from the start and
 * the end of each spatial axis. Cropping as much as an axis holds, or more,
 * is refused with the layer, the cropping and the input shape.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.ones([1, 5, 6, 2]);
 * const y = new layers.Cropping2D([[1, 2], [0, 3]]).apply(x); // shape [1, 2, 3, 2]
 * tf.dispose([x, y]);
 * ```
 */
export abstract class BaseCropping extends Layer {
  /** `[before, after]` per spatial axis. */
  readonly cropping: [number, number][];
  /** Where the channels are. */
  readonly dataFormat: DataFormat;
  readonly #rank: number;

  /** The constructor's positional arguments, in order, for `fromConfig`. */
  static override positionalArgs: string[] = [];
  /** The keys of {@link CroppingOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "cropping",
    "dataFormat",
  ] satisfies (keyof CroppingOptions)[];

  /**
   * Creates a cropping layer.
   *
   * @param rank The number of spatial axes.
   * @param fallback The cropping when none is given (Keras's default for this rank).
   * @param cropping The amounts (Keras's positional `cropping`), or the options.
   * @param options The options, when `cropping` is given positionally.
   */
  constructor(
    rank: number,
    fallback: number,
    cropping: number | (number | number[])[] | CroppingOptions | undefined,
    options: CroppingOptions | undefined,
  ) {
    const name = new.target.name;
    const o = valueOrOptions<CroppingOptions>(name, "cropping", cropping, options);
    super(o);
    this.#rank = rank;
    this.cropping = sidePairs(`build ${name}`, "cropping", o.cropping ?? fallback, rank);
    this.dataFormat = dataFormatOption(`build ${name}`, o.dataFormat);
    this.supportsMasking = false;
  }

  /** Checks the input's rank and that each known spatial axis outlasts its cropping. */
  override build(inputShape: Shape): void {
    checkSpatialRank(this, inputShape, this.#rank, this.dataFormat);
    this.#checkFits(inputShape);
  }

  /** Throws when the cropping of an axis of known length removes all of it. */
  #checkFits(shape: Shape): void {
    spatialAxes(this.#rank, this.dataFormat).forEach((axis, i) => {
      const d = shape[axis];
      const [before, after] = this.cropping[i];
      if (d === null || before + after < d) return;
      throw new RangeError(
        `Cannot apply ${this.name} (${this.constructor.name}) as "cropping" ${
          JSON.stringify(this.#rank === 1 ? this.cropping[0] : this.cropping)
        } removes ${
          before + after
        } of the ${d} positions of spatial axis ${i} (axis ${axis}): the input shape is ${
          formatShape([null, ...shape.slice(1)])
        }; each axis must keep at least one`,
      );
    });
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    this.#checkFits(inputs.shape);
    const begin = inputs.shape.map(() => 0);
    const size = [...inputs.shape];
    spatialAxes(this.#rank, this.dataFormat).forEach((axis, i) => {
      begin[axis] = this.cropping[i][0];
      size[axis] -= this.cropping[i][0] + this.cropping[i][1];
    });
    return tf.slice(inputs, begin, size);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    this.#checkFits(inputShape);
    const out = [...inputShape];
    spatialAxes(this.#rank, this.dataFormat).forEach((axis, i) => {
      const d = out[axis];
      out[axis] = d === null ? null : d - this.cropping[i][0] - this.cropping[i][1];
    });
    return out;
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    const cropping = this.#rank === 1 ? [...this.cropping[0]] : this.cropping.map((p) => [...p]);
    return { ...super.getConfig(), cropping, dataFormat: this.dataFormat };
  }
}
