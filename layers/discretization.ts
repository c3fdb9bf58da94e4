/**
 * Discretization: buckets numbers by ranges, given or learned as quantiles.
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
import { integer, number, oneOf, POSITIVE, reject } from "../engine/validate.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { adaptBatches, type AdaptOptions, PreprocessingLayer } from "./_adapt.ts";
import { encodedShape, type EncodeMode, encodeTensor } from "./_encoding.ts";
import {
  binBoundaries,
  emptySummary,
  mergeSummaries,
  summarize,
  type Summary,
} from "./_quantiles.ts";

/** Discretization's output modes. */
export type DiscretizationOutputMode = "int" | "one_hot" | "multi_hot" | "count";

/** Options of {@link Discretization}. */
export interface DiscretizationOptions extends LayerOptions {
  /** Sorted bin edges: `[0, 1, 2]` makes bins (-∞, 0), [0, 1), [1, 2), [2, ∞). No `adapt` then. */
  binBoundaries?: number[] | null;
  /** The number of bins `adapt` learns as quantiles of the data. */
  numBins?: number | null;
  /** The error tolerance of the quantiles `adapt` estimates (smaller: finer). @default 0.01 */
  epsilon?: number;
  /** `"int"` (bin indices), `"one_hot"`, `"multi_hot"` or `"count"`. @default "int" */
  outputMode?: DiscretizationOutputMode;
  /** Sparse outputs are not supported by kerno: only `false`. @default false */
  sparse?: boolean;
}

/**
 * Keras's `Discretization`: each value becomes the index of its bin, bins
 * being `[b[i-1], b[i])` between sorted boundaries (NumPy's `digitize`), so
 * `n` boundaries make `n + 1` bins; or the bin indices are encoded
 * (`"one_hot"`, `"multi_hot"`, `"count"`). The boundaries are given
 * (`binBoundaries`) or learned by `adapt` as `numBins` quantiles of the
 * data, with Keras's approximate-quantile summaries (`epsilon`) merged over
 * batches, so the same data gives Keras's boundaries. The learned
 * boundaries are saved in the config, as Keras does.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const bins = new layers.Discretization({ binBoundaries: [0, 1, 2] });
 * const x = tf.tensor2d([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]);
 * const y = bins.apply(x); // [[0, 2, 3, 1], [1, 3, 2, 1]] (int32)
 * tf.dispose([x, y]);
 * ```
 */
export class Discretization extends PreprocessingLayer {
  /** The number of bins `adapt` learns, or `null`. */
  readonly numBins: number | null;
  /** The quantiles' error tolerance. */
  readonly epsilon: number;
  /** The output mode. */
  readonly outputMode: DiscretizationOutputMode;
  #boundaries: number[] | null;

  /** The keys of {@link DiscretizationOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "binBoundaries",
    "numBins",
    "epsilon",
    "outputMode",
    "sparse",
  ] satisfies (keyof DiscretizationOptions)[];

  /**
   * Creates a Discretization layer: give `binBoundaries`, or `numBins` and call `adapt`.
   *
   * @param options `binBoundaries` or `numBins` (+ `epsilon`), and `outputMode`.
   */
  constructor(options: DiscretizationOptions = {}) {
    options = layerOptions(
      "Discretization",
      options,
      noPositional,
      "new Discretization({ binBoundaries: [0, 1, 2] })",
    );
    super(options);
    const what = "build Discretization";
    const bounds = options.binBoundaries ?? null;
    const numBins = options.numBins ?? null;
    if (bounds === null && numBins === null) {
      reject(what, "binBoundaries", null, 'given, or "numBins" given (then call adapt)');
    }
    if (bounds !== null) {
      if (!Array.isArray(bounds) || bounds.some((b) => typeof b !== "number" || Number.isNaN(b))) {
        reject(what, "binBoundaries", bounds, "an array of numbers");
      }
      if (bounds.some((b, i) => i > 0 && b < bounds[i - 1])) {
        reject(what, "binBoundaries", bounds, "sorted in increasing order", RangeError);
      }
    }
    this.numBins = numBins === null ? null : integer(what, "numBins", numBins, 1);
    this.epsilon = number(what, "epsilon", options.epsilon, POSITIVE, 0.01);
    this.outputMode = options.outputMode === undefined
      ? "int"
      : oneOf(what, "outputMode", options.outputMode, ["int", "one_hot", "multi_hot", "count"]);
    if (options.sparse === true) {
      reject(what, "sparse", true, "false (kerno has no sparse tensors)");
    }
    this.#boundaries = bounds === null ? null : [...bounds];
  }

  /** The bin boundaries, given or learned (`null` before `adapt`). */
  get binBoundaries(): number[] | null {
    return this.#boundaries === null ? null : [...this.#boundaries];
  }

  /** The number of bins of the output: boundaries + 1, or `numBins` before `adapt`. */
  get depth(): number {
    return this.#boundaries !== null ? this.#boundaries.length + 1 : this.numBins!;
  }

  /**
   * Learns `numBins` bins of about equal counts from the data's quantiles
   * (every value counts, whatever its position), batch by batch.
   *
   * @param data Numbers: a tensor, a (nested) array, a typed array, a Dataset or an iterable of batches.
   * @param options `batchSize` (rows per batch for arrays and tensors) and `steps`.
   */
  adapt(data: unknown, options: AdaptOptions = {}): void {
    const what = `adapt ${this.name} (Discretization)`;
    if (this.numBins === null) {
      throw new TypeError(
        `Cannot ${what} as it was given "binBoundaries": create it with "numBins" to learn them`,
      );
    }
    let summary: Summary = emptySummary();
    for (const batch of adaptBatches(what, data, options)) {
      if (Array.isArray(batch.values)) {
        throw new TypeError(`Cannot ${what} as "data" must hold numbers: received strings`);
      }
      if (batch.values.length === 0) continue;
      const next = summarize(Float32Array.from(batch.values), this.epsilon);
      summary = mergeSummaries(next, summary, this.epsilon);
    }
    this.#boundaries = binBoundaries(summary, this.numBins);
  }

  /** The bin index of every value (then encoded, unless `"int"`). */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    const what = `apply ${this.name} (Discretization)`;
    if (inputs.dtype === "string") {
      throw new TypeError(
        `Cannot ${what} as its input must hold numbers: received a string tensor of shape [${inputs.shape}]`,
      );
    }
    if (this.#boundaries === null && !this.probing) {
      throw new TypeError(
        `Cannot ${what} as it has no bin boundaries yet: call adapt(data) first, or give "binBoundaries"`,
      );
    }
    const x = tf.cast(inputs, "float32");
    const indices = this.#boundaries === null || this.#boundaries.length === 0
      ? tf.zeros(x.shape, "int32")
      : tf.reshape(
        tf.upperBound(tf.tensor1d(this.#boundaries, "float32"), tf.reshape(x, [-1])),
        x.shape,
      );
    if (this.outputMode === "int") return indices;
    return encodeTensor(indices, this.depth, this.outputMode as EncodeMode);
  }

  /** The output shape: the input's (`"int"`), or with the bins' axis. */
  override computeOutputShape(inputShape: Shape): Shape {
    if (this.outputMode === "int") return [...inputShape];
    return encodedShape(inputShape, this.depth, this.outputMode as EncodeMode);
  }

  /** The options, with the learned boundaries (Keras's config holds both). */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      binBoundaries: this.binBoundaries,
      numBins: this.numBins,
      epsilon: this.epsilon,
      outputMode: this.outputMode,
      sparse: false,
    };
  }
}
