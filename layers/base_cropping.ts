/**
 * BaseCropping: what Cropping1D, 2D and 3D share.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { formatShape } from "../engine/format.ts";
import { type DataFormat, sidePairsConfig, SpatialSidesLayer } from "./_reshaping.ts";

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
export abstract class BaseCropping extends SpatialSidesLayer {
  /** Its output follows from `computeOutputShape` (exact, float32): a rebuild from a file need not run it. */
  static readonly exactOutputShape = true;
  /** `[before, after]` per spatial axis. */
  readonly cropping: [number, number][] = this.sides;

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
    super("cropping", -1, rank, fallback, cropping, options);
  }

  /** Checks the input's rank and that each known spatial axis outlasts its cropping. */
  override build(inputShape: Shape): void {
    super.build(inputShape);
    this.#checkFits(inputShape);
  }

  /** Throws when the cropping of an axis of known length removes all of it. */
  #checkFits(shape: Shape): void {
    this.spatialAxes().forEach((axis, i) => {
      const d = shape[axis];
      const [before, after] = this.cropping[i];
      if (d === null || before + after < d) return;
      throw new RangeError(
        `Cannot apply ${this.name} (${this.constructor.name}) as "cropping" ${
          JSON.stringify(sidePairsConfig(this.cropping))
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
    this.spatialAxes().forEach((axis, i) => {
      begin[axis] = this.cropping[i][0];
      size[axis] -= this.cropping[i][0] + this.cropping[i][1];
    });
    return tf.slice(inputs, begin, size);
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    this.#checkFits(inputShape);
    return super.computeOutputShape(inputShape);
  }
}
