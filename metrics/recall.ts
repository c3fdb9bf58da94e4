/**
 * `Recall`: `tp / (tp + fn)` of thresholded predictions, Keras's `Recall`.
 *
 * @module
 */
import { divideNoNan } from "./_confusion.ts";
import { ThresholdMetric, type ThresholdMetricOptions } from "./threshold_metric.ts";
import { checkClassOptions } from "../engine/options.ts";

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
export class Recall extends ThresholdMetric {
  /** The keys of `ThresholdMetricOptions`. */
  static override optionKeys: readonly string[] = ThresholdMetric.optionKeys;

  /**
   * Creates the metric.
   * @param options `thresholds` (default 0.5), `classId`, `name` (default "recall")
   */
  constructor(options: ThresholdMetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super("Recall", "recall", options);
  }

  /**
   * The recall from one threshold's counts.
   * @param tp true positives
   * @param _fp false positives (unused)
   * @param _tn true negatives (unused)
   * @param fn false negatives
   * @returns `tp / (tp + fn)`, 0 where there was no positive label
   */
  protected score(tp: number, _fp: number, _tn: number, fn: number): number {
    return divideNoNan(tp, tp + fn);
  }
}
