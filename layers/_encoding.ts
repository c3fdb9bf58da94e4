/**
 * The encodings of integer indices shared by CategoryEncoding,
 * Discretization, Hashing and the lookup layers (Keras's
 * `encode_categorical_inputs`), with one set of shape rules:
 *
 * - `"one_hot"`: every index becomes a row of `depth` with a 1 at the index;
 *   a last axis of size 1 is replaced (`[n, 1]` → `[n, depth]`), any other
 *   shape gains an axis (`[n, k]` → `[n, k, depth]`).
 * - `"multi_hot"`: the last axis is one sample's indices: `[..., k]` →
 *   `[..., depth]`, 1 where an index occurs.
 * - `"count"`: as `"multi_hot"`, counting occurrences (weighted by
 *   `countWeights` when given).
 *
 * A scalar is one sample (`[depth]`). Indices outside `[0, depth)` (a lookup
 * layer's dropped mask token) count nowhere.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";

/** The encoding modes. */
export type EncodeMode = "one_hot" | "multi_hot" | "count";

/**
 * The output shape of an encoding.
 *
 * @param shape The indices' shape.
 * @param depth The size of the encoded axis.
 * @param mode The encoding.
 * @returns The output shape.
 */
export function encodedShape<D extends number | null>(
  shape: readonly D[],
  depth: number,
  mode: EncodeMode,
): (D | number)[] {
  if (shape.length === 0) return [depth];
  if (mode === "one_hot") {
    return shape.length > 1 && shape[shape.length - 1] === 1
      ? [...shape.slice(0, -1), depth]
      : [...shape, depth];
  }
  return [...shape.slice(0, -1), depth];
}

/**
 * Encodes indices held in a typed array (the lookup layers and Hashing,
 * which compute them on the CPU).
 *
 * @param indices The indices, row-major.
 * @param shape Their shape.
 * @param depth The size of the encoded axis.
 * @param mode The encoding.
 * @param weights A weight per index value (`"tf_idf"`'s IDF), or `null`.
 * @returns A float32 tensor.
 */
export function encodeIndices(
  indices: Int32Array,
  shape: readonly number[],
  depth: number,
  mode: EncodeMode,
  weights: Float32Array | null,
): tf.Tensor {
  const outShape = encodedShape(shape, depth, mode);
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  const sample = mode === "one_hot" || shape.length === 0 ? 1 : shape[shape.length - 1];
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (k < 0 || k >= depth) continue;
    const at = Math.floor(i / sample) * depth + k;
    out[at] = mode === "count" ? out[at] + 1 : 1;
  }
  if (weights !== null) {
    for (let i = 0; i < out.length; i++) out[i] *= weights[i % depth] ?? 0;
  }
  return tf.tensor(out, outShape, "float32");
}

/**
 * Encodes an int32 tensor of indices with tensor operations (CategoryEncoding
 * and Discretization, which never read their inputs back).
 *
 * @param indices The indices.
 * @param depth The size of the encoded axis.
 * @param mode The encoding.
 * @param countWeights A weight per index (same shape), for `"count"`; or `null`.
 * @returns A float32 tensor.
 */
export function encodeTensor(
  indices: tf.Tensor,
  depth: number,
  mode: EncodeMode,
  countWeights: tf.Tensor | null = null,
): tf.Tensor {
  const shape = indices.shape;
  const flat = tf.reshape(tf.cast(indices, "int32"), [-1]);
  const hot = tf.oneHot(flat, depth, 1, 0, "float32");
  if (mode === "one_hot") return tf.reshape(hot, encodedShape(shape, depth, mode));
  const sample = shape.length === 0 ? 1 : shape[shape.length - 1];
  const rows = tf.reshape(hot, [-1, sample, depth]);
  const out = mode === "multi_hot"
    ? tf.max(rows, 1)
    : countWeights === null
    ? tf.sum(rows, 1)
    : tf.sum(tf.mul(rows, tf.reshape(tf.cast(countWeights, "float32"), [-1, sample, 1])), 1);
  return tf.reshape(out, encodedShape(shape, depth, mode));
}
