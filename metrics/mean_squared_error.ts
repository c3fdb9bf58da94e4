/**
 * `MeanSquaredError` metric: the running mean of `(yPred - yTrue)^2`.
 *
 * @module
 */
import { meanSquaredError } from "../losses/mean_squared_error.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import type { MetricOptions } from "./metric.ts";

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
  /**
   * Creates the metric.
   * @param options `name` (default "mean_squared_error")
   */
  constructor(options: MetricOptions = {}) {
    super(meanSquaredError, { name: options.name ?? "mean_squared_error", direction: "min" });
  }
}
