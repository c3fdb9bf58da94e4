/**
 * `MeanSquaredLogarithmicError` metric: the running mean of `(log(yPred + 1) - log(yTrue + 1))^2`, Keras's `MeanSquaredLogarithmicError`
 * metric (the same function as the loss).
 *
 * @module
 */
import { meanSquaredLogarithmicError } from "../losses/mean_squared_logarithmic_error.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * The mean of `(log(yPred + 1) - log(yTrue + 1))^2` over every sample seen; lower is better.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new MeanSquaredLogarithmicError();
 * m.updateState(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[1, 1], [0, 0]]));
 * console.log(m.result()); // 0.1201
 * ```
 */
export class MeanSquaredLogarithmicError extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "mean_squared_logarithmic_error")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(meanSquaredLogarithmicError, {
      name: options.name ?? "mean_squared_logarithmic_error",
      direction: "min",
    });
  }
}
