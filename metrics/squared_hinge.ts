/**
 * `SquaredHinge` metric: the running mean of `max(1 - yTrue yPred, 0)^2` (0/1 targets mapped to -1/1), Keras's `SquaredHinge`
 * metric (the same function as the loss).
 *
 * @module
 */
import { squaredHinge } from "../losses/squared_hinge.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * The mean of `max(1 - yTrue yPred, 0)^2` (0/1 targets mapped to -1/1) over every sample seen; lower is better.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new SquaredHinge();
 * m.updateState(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[0.6, 0.4], [0.4, 0.6]]));
 * console.log(m.result()); // 1.86
 * ```
 */
export class SquaredHinge extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "squared_hinge")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(squaredHinge, { name: options.name ?? "squared_hinge", direction: "min" });
  }
}
