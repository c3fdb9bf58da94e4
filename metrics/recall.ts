/**
 * `Recall`: `tp / (tp + fn)` of thresholded predictions, Keras's `Recall`.
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
import { Metric, requirePredictions } from "./metric.ts";
import type { ThresholdMetricOptions } from "./precision.ts";

/**
 * The fraction of real positives that are predicted positive.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new Recall();
 * m.updateState(tf.tensor1d([0, 1, 1, 1]), tf.tensor1d([1, 0, 1, 1]));
 * console.log(m.result()); // 2 / 3 (tp 2, fn 1)
 * ```
 */
export class Recall extends Metric {
  /** The thresholds, in the order given. */
  readonly thresholds: readonly number[];
  /** The scored class, if any. */
  readonly classId: number | undefined;
  readonly #initThresholds: number | number[];
  #counts: ConfusionCounts;

  /**
   * Creates the metric.
   * @param options `thresholds` (default 0.5), `classId`, `name` (default "recall")
   */
  constructor(options: ThresholdMetricOptions = {}) {
    super(options.name ?? "recall", "max");
    this.#initThresholds = options.thresholds ?? 0.5;
    this.thresholds = parseThresholds("Recall", this.#initThresholds);
    this.classId = options.classId;
    this.#counts = emptyCounts(this.thresholds.length);
  }

  /**
   * Adds a batch's true positives and false negatives.
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
   * The recall at each threshold.
   * @returns `tp / (tp + fn)` per threshold (0 where there was no positive label)
   */
  results(): number[] {
    const { tp, fn } = this.#counts;
    return this.thresholds.map((_, i) => divideNoNan(tp[i], tp[i] + fn[i]));
  }

  /**
   * The recall at the first threshold.
   * @returns `tp / (tp + fn)`, 0 when there was no positive label
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
