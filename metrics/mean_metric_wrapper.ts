/**
 * `MeanMetricWrapper`: the running mean of a function of `(yTrue, yPred)`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { Mean, type MeanOptions } from "./mean.ts";
import { METRIC_OPTION_KEYS, requirePredictions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/** A metric written as a function: per-sample (or per-element) values. */
export type MetricFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Averages `fn(yTrue, yPred)` over every sample seen (Keras's
 * `MeanMetricWrapper`). The function may return any shape whose first axis is
 * the batch; the non-batch axes are averaged per sample.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new MeanMetricWrapper(function absError(t, p) {
 *   return tf.abs(tf.sub(t, p));
 * });
 * m.updateState(tf.tensor1d([1, 2]), tf.tensor1d([2, 2]));
 * console.log(m.name, m.result()); // "absError" 0.5
 * ```
 */
export class MeanMetricWrapper extends Mean {
  /** The wrapped function. */
  readonly fn: MetricFunction;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [
    ...METRIC_OPTION_KEYS,
    "direction",
  ];

  /**
   * Creates the metric.
   * @param fn the function of `(yTrue, yPred)`
   * @param options `name` (default `fn.name`, or "mean_metric_wrapper"),
   *   `direction` (default "max" when the name contains "acc", else "min")
   */
  constructor(fn: MetricFunction, options: MeanOptions = {}) {
    if (new.target === MeanMetricWrapper) {
      checkClassOptions(`build MeanMetricWrapper`, MeanMetricWrapper, options);
    }
    if (typeof fn !== "function") {
      throw new TypeError(
        `Cannot build MeanMetricWrapper as "fn" must be a function: received ${typeof fn}`,
      );
    }
    const name = options.name ?? (fn.name || "mean_metric_wrapper");
    super({ name, direction: options.direction ?? (/acc/i.test(name) ? "max" : "min") });
    this.fn = fn;
  }

  /**
   * Adds `fn(yTrue, yPred)` to the running mean.
   * @param yTrue the targets
   * @param yPred the predictions
   * @param sampleWeight optional per-sample weights
   */
  override updateState(
    yTrue: tf.Tensor | number,
    yPred?: tf.Tensor | number,
    sampleWeight?: tf.Tensor | number,
  ): void {
    requirePredictions(this.name, yTrue, yPred);
    const values = tf.tidy(() => this.fn(yTrue as tf.Tensor, yPred));
    try {
      this.accumulate(values, sampleWeight);
    } finally {
      if (values !== yTrue && values !== yPred) values.dispose();
    }
  }
}
