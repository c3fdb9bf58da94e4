/**
 * `Poisson` metric: the running mean of `yPred - yTrue log(yPred + 1e-7)`, Keras's `Poisson`
 * metric (the same function as the loss).
 *
 * @module
 */
import { poisson } from "../losses/poisson.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * The mean of `yPred - yTrue log(yPred + 1e-7)` over every sample seen; lower is better.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new Poisson();
 * m.updateState(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[1, 1], [0, 0]]));
 * console.log(m.result()); // 0.5
 * ```
 */
export class Poisson extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "poisson")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(poisson, { name: options.name ?? "poisson", direction: "min" });
  }
}
