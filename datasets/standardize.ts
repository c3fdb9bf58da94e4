import { tf } from "../engine/tf.ts";
import { columnStats, featureCount } from "./_columns.ts";

/**
 * A fitted standard scaler: `transform` maps each feature to
 * `(x - mean) / std` with the mean and standard deviation of the data it was
 * fitted on. Made by {@link standardize}.
 */
export class StandardScaler {
  /** The mean of each feature (last axis) in the fitted data. */
  readonly mean: number[];
  /**
   * The population standard deviation of each feature in the fitted data;
   * 1 for a feature with zero variance, which `transform` maps to 0.
   */
  readonly std: number[];

  /**
   * Makes a scaler from known statistics; {@link standardize} fits one.
   *
   * @param mean The mean of each feature.
   * @param std The divisor of each feature (non-zero).
   */
  constructor(mean: number[], std: number[]) {
    this.mean = [...mean];
    this.std = [...std];
  }

  /**
   * Standardizes data with the fitted statistics.
   *
   * @param x Data with the fitted number of features along the last axis.
   * @returns A new float32 tensor `(x - mean) / std` of the same shape.
   */
  transform(x: tf.Tensor): tf.Tensor {
    featureCount("transform with StandardScaler", x, this.mean.length);
    return tf.tidy(() =>
      tf.div(tf.sub(tf.cast(x, "float32"), tf.tensor1d(this.mean)), tf.tensor1d(this.std))
    );
  }

  /**
   * Undoes {@link StandardScaler.transform}.
   *
   * @param x Standardized data.
   * @returns A new float32 tensor `x * std + mean`.
   */
  inverseTransform(x: tf.Tensor): tf.Tensor {
    featureCount("inverse-transform with StandardScaler", x, this.mean.length);
    return tf.tidy(() =>
      tf.add(tf.mul(tf.cast(x, "float32"), tf.tensor1d(this.std)), tf.tensor1d(this.mean))
    );
  }
}

/**
 * Fits a standard scaler on the training data: the mean and population
 * standard deviation of each feature (the last axis) over all samples. Fit
 * on the training part only and transform both parts with it, so nothing
 * of the test part leaks into training. A feature with zero variance keeps
 * a divisor of 1 (it becomes 0), never a division by zero.
 *
 * @param xTrain The training inputs, features along the last axis.
 * @returns The fitted {@link StandardScaler}; `xTrain` is left as it is.
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { standardize } from "./standardize.ts";
 * const xTrain = tf.tensor2d([[1, 10], [3, 10]]);
 * const scaler = standardize(xTrain);
 * console.log(scaler.mean, scaler.std); // [2, 10] [1, 1]
 * const z = scaler.transform(xTrain); // [[-1, 0], [1, 0]]
 * tf.dispose([xTrain, z]);
 * ```
 */
export function standardize(xTrain: tf.Tensor): StandardScaler {
  const stats = columnStats("fit standardize", xTrain);
  const std = stats.map((s) => (s.min === s.max ? 1 : Math.sqrt(s.variance)));
  return new StandardScaler(stats.map((s) => s.mean), std);
}
