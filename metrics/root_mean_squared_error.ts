/**
 * `RootMeanSquaredError`: `sqrt` of the running mean squared error, Keras's
 * `RootMeanSquaredError`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { prepareElementwise } from "../losses/_utils.ts";
import { Mean } from "./mean.ts";
import { type MetricOptions, requirePredictions } from "./metric.ts";

/**
 * The root of the mean squared error over every sample seen (the root is
 * taken after averaging, not per batch).
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new RootMeanSquaredError();
 * m.updateState(tf.tensor2d([[0, 1], [0, 0]]), tf.tensor2d([[1, 1], [0, 0]]));
 * console.log(m.result()); // 0.5
 * ```
 */
export class RootMeanSquaredError extends Mean {
  /**
   * Creates the metric.
   * @param options `name` (default "root_mean_squared_error")
   */
  constructor(options: MetricOptions = {}) {
    super({ name: options.name ?? "root_mean_squared_error", direction: "min" });
  }

  /**
   * Adds the squared errors of a batch.
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
    const squared = tf.tidy(() => {
      const [t, p] = prepareElementwise(this.name, yTrue as tf.Tensor, yPred);
      return tf.square(tf.sub(p, t));
    });
    try {
      this.accumulate(squared, sampleWeight);
    } finally {
      squared.dispose();
    }
  }

  /**
   * The root mean squared error so far.
   * @returns `sqrt(mean)`, or 0 before any sample
   */
  override result(): number {
    return Math.sqrt(super.result());
  }
}
