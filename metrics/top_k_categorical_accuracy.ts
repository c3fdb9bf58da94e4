/**
 * `TopKCategoricalAccuracy`: how often the labelled class is among the `k`
 * highest scores, Keras's `TopKCategoricalAccuracy` (one-hot labels).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { toFloat } from "../losses/common.ts";
import { positiveInt } from "../engine/validate.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * 1 where the class `argmax(yTrue)` is in the top `k` of `yPred`, else 0.
 * Ties count in its favour (as `in_top_k` does): the class is in the top `k`
 * when fewer than `k` classes score strictly higher.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * topKCategoricalAccuracy(tf.tensor2d([[0, 0, 1], [0, 1, 0]]), tf.tensor2d([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), 1).print(); // [0, 1]
 * ```
 * @param yTrue one-hot labels, shape `[batch, classes]`
 * @param yPred scores, same shape
 * @param k how many top classes count
 * @returns the matches as float32, shape `[batch]`
 */
export function topKCategoricalAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor, k = 5): tf.Tensor {
  return tf.tidy(() => {
    const p = toFloat(yPred);
    const classes = p.shape[p.rank - 1];
    const target = tf.oneHot(tf.argMax(yTrue, -1), classes);
    const targetScore = tf.sum(tf.mul(target, p), -1, true);
    const higher = tf.sum(tf.cast(tf.greater(p, targetScore), "float32"), -1);
    return tf.cast(tf.less(higher, k), "float32");
  });
}

/** Options of {@linkcode TopKCategoricalAccuracy}. */
export interface TopKCategoricalAccuracyOptions extends MetricOptions {
  /**
   * How many top classes count as a hit.
   * @default 5
   */
  k?: number;
}

/**
 * The fraction of samples whose labelled class is among the `k` highest scores.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new TopKCategoricalAccuracy({ k: 1 });
 * m.updateState(tf.tensor2d([[0, 0, 1], [0, 1, 0]]), tf.tensor2d([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
 * console.log(m.result()); // 0.5
 * ```
 */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  /** How many top classes count as a hit. */
  readonly k: number;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [
    ...METRIC_OPTION_KEYS,
    "k",
  ];

  /**
   * Creates the metric.
   * @param options `k` (default 5), `name` (default "top_k_categorical_accuracy")
   */
  constructor(options: TopKCategoricalAccuracyOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    const k = positiveInt("build TopKCategoricalAccuracy", "k", options.k ?? 5);
    super((t, p) => topKCategoricalAccuracy(t, p, k), {
      name: options.name ?? "top_k_categorical_accuracy",
      direction: "max",
    });
    this.k = k;
  }

  /**
   * The options that rebuild this metric.
   * @returns name and k
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
}
