/**
 * `R2Score`: the coefficient of determination,
 * `1 - sum((yTrue - yPred)^2) / sum((yTrue - mean(yTrue))^2)` per output,
 * accumulated over every batch, Keras's `R2Score` (with the adjusted form
 * for `numRegressors > 0`).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { checkClassOptions } from "../engine/options.ts";
import { integer, reject } from "../engine/validate.ts";
import { readsDeferred } from "../engine/_reads.ts";
import { alignRanks, toFloat } from "../losses/common.ts";
import { Metric, METRIC_OPTION_KEYS, type MetricOptions, requirePredictions } from "./metric.ts";
import { broadcastWeights, broadcastWeightsTensor, readValues } from "./_sample_weights.ts";

/**
 * How the per-output scores are combined: `"uniform_average"` (their mean),
 * `"variance_weighted_average"` (weighted by each target's variance), or
 * `null` (one score per output).
 */
export type R2ClassAggregation = "uniform_average" | "variance_weighted_average" | null;

const AGGREGATIONS: readonly R2ClassAggregation[] = [
  "uniform_average",
  "variance_weighted_average",
  null,
];

/** Options of {@linkcode R2Score}. */
export interface R2ScoreOptions extends MetricOptions {
  /**
   * How the per-output scores are combined (scikit-learn's `multioutput`).
   * @default "uniform_average"
   */
  classAggregation?: R2ClassAggregation;
  /**
   * The number of independent regressors, for the adjusted R2
   * `1 - (1 - R2)(n - 1) / (n - p - 1)`; 0 is the plain R2.
   * @default 0
   */
  numRegressors?: number;
  /**
   * Keras's `dtype` of the result; the state is JavaScript numbers either way.
   * @default "float32"
   */
  dtype?: "float32" | "float64";
}

interface Sums {
  sum: Float64Array;
  squaredSum: Float64Array;
  residual: Float64Array;
  count: Float64Array;
}

/**
 * The R2 score over every batch seen; inputs are `[batch, outputs]` (a
 * `[batch]` pair counts as one output).
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new R2Score();
 * m.updateState(tf.tensor2d([[1], [4], [3]]), tf.tensor2d([[2], [4], [4]]));
 * console.log(m.result()); // 0.5714
 * ```
 */
export class R2Score extends Metric {
  /** How the per-output scores are combined. */
  readonly classAggregation: R2ClassAggregation;
  /** The number of regressors of the adjusted R2 (0: plain R2). */
  readonly numRegressors: number;
  #sums: Sums | null = null;
  #numSamples = 0;

  /** The keys of its options object. */
  static optionKeys: readonly string[] = [
    ...METRIC_OPTION_KEYS,
    "classAggregation",
    "numRegressors",
    "dtype",
  ];

  /**
   * Creates the metric.
   * @param options `classAggregation` (default "uniform_average"),
   *   `numRegressors` (default 0), `name` (default "r2_score"), `dtype`
   */
  constructor(options: R2ScoreOptions = {}) {
    const what = `build ${new.target.name}`;
    const o = checkClassOptions(what, new.target, options);
    super({ name: o.name ?? "r2_score", dtype: o.dtype, direction: "max" });
    const aggregation = o.classAggregation === undefined ? "uniform_average" : o.classAggregation;
    if (!AGGREGATIONS.includes(aggregation)) {
      reject(
        what,
        "classAggregation",
        aggregation,
        '"uniform_average", "variance_weighted_average" or null',
        RangeError,
      );
    }
    this.classAggregation = aggregation;
    this.numRegressors = integer(what, "numRegressors", o.numRegressors ?? 0, 0);
  }

  /**
   * Adds a batch's sums.
   * @param yTrue the targets, `[batch, outputs]`
   * @param yPred the predictions, same shape
   * @param sampleWeight optional weights: one, one per sample, or one per entry
   */
  updateState(
    yTrue: tf.Tensor | number,
    yPred?: tf.Tensor | number,
    sampleWeight?: tf.Tensor | number,
  ): void {
    requirePredictions(this.name, yTrue, yPred);
    if (readsDeferred()) {
      const contribution = tf.tidy(() => {
        const [a, b] = this.#pair(yTrue as tf.Tensor, yPred);
        this.#sumsFor(a.shape[1] as number); // checks the number of outputs; the sums come later
        return this.#deviceSums(a, b, sampleWeight);
      });
      try {
        this.deferState(contribution);
      } finally {
        contribution.dispose();
      }
      return;
    }
    const [t, p, shape] = tf.tidy(() => {
      const [a, b] = this.#pair(yTrue as tf.Tensor, yPred);
      return [readValues(a), readValues(b), a.shape] as const;
    });
    const weights = broadcastWeights(this.name, sampleWeight, [...shape]);
    const outputs = shape[1] as number;
    const sums = this.#sumsFor(outputs);
    for (let r = 0; r < (shape[0] as number); r++) {
      let nonZero = false;
      for (let c = 0; c < outputs; c++) {
        const i = r * outputs + c;
        const w = weights[i];
        sums.sum[c] += t[i] * w;
        sums.squaredSum[c] += t[i] * t[i] * w;
        sums.residual[c] += (t[i] - p[i]) ** 2 * w;
        sums.count[c] += w;
        if (w !== 0) nonZero = true;
      }
      if (nonZero) this.#numSamples++;
    }
  }

  /** The targets and predictions as float32 `[batch, outputs]` (inside a `tf.tidy`). */
  #pair(yTrue: tf.Tensor, yPred: tf.Tensor): [tf.Tensor, tf.Tensor] {
    let [a, b] = alignRanks(toFloat(yTrue), toFloat(yPred));
    if (a.rank === 1 && b.rank === 1) [a, b] = [tf.expandDims(a, 1), tf.expandDims(b, 1)];
    const same = a.rank === 2 && b.rank === 2 && a.shape.every((d, i) => d === b.shape[i]);
    if (!same) {
      throw new RangeError(
        `Cannot update ${this.name} as it expects "yTrue" and "yPred" of the same shape ` +
          `[batch, outputs]: received [${yTrue.shape}] and [${yPred.shape}]`,
      );
    }
    return [a, b];
  }

  /**
   * The batch's sums computed on the device, as {@link R2Score.updateState}
   * does on the host: `[sum, squaredSum, residual, count]` (one run per
   * output) and the number of samples with a non-zero weight.
   */
  #deviceSums(t: tf.Tensor, p: tf.Tensor, sampleWeight: tf.Tensor | number | undefined): tf.Tensor {
    const w = broadcastWeightsTensor(this.name, sampleWeight, [...t.shape]);
    const tw = tf.mul(t, w);
    const terms = [tw, tf.mul(tw, t), tf.mul(tf.square(tf.sub(t, p)), w), w];
    const samples = tf.sum(tf.cast(tf.any(tf.notEqual(w, 0), 1), "float32")).reshape([1]);
    return tf.concat([...terms.map((term) => tf.sum(term, 0)), samples]);
  }

  /**
   * Adds the sums summed on the device.
   * @param values sum, squaredSum, residual and count (one run per output),
   *   then the number of samples
   */
  protected override mergeDeviceState(values: Float32Array): void {
    const sums = this.#sums!;
    const outputs = sums.sum.length;
    [sums.sum, sums.squaredSum, sums.residual, sums.count].forEach((s, k) => {
      for (let c = 0; c < outputs; c++) s[c] += values[k * outputs + c];
    });
    this.#numSamples += values[4 * outputs];
  }

  #sumsFor(outputs: number): Sums {
    if (this.#sums === null) {
      const zeros = () => new Float64Array(outputs);
      this.#sums = { sum: zeros(), squaredSum: zeros(), residual: zeros(), count: zeros() };
    } else if (this.#sums.sum.length !== outputs) {
      throw new RangeError(
        `Cannot update ${this.name} as the number of outputs changed: it summed ` +
          `${this.#sums.sum.length} and received ${outputs}; call resetState() first`,
      );
    }
    return this.#sums;
  }

  /**
   * The score so far.
   * @returns one number, or one score per output with `classAggregation: null`
   *   (0 before any update)
   */
  result(): number | number[] {
    this.settleDeviceState();
    if (this.#sums === null) return this.classAggregation === null ? [] : 0;
    const { sum, squaredSum, residual, count } = this.#sums;
    const totals = Array.from(sum, (s, c) => squaredSum[c] - s * (s / count[c]));
    const raw = totals.map((total, c) => {
      const score = 1 - residual[c] / total;
      return Number.isFinite(score) || Number.isNaN(score) ? score : 0;
    });
    if (this.classAggregation === null) return raw.map((s) => this.#adjust(s));
    const score = this.classAggregation === "uniform_average"
      ? raw.reduce((a, b) => a + b, 0) / raw.length
      : raw.reduce((a, s, c) => a + s * totals[c], 0) / totals.reduce((a, b) => a + b, 0);
    return this.#adjust(score);
  }

  /** Keras's adjusted R2, falling back to the plain score (with a warning) when undefined. */
  #adjust(score: number): number {
    const p = this.numRegressors;
    const n = this.#numSamples;
    if (p === 0) return score;
    if (p >= n - 1) {
      console.warn(
        `kerno: ${this.name} falls back to the plain R2 score, as numRegressors (${p}) must be ` +
          `below the number of samples minus 1 (${n - 1}) for the adjusted one`,
      );
      return score;
    }
    return 1 - (1 - score) * (n - 1) / (n - p - 1);
  }

  /** Clears the sums (the number of outputs is read again at the next update). */
  resetState(): void {
    this.discardDeviceState();
    this.#sums = null;
    this.#numSamples = 0;
  }

  /**
   * The options that rebuild this metric.
   * @returns name, classAggregation and numRegressors
   */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      classAggregation: this.classAggregation,
      numRegressors: this.numRegressors,
    };
  }
}
