/**
 * Internal: reading a batch of a matrix-state metric (FBetaScore, MeanIoU,
 * R2Score) as flat arrays, with the sample weights expanded at the end and
 * broadcast to the labels' shape, as Keras does.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { toFloat } from "../losses/common.ts";
import { readNow } from "../engine/_reads.ts";

/**
 * Reads a tensor as a flat Float32Array without disposing it.
 * @param x the tensor
 * @returns its values
 */
export function readValues(x: tf.Tensor): Float32Array {
  return Float32Array.from(readNow(x, "update a metric"));
}

/**
 * The sample weights broadcast to `shape`: a number or scalar weighs every
 * entry, a lower-rank tensor gets size-1 axes appended (`[batch]` weighs each
 * row), then NumPy broadcasting applies.
 * @param metric the metric's name, for the error
 * @param sampleWeight the weights, or undefined for all ones
 * @param shape the labels' shape
 * @returns one weight per entry of `shape`, row-major
 */
export function broadcastWeights(
  metric: string,
  sampleWeight: tf.Tensor | number | undefined,
  shape: number[],
): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (sampleWeight === undefined) return new Float32Array(size).fill(1);
  if (typeof sampleWeight === "number") return new Float32Array(size).fill(sampleWeight);
  return tf.tidy(() => readValues(broadcastWeightsTensor(metric, sampleWeight, shape)));
}

/**
 * {@link broadcastWeights} as a float32 tensor of `shape`, computed on the
 * device (for a backend that reads asynchronously only).
 * @param metric the metric's name, for the error
 * @param sampleWeight the weights, or undefined for all ones
 * @param shape the labels' shape
 * @returns the weights, of `shape` (the caller owns the tensor)
 */
export function broadcastWeightsTensor(
  metric: string,
  sampleWeight: tf.Tensor | number | undefined,
  shape: number[],
): tf.Tensor {
  if (sampleWeight === undefined) return tf.ones(shape);
  if (typeof sampleWeight === "number") return tf.fill(shape, sampleWeight);
  return tf.tidy(() => {
    let w = toFloat(sampleWeight);
    if (w.rank < shape.length) {
      w = tf.reshape(w, [...w.shape, ...new Array(shape.length - w.rank).fill(1)]);
    }
    const fits = w.rank === shape.length &&
      w.shape.every((d, i) => d === shape[i] || d === 1);
    if (!fits) {
      throw new RangeError(
        `Cannot update ${metric} as "sampleWeight" must broadcast to the labels' shape ` +
          `[${shape}]: received shape [${sampleWeight.shape}]`,
      );
    }
    return tf.broadcastTo(w, shape);
  });
}
