/**
 * `SparseCategoricalAccuracy`: how often the arg-max of the prediction equals
 * the integer label, Keras's `SparseCategoricalAccuracy`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { toFloat } from "../losses/common.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * 1 where `argmax(yPred) == yTrue`, else 0. Labels of shape `[batch, 1]` are
 * squeezed to `[batch]`.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * sparseCategoricalAccuracy(tf.tensor1d([2, 1]), tf.tensor2d([[0.1, 0.6, 0.3], [0.05, 0.95, 0]])).print(); // [0, 1]
 * ```
 * @param yTrue class ids, float or int
 * @param yPred scores, shape `[batch, classes]`
 * @returns the matches as float32, shape `[batch]`
 */
export function sparseCategoricalAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    let labels = toFloat(yTrue);
    if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1) {
      labels = tf.squeeze(labels, [labels.rank - 1]);
    }
    const predicted = tf.cast(tf.argMax(yPred, -1), "float32");
    return tf.cast(tf.equal(labels, predicted), "float32");
  });
}

/**
 * The fraction of samples whose highest score is the labelled class (integer labels).
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new SparseCategoricalAccuracy();
 * m.updateState(tf.tensor1d([2, 1]), tf.tensor2d([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]));
 * console.log(m.result()); // 0.5
 * ```
 */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  /** The keys of `MetricOptions`. */
  static override optionKeys: readonly string[] = METRIC_OPTION_KEYS;

  /**
   * Creates the metric.
   * @param options `name` (default "sparse_categorical_accuracy")
   */
  constructor(options: MetricOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(sparseCategoricalAccuracy, {
      name: options.name ?? "sparse_categorical_accuracy",
      direction: "max",
    });
  }
}
