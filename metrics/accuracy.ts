/**
 * `Accuracy`: how often predictions equal the labels exactly, Keras's
 * `Accuracy`. (The string `"accuracy"` in `getMetric` picks binary,
 * categorical or sparse accuracy by shapes instead.)
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { alignRanks, toFloat } from "../losses/common.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * 1 where `yTrue` equals `yPred`, else 0 (`[batch]` labels meet `[batch, 1]`
 * predictions).
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * accuracy(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 2, 4])).print(); // [1, 1, 0]
 * ```
 * @param yTrue the labels
 * @param yPred the predictions
 * @returns the matches as float32
 */
export function accuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [t, p] = alignRanks(toFloat(yTrue), toFloat(yPred));
    return tf.cast(tf.equal(t, p), "float32");
  });
}

/**
 * The fraction of predictions equal to their labels.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new Accuracy();
 * m.updateState(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([0, 2, 3, 4]));
 * console.log(m.result()); // 0.75
 * ```
 */
export class Accuracy extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "accuracy")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(accuracy, { name: options.name ?? "accuracy", direction: "max" });
  }
}
