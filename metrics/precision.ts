/**
 * `Precision`: `tp / (tp + fp)` of thresholded predictions, Keras's `Precision`.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import {
  accumulateCounts,
  type ConfusionCounts,
  divideNoNan,
  emptyCounts,
  parseThresholds,
  readBinaryData,
} from "./_confusion.ts";
import { Metric, type MetricOptions, requirePredictions } from "./metric.ts";

/** Options of {@linkcode Precision} and {@linkcode Recall}. */
export interface ThresholdMetricOptions extends MetricOptions {
  /**
   * A prediction strictly above a threshold counts as positive; with several
   * thresholds, `result()` reports the first and `results()` all.
   * @default 0.5
   */
  thresholds?: number | number[];
  /**
   * Only this class (a column of the last axis) is scored.
   * @default undefined (every entry counts)
   */
  classId?: number;
}

/**
 * The fraction of predicted positives that are real positives.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new Precision();
 * m.updateState(tf.tensor1d([0, 1, 1, 1]), tf.tensor1d([1, 0, 1, 1]));
 * console.log(m.result()); // 2 / 3
 * ```
 */
export class Precision extends Metric {
  /** The thresholds, in the order given. */
  readonly thresholds: readonly number[];
  /** The scored class, if any. */
  readonly classId: number | undefined;
  readonly #initThresholds: number | number[];
  #counts: ConfusionCounts;

  /**
   * Creates the metric.
   * @param options `thresholds` (default 0.5), `classId`, `name` (default "precision")
   */
  constructor(options: ThresholdMetricOptions = {}) {
    super(options.name ?? "precision", "max");
    this.#initThresholds = options.thresholds ?? 0.5;
    this.thresholds = parseThresholds("Precision", this.#initThresholds);
    this.classId = options.classId;
    this.#counts = emptyCounts(this.thresholds.length);
  }

  /**
   * Adds a batch's true and false positives.
   * @param yTrue labels (non-zero is positive)
   * @param yPred predictions in [0, 1]
   * @param sampleWeight optional weights, per sample or per entry
   */
  updateState(
    yTrue: tf.Tensor | number,
    yPred?: tf.Tensor | number,
    sampleWeight?: tf.Tensor | number,
  ): void {
    requirePredictions(this.name, yTrue, yPred);
    const [labels, predictions, weights] = readBinaryData(
      this.name,
      yTrue as tf.Tensor,
      yPred,
      sampleWeight,
      { classId: this.classId },
    );
    accumulateCounts(this.#counts, this.thresholds, labels, predictions, weights);
  }

  /**
   * The precision at each threshold.
   * @returns `tp / (tp + fp)` per threshold (0 where nothing was predicted positive)
   */
  results(): number[] {
    const { tp, fp } = this.#counts;
    return this.thresholds.map((_, i) => divideNoNan(tp[i], tp[i] + fp[i]));
  }

  /**
   * The precision at the first threshold.
   * @returns `tp / (tp + fp)`, 0 when nothing was predicted positive
   */
  result(): number {
    return this.results()[0];
  }

  /** Clears the counts. */
  resetState(): void {
    this.#counts = emptyCounts(this.thresholds.length);
  }

  /**
   * The options that rebuild this metric.
   * @returns name, thresholds and classId
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.#initThresholds, classId: this.classId };
  }
}
