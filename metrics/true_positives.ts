/**
 * `TruePositives`: true positives, Keras's `TruePositives`.
 *
 * @module
 */
import { ConfusionCount, type ConfusionCountOptions } from "./confusion_count.ts";

/**
 * The (weighted) number of true positives at each threshold: a prediction strictly
 * above the threshold counts as positive, a non-zero label as positive.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new TruePositives();
 * m.updateState(tf.tensor1d([0, 1, 1, 1]), tf.tensor1d([1, 0, 1, 1]));
 * console.log(m.name, m.result()); // "true_positives" 2
 * ```
 */
export class TruePositives extends ConfusionCount {
  /** The keys of its options object. */
  static override optionKeys: readonly string[] = ConfusionCount.optionKeys;

  /**
   * Creates the metric.
   * @param options `thresholds` (default 0.5; a number or an array, which
   *   may also be passed alone, as Keras's first argument), `name` (default
   *   "true_positives"), `dtype`
   */
  constructor(options: ConfusionCountOptions | number | number[] = {}) {
    super("tp", "max", options);
  }
}
