/**
 * `CategoricalAccuracy`: how often the arg-max of the prediction matches the
 * arg-max of the one-hot label, Keras's `CategoricalAccuracy`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * 1 where `argmax(yTrue) == argmax(yPred)` along the last axis, else 0.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * categoricalAccuracy(tf.tensor2d([[0, 0, 1], [0, 1, 0]]), tf.tensor2d([[0.1, 0.9, 0.8], [0.05, 0.95, 0]])).print(); // [0, 1]
 * ```
 * @param yTrue one-hot labels
 * @param yPred scores of the same shape
 * @returns the matches as float32, shape `yPred.shape` without its last axis
 */
export function categoricalAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), "float32"));
}

/**
 * The fraction of samples whose highest score is the labelled class (one-hot labels).
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new CategoricalAccuracy();
 * m.updateState(tf.tensor2d([[0, 0, 1], [0, 1, 0]]), tf.tensor2d([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
 * console.log(m.result()); // 0.5
 * ```
 */
export class CategoricalAccuracy extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "categorical_accuracy")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(categoricalAccuracy, { name: options.name ?? "categorical_accuracy", direction: "max" });
  }
}
