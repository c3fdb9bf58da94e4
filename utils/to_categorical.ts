/**
 * `toCategorical`: Keras's `keras.utils.to_categorical`, integer class
 * labels to one-hot rows.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { positiveInt, reject } from "../engine/validate.ts";

/** Labels {@linkcode toCategorical} accepts: numbers, nested arrays, typed arrays or a tensor. */
export type LabelsLike = number | tf.TensorLike | tf.Tensor;

/**
 * Converts integer class labels to one-hot float32 rows, as Keras's
 * `to_categorical`: labels of shape `S` become a tensor of shape
 * `[...S, numClasses]`, except that a last axis of size 1 is replaced
 * (`[n, 1]` becomes `[n, numClasses]`), with 1 at each label's index and 0
 * elsewhere.
 *
 * @example
 * ```ts
 * import { toCategorical } from "./to_categorical.ts";
 * toCategorical([0, 2, 1]).print(); // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 * toCategorical(new Int32Array([1]), 4).print(); // [[0, 1, 0, 0]]
 * ```
 * @param y the labels: integers in `[0, numClasses)` as a number, an array
 *   (nested or not), a typed array or a tensor
 * @param numClasses the number of classes
 * @default numClasses the largest label + 1
 * @returns a new float32 tensor; the caller owns it
 * @throws TypeError for a label that is not a non-negative integer,
 *   RangeError for one not below `numClasses`
 */
export function toCategorical(y: LabelsLike, numClasses?: number): tf.Tensor {
  const what = "convert labels to categorical";
  if (numClasses !== undefined && numClasses !== null) positiveInt(what, "numClasses", numClasses);
  const [labels, inputShape] = readLabels(what, y);
  for (const v of labels) {
    if (!Number.isInteger(v) || v < 0) {
      reject(what, "y", v, "made of non-negative integer class labels");
    }
  }
  const n = numClasses ?? (labels.length === 0 ? 0 : Math.max(...labels) + 1);
  const tooLarge = labels.find((v) => v >= n);
  if (tooLarge !== undefined) {
    throw new RangeError(
      `Cannot ${what} as label ${tooLarge} is not below "numClasses" (${n}): pass a larger numClasses or leave it out`,
    );
  }
  const shape = inputShape.length > 1 && inputShape[inputShape.length - 1] === 1
    ? inputShape.slice(0, -1)
    : inputShape;
  const out = new Float32Array(labels.length * n);
  labels.forEach((v, i) => out[i * n + v] = 1);
  return tf.tensor(out, [...shape, n], "float32");
}

/** The labels as a flat list of numbers and their shape. */
function readLabels(what: string, y: LabelsLike): [number[], number[]] {
  if (y instanceof tf.Tensor) return [Array.from(y.dataSync()), y.shape];
  if (typeof y === "number") return [[y], []];
  if (ArrayBuffer.isView(y)) {
    return [Array.from(y as ArrayLike<number>), [(y as ArrayLike<number>).length]];
  }
  if (!Array.isArray(y)) {
    reject(what, "y", y, "a number, an array, a typed array or a tensor of class labels");
  }
  let t: tf.Tensor;
  try {
    t = tf.tensor(y as tf.TensorLike);
  } catch (e) {
    reject(what, "y", y, `a rectangular array of numbers (${(e as Error).message})`);
  }
  const values = Array.from(t.dataSync());
  const shape = t.shape;
  t.dispose();
  if (values.length !== shape.reduce((a, b) => a * b, 1)) {
    reject(what, "y", y, "a rectangular array of numbers");
  }
  return [values, shape];
}
