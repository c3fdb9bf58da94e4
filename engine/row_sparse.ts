/**
 * Row-sparse gradients, TensorFlow's `IndexedSlices` idea on plain tensors:
 * a gradient stays a dense tensor (the tape and every `tf` op need one), and
 * the code that made it may note which rows of a rank-2 variable it touched;
 * all other rows are zero. A fused optimizer step can then visit those rows
 * only, for the rules where a zero gradient row changes nothing (SGD without
 * momentum, Adagrad). The note is keyed by the tensor's storage, so it
 * follows the gradient through `tf.tidy` and the tape, and any op that makes
 * a new tensor (a sum of two gradients, clipping) drops it: the result is
 * then treated as dense, which is always correct.
 *
 * @module
 */
import type { tf } from "./tf.ts";

const notes = new WeakMap<object, Int32Array>();

/**
 * Notes that only the rows `rows` of `gradient` may be non-zero.
 *
 * @param gradient A rank-2 gradient.
 * @param rows Its possibly non-zero rows, each once, in any order.
 * @returns The gradient.
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * import { markRowSparse, rowSparseRows } from "./row_sparse.ts";
 * const g = markRowSparse(tf.tensor2d([[0, 0], [1, 2]]), Int32Array.of(1));
 * console.log(rowSparseRows(g)); // Int32Array [1]
 * g.dispose();
 * ```
 */
export function markRowSparse(gradient: tf.Tensor, rows: Int32Array): tf.Tensor {
  if (gradient.rank !== 2) {
    throw new RangeError(
      `Cannot mark a gradient row-sparse as it must be rank 2: received shape [${gradient.shape}]`,
    );
  }
  notes.set(gradient.dataId, rows);
  return gradient;
}

/**
 * The rows a row-sparse gradient may have non-zero, or `undefined` when it
 * was not marked (treat it as dense).
 *
 * @param gradient A gradient.
 * @returns Its rows, or `undefined`.
 */
export function rowSparseRows(gradient: tf.Tensor): Int32Array | undefined {
  return notes.get(gradient.dataId);
}
