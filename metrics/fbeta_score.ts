/**
 * `FBetaScore`: the weighted harmonic mean of precision and recall,
 * `(1 + b^2) P R / (b^2 P + R)`, per class or averaged, Keras's `FBetaScore`
 * (multi-class and multi-label, inputs `[batch, classes]`).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { readsDeferred } from "../engine/_reads.ts";
import { checkClassOptions } from "../engine/options.ts";
import { number, reject } from "../engine/validate.ts";
import { EPSILON, toFloat } from "../losses/common.ts";
import { Metric, METRIC_OPTION_KEYS, type MetricOptions, requirePredictions } from "./metric.ts";
import { broadcastWeights, broadcastWeightsTensor, readValues } from "./_sample_weights.ts";

/**
 * How per-class scores are combined: `null` keeps one score per class,
 * `"micro"` scores the pooled counts, `"macro"` averages the class scores,
 * `"weighted"` averages them weighted by support (true instances per class).
 */
export type FScoreAverage = null | "micro" | "macro" | "weighted";

const AVERAGES: readonly FScoreAverage[] = [null, "micro", "macro", "weighted"];

/** Options of {@linkcode FBetaScore}. */
export interface FBetaScoreOptions extends MetricOptions {
  /**
   * How per-class scores are combined (`null`: `result()` is one score per class).
   * @default null
   */
  average?: FScoreAverage;
  /**
   * The weight of recall relative to precision, > 0.
   * @default 1
   */
  beta?: number;
  /**
   * Predictions above it count as positive, in (0, 1]; `null` marks the
   * arg-max of each row (unless the whole row is 0).
   * @default null
   */
  threshold?: number | null;
  /**
   * Keras's `dtype` of the result; the state is JavaScript numbers either way.
   * @default "float32"
   */
  dtype?: "float32" | "float64";
}

/** The running counts: one per class, or one in all for `"micro"`. */
interface Counts {
  tp: Float64Array;
  fp: Float64Array;
  fn: Float64Array;
  support: Float64Array;
}

/**
 * The F-beta score of thresholded predictions over every batch seen.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new FBetaScore({ beta: 2, threshold: 0.5 });
 * const yTrue = tf.tensor2d([[1, 1, 1], [1, 0, 0], [1, 1, 0]]);
 * m.updateState(yTrue, tf.tensor2d([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0]]));
 * console.log(m.result()); // [0.3846, 0.9091, 0.8333]
 * ```
 */
export class FBetaScore extends Metric {
  /** How per-class scores are combined. */
  readonly average: FScoreAverage;
  /** The weight of recall relative to precision. */
  readonly beta: number;
  /** The positive threshold, or null for the arg-max. */
  readonly threshold: number | null;
  #counts: Counts | null = null;

  /** The keys of its options object. */
  static optionKeys: readonly string[] = [
    ...METRIC_OPTION_KEYS,
    "dtype",
    "average",
    "beta",
    "threshold",
  ];

  /**
   * Creates the metric.
   * @param options `average` (default null), `beta` (default 1),
   *   `threshold` (default null), `name` (default "fbeta_score"), `dtype`
   */
  constructor(options: FBetaScoreOptions = {}) {
    const what = `build ${new.target.name}`;
    const o = checkClassOptions(what, new.target, options);
    super({ name: o.name ?? "fbeta_score", dtype: o.dtype, direction: "max" });
    const average = o.average ?? null;
    if (!AVERAGES.includes(average)) {
      reject(what, "average", average, 'null, "micro", "macro" or "weighted"', RangeError);
    }
    this.average = average;
    this.beta = number(what, "beta", o.beta, { min: 0, max: Infinity, minOpen: true }, 1);
    const threshold = o.threshold ?? null;
    this.threshold = threshold === null
      ? null
      : number(what, "threshold", threshold, { min: 0, max: 1, minOpen: true });
  }

  /**
   * Adds a batch's true positives, false positives, false negatives and support.
   * @param yTrue 0/1 labels, shape `[batch, classes]`
   * @param yPred scores, same shape
   * @param sampleWeight optional weights: one, one per sample, or one per entry
   */
  updateState(
    yTrue: tf.Tensor | number,
    yPred?: tf.Tensor | number,
    sampleWeight?: tf.Tensor | number,
  ): void {
    requirePredictions(this.name, yTrue, yPred);
    const t = yTrue as tf.Tensor;
    if (t.rank !== 2 || yPred.rank !== 2 || t.shape[1] !== yPred.shape[1]) {
      throw new RangeError(
        `Cannot update ${this.name} as it expects "yTrue" and "yPred" of shape ` +
          `[batch, classes]: received [${t.shape}] and [${yPred.shape}]`,
      );
    }
    const classes = yPred.shape[1] as number;
    if (readsDeferred()) {
      this.#countsFor(classes); // checks the number of classes; the counts come later
      const contribution = this.#deviceCounts(t, yPred, sampleWeight);
      try {
        this.deferState(contribution);
      } finally {
        contribution.dispose();
      }
      return;
    }
    const labels = readTensor(t);
    const scores = readTensor(yPred);
    const weights = broadcastWeights(this.name, sampleWeight, t.shape);
    const counts = this.#countsFor(classes);
    const rows = labels.length / classes;
    for (let r = 0; r < rows; r++) {
      const row = scores.subarray(r * classes, (r + 1) * classes);
      const rowMax = Math.max(...row);
      for (let c = 0; c < classes; c++) {
        const i = r * classes + c;
        const p = this.threshold === null
          ? (row[c] >= rowMax && Math.abs(row[c]) > 1e-9 ? 1 : 0)
          : (row[c] > this.threshold ? 1 : 0);
        const z = labels[i];
        const w = weights[i];
        const k = this.average === "micro" ? 0 : c;
        counts.tp[k] += p * z * w;
        counts.fp[k] += p * (1 - z) * w;
        counts.fn[k] += (1 - p) * z * w;
        counts.support[k] += z * w;
      }
    }
  }

  /**
   * The batch's `[tp, fp, fn, support]` (one run per class, or one each for
   * `"micro"`) computed on the device, as {@link FBetaScore.updateState} does on the host.
   */
  #deviceCounts(
    yTrue: tf.Tensor,
    yPred: tf.Tensor,
    sampleWeight: tf.Tensor | number | undefined,
  ): tf.Tensor {
    return tf.tidy(() => {
      const z = toFloat(yTrue);
      const scores = toFloat(yPred);
      const positive = this.threshold === null
        ? tf.logicalAnd(
          tf.greaterEqual(scores, tf.max(scores, -1, true)),
          tf.greater(tf.abs(scores), 1e-9),
        )
        : tf.greater(scores, this.threshold);
      const p = tf.cast(positive, "float32");
      const w = broadcastWeightsTensor(this.name, sampleWeight, [...yTrue.shape]);
      const pw = tf.mul(p, w);
      const zw = tf.mul(z, w);
      const tp = tf.mul(pw, z);
      const terms = [tp, tf.sub(pw, tp), tf.sub(zw, tp), zw];
      const sums = terms.map((term) =>
        this.average === "micro" ? tf.sum(term).reshape([1]) : tf.sum(term, 0)
      );
      return tf.concat(sums);
    });
  }

  /**
   * Adds the counts summed on the device.
   * @param values tp, fp, fn and support, one run per class (one value each for `"micro"`)
   */
  protected override mergeDeviceState(values: Float32Array): void {
    const counts = this.#counts!;
    const size = counts.tp.length;
    [counts.tp, counts.fp, counts.fn, counts.support].forEach((c, k) => {
      for (let i = 0; i < size; i++) c[i] += values[k * size + i];
    });
  }

  #countsFor(classes: number): Counts {
    const size = this.average === "micro" ? 1 : classes;
    if (this.#counts === null) {
      const zeros = () => new Float64Array(size);
      this.#counts = { tp: zeros(), fp: zeros(), fn: zeros(), support: zeros() };
    } else if (this.#counts.tp.length !== size) {
      throw new RangeError(
        `Cannot update ${this.name} as the number of classes changed: it counted ` +
          `${this.#counts.tp.length} and received ${classes}; call resetState() first`,
      );
    }
    return this.#counts;
  }

  /**
   * The score so far.
   * @returns one score per class when `average` is null, else one number
   *   (0 before any update)
   */
  result(): number | number[] {
    this.settleDeviceState();
    if (this.#counts === null) return this.average === null ? [] : 0;
    const { tp, fp, fn, support } = this.#counts;
    const b2 = this.beta * this.beta;
    const scores = Array.from(tp, (t, k) => {
      const precision = t / (t + fp[k] + EPSILON);
      const recall = t / (t + fn[k] + EPSILON);
      return (1 + b2) * (precision * recall) / (b2 * precision + recall + EPSILON);
    });
    if (this.average === null) return scores;
    if (this.average === "weighted") {
      const total = support.reduce((a, b) => a + b, 0) + EPSILON;
      return scores.reduce((sum, s, k) => sum + s * support[k] / total, 0);
    }
    return scores.reduce((a, b) => a + b, 0) / scores.length;
  }

  /** Clears the counts (the number of classes is read again at the next update). */
  resetState(): void {
    this.discardDeviceState();
    this.#counts = null;
  }

  /**
   * The options that rebuild this metric.
   * @returns name, average, beta and threshold
   */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      average: this.average,
      beta: this.beta,
      threshold: this.threshold,
    };
  }
}

function readTensor(x: tf.Tensor): Float32Array {
  if (x.dtype === "float32") return readValues(x);
  const f = toFloat(x);
  try {
    return readValues(f);
  } finally {
    f.dispose();
  }
}
