import { tf } from "../engine/tf.ts";
import { columnStats, featureCount } from "./_columns.ts";

/**
 * A fitted min-max scaler: `transform` maps each feature to
 * `(x - min) / (max - min)`, so the fitted data span [0, 1]. Made by
 * {@link minMaxScale}.
 */
export class MinMaxScaler {
  /** The smallest value of each feature (last axis) in the fitted data. */
  readonly min: number[];
  /** The largest value of each feature in the fitted data. */
  readonly max: number[];

  /**
   * Makes a scaler from a known range; {@link minMaxScale} fits one.
   *
   * @param min The smallest value of each feature.
   * @param max The largest value of each feature.
   */
  constructor(min: number[], max: number[]) {
    this.min = [...min];
    this.max = [...max];
  }

  /** The divisor of each feature: max - min, or 1 where they are equal. */
  #range(): number[] {
    return this.min.map((lo, j) => (this.max[j] === lo ? 1 : this.max[j] - lo));
  }

  /**
   * Scales data with the fitted minimum and maximum. Values outside the
   * fitted range map outside [0, 1]; a constant feature maps to 0.
   *
   * @param x Data with the fitted number of features along the last axis.
   * @returns A new float32 tensor `(x - min) / (max - min)` of the same shape.
   */
  transform(x: tf.Tensor): tf.Tensor {
    featureCount("transform with MinMaxScaler", x, this.min.length);
    return tf.tidy(() =>
      tf.div(tf.sub(tf.cast(x, "float32"), tf.tensor1d(this.min)), tf.tensor1d(this.#range()))
    );
  }

  /**
   * Undoes {@link MinMaxScaler.transform}.
   *
   * @param x Scaled data.
   * @returns A new float32 tensor `x * (max - min) + min`.
   */
  inverseTransform(x: tf.Tensor): tf.Tensor {
    featureCount("inverse-transform with MinMaxScaler", x, this.min.length);
    return tf.tidy(() =>
      tf.add(tf.mul(tf.cast(x, "float32"), tf.tensor1d(this.#range())), tf.tensor1d(this.min))
    );
  }
}

/**
 * Fits a min-max scaler on the training data: the minimum and maximum of
 * each feature (the last axis) over all samples. Fit on the training part
 * only and transform both parts with it, so nothing of the test part leaks
 * into training. A constant feature keeps a divisor of 1 (it becomes 0),
 * never a division by zero.
 *
 * @param xTrain The training inputs, features along the last axis.
 * @returns The fitted {@link MinMaxScaler}; `xTrain` is left as it is.
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { minMaxScale } from "./min_max_scale.ts";
 * const xTrain = tf.tensor2d([[0, 5], [4, 5], [2, 5]]);
 * const scaler = minMaxScale(xTrain);
 * console.log(scaler.min, scaler.max); // [0, 5] [4, 5]
 * const s = scaler.transform(xTrain); // [[0, 0], [1, 0], [0.5, 0]]
 * tf.dispose([xTrain, s]);
 * ```
 */
export function minMaxScale(xTrain: tf.Tensor): MinMaxScaler {
  const stats = columnStats("fit minMaxScale", xTrain);
  return new MinMaxScaler(stats.map((s) => s.min), stats.map((s) => s.max));
}
