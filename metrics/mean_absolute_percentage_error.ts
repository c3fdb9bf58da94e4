/**
 * `MeanAbsolutePercentageError` metric: the running mean of `100 |yTrue - yPred| / max(|yTrue|, 1e-7)`, Keras's `MeanAbsolutePercentageError`
 * metric (the same function as the loss).
 *
 * @module
 */
import { meanAbsolutePercentageError } from "../losses/mean_absolute_percentage_error.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * The mean of `100 |yTrue - yPred| / max(|yTrue|, 1e-7)` over every sample seen; lower is better.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new MeanAbsolutePercentageError();
 * m.updateState(tf.tensor1d([100, 200, 300]), tf.tensor1d([90, 210, 310]));
 * console.log(m.result()); // 6.1111
 * ```
 */
export class MeanAbsolutePercentageError extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "mean_absolute_percentage_error")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(meanAbsolutePercentageError, {
      name: options.name ?? "mean_absolute_percentage_error",
      direction: "min",
    });
  }
}
