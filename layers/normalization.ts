/**
 * Normalization: shifts and scales features to mean 0 and variance 1, with
 * the mean and variance given or learned by `adapt`.
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
import { boolean, reject, show } from "../engine/validate.ts";
import { formatShape } from "../engine/format.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { adaptBatches, type AdaptOptions, PreprocessingLayer } from "./_adapt.ts";
import { MomentAccumulator } from "./_moments.ts";

/** A number or a nested array of numbers (a mean or a variance). */
export type NestedNumbers = number | readonly NestedNumbers[];

/** Options of {@link Normalization}. */
export interface NormalizationOptions extends LayerOptions {
  /**
   * The axis or axes that keep a mean and variance per index (the others
   * are averaged over); `null` (or `[]`): one mean and variance for all
   * values. @default -1
   */
  axis?: number | number[] | null;
  /** The mean, broadcast to the kept axes; given together with `variance` (no `adapt` then). @default null */
  mean?: NestedNumbers | null;
  /** The variance, broadcast to the kept axes; given together with `mean`. @default null */
  variance?: NestedNumbers | null;
  /** Undo the normalization instead: `x · √variance + mean`. @default false */
  invert?: boolean;
}

/** Keras's epsilon: the smallest standard deviation divided by. */
const EPSILON = 1e-7;

/**
 * Keras's `Normalization`: `(x − mean) / max(√variance, 1e-7)` (with
 * `invert`, `mean + x · max(√variance, 1e-7)`), the mean and variance per
 * index of the kept `axis` (the last one by default). They are given
 * (`mean`, `variance`) or learned by `adapt(data)`, which streams the data
 * in batches and merges each batch's mean and variance into the running
 * ones (Chan et al.'s parallel update, in float64), so a million rows cost
 * one pass and no precision. Learned values are the layer's non-trainable
 * weights `mean`, `variance` and `count`, as Keras, so saved models keep
 * them. Calling a layer that has neither is an error.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const norm = new layers.Normalization();
 * norm.adapt([[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]]);
 * const x = tf.tensor2d([[0, 7, 4]]);
 * const y = norm.apply(x); // [[-1, -1, -1]]
 * tf.dispose([x, y]);
 * ```
 */
export class Normalization extends PreprocessingLayer {
  /** The kept axes as given (`null`: none). */
  readonly axis: number | number[] | null;
  /** Whether the layer undoes the normalization. */
  readonly invert: boolean;
  /** The learned mean (`[kept sizes]`), once built without a given mean. */
  adaptMean: tf.Variable | null = null;
  /** The learned variance, once built without a given mean. */
  adaptVariance: tf.Variable | null = null;
  /** The number of values `adapt` read per index (Keras keeps this weight too). */
  count: tf.Variable | null = null;
  readonly #givenMean: NestedNumbers | null;
  readonly #givenVariance: NestedNumbers | null;
  #keep: number[] = [];
  #rank = 0;
  #fixed: { mean: tf.Tensor; variance: tf.Tensor } | null = null;
  #adapted = false;

  /** The keys of {@link NormalizationOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "axis",
    "mean",
    "variance",
    "invert",
  ] satisfies (keyof NormalizationOptions)[];

  /**
   * Creates a Normalization layer.
   *
   * @param options `axis`, `mean`, `variance`, `invert`.
   */
  constructor(options: NormalizationOptions = {}) {
    options = layerOptions(
      "Normalization",
      options,
      noPositional,
      "new Normalization({ axis: -1 })",
    );
    super(options);
    const what = "build Normalization";
    const axis = options.axis === undefined ? -1 : options.axis;
    const axes = axis === null ? [] : Array.isArray(axis) ? axis : [axis];
    if (axes.some((a) => typeof a !== "number" || !Number.isInteger(a))) {
      reject(what, "axis", axis, "an integer, a list of integers or null");
    }
    this.axis = Array.isArray(axis) ? [...axis] : axis;
    this.invert = boolean(what, "invert", options.invert, false);
    const mean = options.mean ?? null;
    const variance = options.variance ?? null;
    if ((mean === null) !== (variance === null)) {
      reject(
        what,
        mean === null ? "mean" : "variance",
        null,
        'given with "mean" and "variance" both',
      );
    }
    if (mean !== null) {
      for (const [arg, v] of [["mean", mean], ["variance", variance]] as const) {
        if (!isNumbers(v)) reject(what, arg, v, "a number or a nested array of numbers");
      }
      if (show(shapeOf(mean)) !== show(shapeOf(variance!))) {
        throw new RangeError(
          `Cannot ${what} as "mean" and "variance" must have the same shape: received [${
            shapeOf(mean)
          }] and [${shapeOf(variance!)}]`,
        );
      }
      if (shapeOf(mean).length > axes.length) {
        throw new RangeError(
          `Cannot ${what} as "mean" has rank ${
            shapeOf(mean).length
          } and there are only ${axes.length} kept axes (${show(this.axis)})`,
        );
      }
    }
    this.#givenMean = mean;
    this.#givenVariance = variance;
    this.supportsMasking = true;
  }

  /** The kept axes of an input of rank `rank`, sorted, non-negative. */
  #keptAxes(rank: number, what: string): number[] {
    const given = this.axis === null ? [] : Array.isArray(this.axis) ? this.axis : [this.axis];
    const axes = [...new Set(given.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    if (axes.some((a) => a < 0 || a >= rank)) {
      throw new RangeError(
        `Cannot ${what} as "axis" ${show(this.axis)} must name axes of an input of rank ${rank}`,
      );
    }
    if (axes.includes(0)) {
      throw new RangeError(
        `Cannot ${what} as "axis" ${
          show(this.axis)
        } keeps the batch axis of an input of rank ${rank}: give inputs a feature axis ([n, 1]) or use axis: null for one mean and variance`,
      );
    }
    return axes;
  }

  /** Creates the weights (or the given mean and variance) for the input's kept axes. */
  override build(inputShape: Shape): void {
    const what = `build ${this.name} (Normalization)`;
    this.#rank = inputShape.length;
    this.#keep = this.#keptAxes(inputShape.length, what);
    const kept = this.#keep.map((a) => inputShape[a]);
    if (kept.some((d) => d === null)) {
      throw new RangeError(
        `Cannot ${what} as the kept axes ${show(this.#keep)} of input ${
          formatShape(inputShape)
        } must have known sizes`,
      );
    }
    const shape = kept as number[];
    if (this.#givenMean !== null) {
      this.#fixed = tf.tidy(() => ({
        mean: tf.keep(this.#broadcast(tf.tensor(this.#givenMean as number[]), shape)),
        variance: tf.keep(this.#broadcast(tf.tensor(this.#givenVariance as number[]), shape)),
      }));
      return;
    }
    this.adaptMean = this.addWeight("mean", shape, { initializer: "zeros", trainable: false });
    this.adaptVariance = this.addWeight("variance", shape, {
      initializer: "ones",
      trainable: false,
    });
    this.count = this.addWeight("count", [], {
      initializer: "zeros",
      trainable: false,
      dtype: "int32",
    });
  }

  /** A given mean or variance, aligned right to left with the kept axes, at their full sizes. */
  #broadcast(value: tf.Tensor, kept: number[]): tf.Tensor {
    const aligned = [...new Array(kept.length - value.rank).fill(1), ...value.shape];
    try {
      return tf.broadcastTo(tf.reshape(value, aligned), kept);
    } catch {
      throw new RangeError(
        `Cannot build ${this.name} (Normalization) as "mean" of shape [${value.shape}] does not broadcast to the kept axes' sizes [${kept}]`,
      );
    }
  }

  /**
   * Learns the mean and variance of `data` per index of the kept axes,
   * reading it in batches (Chan et al.'s parallel update merges each
   * batch's statistics into the running ones). Builds the layer from the
   * data's shape when needed.
   *
   * @param data A tensor, a (nested) array, a typed array (one value per sample), a Dataset or an iterable of batches.
   * @param options `batchSize` (rows per batch for arrays and tensors) and `steps`.
   */
  adapt(data: unknown, options: AdaptOptions = {}): void {
    const what = `adapt ${this.name} (Normalization)`;
    if (this.#givenMean !== null) {
      throw new TypeError(
        `Cannot ${what} as it was given "mean" and "variance": create it without them to learn them`,
      );
    }
    let acc: MomentAccumulator | null = null;
    for (const batch of adaptBatches(what, data, options)) {
      if (Array.isArray(batch.values)) {
        throw new TypeError(`Cannot ${what} as "data" must hold numbers: received strings`);
      }
      const shape = batch.shape;
      if (!this.built) {
        const inputShape: Shape = [null, ...shape.slice(1)];
        this.build(inputShape);
        this.buildInputShape = inputShape;
        this.built = true;
      }
      this.#checkAdaptShape(what, shape);
      acc ??= new MomentAccumulator(this.#keep.map((a) => shape[a]));
      acc.add(batch.values, shape, this.#keep);
    }
    const { mean, variance, count } = acc!.result();
    tf.tidy(() => {
      this.adaptMean!.assign(tf.tensor(Float32Array.from(mean), this.adaptMean!.shape, "float32"));
      this.adaptVariance!.assign(
        tf.tensor(Float32Array.from(variance), this.adaptVariance!.shape, "float32"),
      );
      this.count!.assign(tf.scalar(Math.min(count, 2 ** 31 - 1), "int32"));
    });
    this.#adapted = true;
  }

  #checkAdaptShape(what: string, shape: number[]): void {
    const built = this.buildInputShape!;
    const bad = shape.length !== built.length ||
      this.#keep.some((a) => built[a] !== shape[a]);
    if (bad) {
      throw new RangeError(
        `Cannot ${what} as its data's batches must fit the shape it was built for: expected ${
          formatShape(built)
        }, received a batch of shape [${shape}]`,
      );
    }
  }

  /** `(x − mean) / max(√variance, ε)`, or its inverse. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const what = `apply ${this.name} (Normalization)`;
    if (inputs.dtype === "string") {
      throw new TypeError(
        `Cannot ${what} as its input must hold numbers: received a string tensor of shape [${inputs.shape}]`,
      );
    }
    const x = inputs.dtype === "float32" ? inputs : tf.cast(inputs, "float32");
    if (this.#fixed === null && !this.#adapted && !this.probing) {
      throw new TypeError(
        `Cannot ${what} as it has no mean and variance yet: call adapt(data) first, or give "mean" and "variance"`,
      );
    }
    const mean = this.#fixed?.mean ?? this.adaptMean!;
    const variance = this.#fixed?.variance ?? this.adaptVariance!;
    const full = Array.from({ length: this.#rank }, (_, i) => this.#keep.includes(i) ? null : 1);
    const target = full.map((d, i) => d ?? x.shape[i]);
    const m = tf.reshape(mean, target);
    const std = tf.maximum(tf.sqrt(tf.reshape(variance, target)), EPSILON);
    return this.invert ? tf.add(m, tf.mul(x, std)) : tf.div(tf.sub(x, m), std);
  }

  /** Marks the layer adapted once its saved mean and variance are loaded. */
  override loadOwnVariables(store: Record<string, tf.Tensor>): void {
    super.loadOwnVariables(store);
    this.#adapted = true;
  }

  /** The output shape: the input's. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: Array.isArray(this.axis) ? [...this.axis] : this.axis,
      invert: this.invert,
      mean: this.#givenMean,
      variance: this.#givenVariance,
    };
  }

  /** Frees the weights and the given mean and variance. */
  override dispose(): void {
    super.dispose();
    if (this.#fixed) tf.dispose([this.#fixed.mean, this.#fixed.variance]);
    this.#fixed = null;
  }
}

function isNumbers(value: unknown): boolean {
  return typeof value === "number"
    ? Number.isFinite(value)
    : Array.isArray(value) && value.every(isNumbers);
}

function shapeOf(value: NestedNumbers): number[] {
  return Array.isArray(value) ? [value.length, ...(value.length ? shapeOf(value[0]) : [])] : [];
}
