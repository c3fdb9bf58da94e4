/**
 * `SparseTopKCategoricalAccuracy`: how often the integer label is among the
 * `k` highest scores, Keras's `SparseTopKCategoricalAccuracy`.
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
 * 1 where the class `yTrue` is in the top `k` of `yPred`, else 0. Ties count
 * in its favour (as `in_top_k` does): the class is in the top `k` when fewer
 * than `k` classes score strictly higher. Labels of shape `[batch, 1]` are
 * squeezed to `[batch]`.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * sparseTopKCategoricalAccuracy(tf.tensor1d([2, 1]), tf.tensor2d([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), 1).print(); // [0, 1]
 * ```
 * @param yTrue class ids, shape `[batch]` (or `[batch, 1]`)
 * @param yPred scores, shape `[batch, classes]`
 * @param k how many top classes count
 * @returns the matches as float32, shape `[batch]`
 */
export function sparseTopKCategoricalAccuracy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  k = 5,
): tf.Tensor {
  positiveInt("compute sparse_top_k_categorical_accuracy", "k", k);
  return tf.tidy(() => {
    let labels = yTrue;
    if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1) {
      labels = tf.squeeze(labels, [labels.rank - 1]);
    }
    if (labels.rank !== yPred.rank - 1) {
      throw new RangeError(
        `Cannot compute sparse_top_k_categorical_accuracy as "yTrue" must hold one class id ` +
          `per sample, one rank below "yPred": received [${yTrue.shape}] and [${yPred.shape}]`,
      );
    }
    const p = toFloat(yPred);
    const classes = p.shape[p.rank - 1];
    const target = tf.oneHot(tf.cast(labels, "int32"), classes);
    const targetScore = tf.sum(tf.mul(target, p), -1, true);
    const higher = tf.sum(tf.cast(tf.greater(p, targetScore), "float32"), -1);
    return tf.cast(tf.less(higher, k), "float32");
  });
}

/** Options of {@linkcode SparseTopKCategoricalAccuracy}. */
export interface SparseTopKCategoricalAccuracyOptions extends MetricOptions {
  /**
   * How many top classes count as a hit.
   * @default 5
   */
  k?: number;
}

/**
 * The fraction of samples whose integer label is among the `k` highest scores.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new SparseTopKCategoricalAccuracy({ k: 1 });
 * m.updateState(tf.tensor1d([2, 1]), tf.tensor2d([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
 * console.log(m.result()); // 0.5
 * ```
 */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  /** How many top classes count as a hit. */
  readonly k: number;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [...METRIC_OPTION_KEYS, "k"];

  /**
   * Creates the metric.
   * @param options `k` (default 5), `name` (default "sparse_top_k_categorical_accuracy")
   */
  constructor(options: SparseTopKCategoricalAccuracyOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    const k = positiveInt("build SparseTopKCategoricalAccuracy", "k", options.k ?? 5);
    super((t, p) => sparseTopKCategoricalAccuracy(t, p, k), {
      name: options.name ?? "sparse_top_k_categorical_accuracy",
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
