/**
 * `CategoricalHinge` metric: the running mean of `max(neg - pos + 1, 0)` of one-hot targets, Keras's `CategoricalHinge`
 * metric (the same function as the loss).
 *
 * @module
 */
import { categoricalHinge } from "../losses/categorical_hinge.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * The mean of `max(neg - pos + 1, 0)` of one-hot targets over every sample seen; lower is better.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new CategoricalHinge();
 * m.updateState(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[0.6, 0.4], [0.4, 0.6]]));
 * console.log(m.result()); // 1.4
 * ```
 */
export class CategoricalHinge extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "categorical_hinge")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(categoricalHinge, { name: options.name ?? "categorical_hinge", direction: "min" });
  }
}
