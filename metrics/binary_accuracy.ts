/**
 * `BinaryAccuracy`: how often `yPred > threshold` equals the 0/1 label,
 * Keras's `BinaryAccuracy`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { alignRanks, toFloat } from "../losses/common.ts";
import { number } from "../engine/validate.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * 1 where `(yPred > threshold)` equals the label, else 0.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * binaryAccuracy(tf.tensor1d([1, 0]), tf.tensor2d([[0.7], [0.5]])).print(); // [[1], [1]]
 * ```
 * @param yTrue 0/1 labels, `[batch]` or the shape of `yPred`
 * @param yPred probabilities
 * @param threshold the decision threshold
 * @returns the matches as float32
 */
export function binaryAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor, threshold = 0.5): tf.Tensor {
  return tf.tidy(() => {
    const [t, p] = alignRanks(toFloat(yTrue), toFloat(yPred));
    return tf.cast(tf.equal(t, tf.cast(tf.greater(p, threshold), "float32")), "float32");
  });
}

/** Options of {@linkcode BinaryAccuracy}. */
export interface BinaryAccuracyOptions extends MetricOptions {
  /**
   * Predictions above it count as 1.
   * @default 0.5
   */
  threshold?: number;
}

/**
 * The fraction of thresholded predictions equal to their 0/1 labels.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new BinaryAccuracy();
 * m.updateState(tf.tensor1d([1, 1, 0, 0]), tf.tensor1d([0.98, 1, 0, 0.6]));
 * console.log(m.result()); // 0.75
 * ```
 */
export class BinaryAccuracy extends MeanMetricWrapper {
  /** Predictions above it count as 1. */
  readonly threshold: number;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [
    ...METRIC_OPTION_KEYS,
    "threshold",
  ];

  /**
   * Creates the metric.
   * @param options `threshold` (default 0.5), `name` (default "binary_accuracy")
   */
  constructor(options: BinaryAccuracyOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    const threshold = number("build BinaryAccuracy", "threshold", options.threshold ?? 0.5);
    super((t, p) => binaryAccuracy(t, p, threshold), {
      name: options.name ?? "binary_accuracy",
      direction: "max",
    });
    this.threshold = threshold;
  }

  /**
   * The options that rebuild this metric.
   * @returns name and threshold
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), threshold: this.threshold };
  }
}
