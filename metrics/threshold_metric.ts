/**
 * `ThresholdMetric`: the shared base of {@linkcode Precision} and
 * {@linkcode Recall}, which both accumulate confusion counts of predictions
 * thresholded at one or more values and differ only in the ratio they report.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import {
  type ConfusionCounts,
  emptyCounts,
  mergeCounts,
  parseThresholds,
  updateConfusionCounts,
} from "./_confusion.ts";
import { Metric, METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

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
 * A metric over the confusion counts (true/false positives/negatives) of
 * predictions thresholded at `thresholds`; subclasses say, in `score`, which
 * ratio of the counts `results()` reports, one value per threshold.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { Precision } from "./precision.ts";
 * const m: ThresholdMetric = new Precision({ thresholds: [0.3, 0.7] });
 * m.updateState(tf.tensor1d([0, 1, 1]), tf.tensor1d([0.5, 0.6, 0.9]));
 * console.log(m.results()); // [2 / 3, 1]
 * ```
 */
export abstract class ThresholdMetric extends Metric {
  /** The thresholds, in the order given. */
  readonly thresholds: readonly number[];
  /** The scored class, if any. */
  readonly classId: number | undefined;
  readonly #initThresholds: number | number[];
  #counts: ConfusionCounts;

  /** The keys of its options object. */
  static optionKeys: readonly string[] = [
    ...METRIC_OPTION_KEYS,
    "thresholds",
    "classId",
  ];

  /**
   * Validates the thresholds and zeroes the counts.
   * @param className the subclass's name, used in error messages (e.g. "Precision")
   * @param defaultName the name used when `options.name` is not given (e.g. "precision")
   * @param options `thresholds` (default 0.5), `classId`, `name`
   */
  constructor(className: string, defaultName: string, options: ThresholdMetricOptions) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(options.name ?? defaultName, "max");
    this.#initThresholds = options.thresholds ?? 0.5;
    this.thresholds = parseThresholds(className, this.#initThresholds);
    this.classId = options.classId;
    this.#counts = emptyCounts(this.thresholds.length);
  }

  /**
   * Adds a batch's confusion counts at every threshold.
   * @param yTrue labels (non-zero is positive)
   * @param yPred predictions in [0, 1]
   * @param sampleWeight optional weights, per sample or per entry
   */
  updateState(
    yTrue: tf.Tensor | number,
    yPred?: tf.Tensor | number,
    sampleWeight?: tf.Tensor | number,
  ): void {
    updateConfusionCounts(this.name, this.#counts, this.thresholds, yTrue, yPred, sampleWeight, {
      classId: this.classId,
    }, (c) => this.deferState(c));
  }

  /**
   * Adds the counts summed on the device.
   * @param values tp, fp, tn, fn per threshold
   */
  protected override mergeDeviceState(values: Float32Array): void {
    mergeCounts(this.#counts, values);
  }

  /**
   * The metric from one threshold's counts (sums of sample weights).
   * @param tp true positives
   * @param fp false positives
   * @param tn true negatives
   * @param fn false negatives
   * @returns the metric's value at that threshold
   */
  protected abstract score(tp: number, fp: number, tn: number, fn: number): number;

  /**
   * The metric at each threshold.
   * @returns one value per threshold, in the order of `thresholds`
   */
  results(): number[] {
    this.settleDeviceState();
    const { tp, fp, tn, fn } = this.#counts;
    return this.thresholds.map((_, i) => this.score(tp[i], fp[i], tn[i], fn[i]));
  }

  /**
   * The metric at the first threshold.
   * @returns `results()[0]`
   */
  result(): number {
    return this.results()[0];
  }

  /** Clears the counts. */
  resetState(): void {
    this.discardDeviceState();
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
