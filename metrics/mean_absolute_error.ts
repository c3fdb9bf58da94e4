/**
 * `MeanAbsoluteError` metric: the running mean of `|yPred - yTrue|`.
 *
 * @module
 */
import { meanAbsoluteError } from "../losses/mean_absolute_error.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * The mean absolute error over every sample seen.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new MeanAbsoluteError();
 * m.updateState(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[1, 1], [0, 0]]));
 * console.log(m.result()); // 0.25
 * ```
 */
export class MeanAbsoluteError extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "mean_absolute_error")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(meanAbsoluteError, { name: options.name ?? "mean_absolute_error", direction: "min" });
  }
}
