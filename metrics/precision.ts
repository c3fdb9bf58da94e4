/**
 * `Precision`: `tp / (tp + fp)` of thresholded predictions, Keras's `Precision`.
 *
 * @module
 */
import { divideNoNan } from "./_confusion.ts";
import { ThresholdMetric, type ThresholdMetricOptions } from "./threshold_metric.ts";
import { checkClassOptions } from "../engine/options.ts";

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
export class Precision extends ThresholdMetric {
  /** The keys of `ThresholdMetricOptions`. */
  static override optionKeys: readonly string[] = ThresholdMetric.optionKeys;

  /**
   * Creates the metric.
   * @param options `thresholds` (default 0.5), `classId`, `name` (default "precision")
   */
  constructor(options: ThresholdMetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super("Precision", "precision", options);
  }

  /**
   * The precision from one threshold's counts.
   * @param tp true positives
   * @param fp false positives
   * @returns `tp / (tp + fp)`, 0 where nothing was predicted positive
   */
  protected score(tp: number, fp: number): number {
    return divideNoNan(tp, tp + fp);
  }
}
