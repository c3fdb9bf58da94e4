/**
 * `MeanSquaredError` metric: the running mean of `(yPred - yTrue)^2`.
 *
 * @module
 */
import { meanSquaredError } from "../losses/mean_squared_error.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * The mean squared error over every sample seen.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new MeanSquaredError();
 * m.updateState(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[1, 1], [0, 0]]));
 * console.log(m.result()); // 0.25
 * ```
 */
export class MeanSquaredError extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "mean_squared_error")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(meanSquaredError, { name: options.name ?? "mean_squared_error", direction: "min" });
  }
}
