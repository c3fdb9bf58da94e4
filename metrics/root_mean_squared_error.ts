/**
 * `RootMeanSquaredError`: `sqrt` of the running mean squared error, Keras's
 * `RootMeanSquaredError`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { prepareElementwise } from "../losses/common.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * The root of the mean squared error over every sample seen (the root is
 * taken after averaging, not per batch): the running mean of the squared
 * errors, as {@linkcode MeanMetricWrapper} keeps it, then its square root.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new RootMeanSquaredError();
 * m.updateState(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[1, 1], [0, 0]]));
 * console.log(m.result()); // 0.5
 * ```
 */
export class RootMeanSquaredError extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "root_mean_squared_error")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    const name = options.name ?? "root_mean_squared_error";
    super((yTrue, yPred) => {
      const [t, p] = prepareElementwise(name, yTrue, yPred, { broadcast: true });
      return tf.square(tf.sub(p, t));
    }, { name, direction: "min" });
  }

  /**
   * The root mean squared error so far.
   * @returns `sqrt(mean)`, or 0 before any sample
   */
  override result(): number {
    return Math.sqrt(super.result());
  }
}
