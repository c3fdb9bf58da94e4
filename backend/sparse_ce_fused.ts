/**
 * Sparse categorical cross-entropy from logits in one typed-array pass, with
 * its gradient in one more, for kerno's backend: the generic path runs a
 * dozen kernels (one-hot, log-softmax, product, sum, negation) and as many
 * again backwards. Same values as the generic path, to float rounding:
 * `−log softmax(z)[label]`, gradient `dy·(softmax(z) − onehot(label))`; a
 * label outside `[0, classes)` (whose one-hot row is all zero) gives 0 and
 * no gradient, as there.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "../backend/kerno_backend.ts";

/**
 * Whether {@link fusedSparseCrossentropy} applies: kerno's backend, float32
 * logits of rank ≥ 1 with at least two classes (the generic path rejects one).
 *
 * @param yPred The logits.
 * @returns Whether the fused path can run.
 */
export function canFuseSparseCrossentropy(yPred: tf.Tensor): boolean {
  return tf.getBackend() === KERNO_BACKEND_NAME && yPred.dtype === "float32" &&
    yPred.rank >= 1 && yPred.shape[yPred.rank - 1] > 1;
}

/**
 * Per-row losses of logits against class ids, differentiable with respect
 * to the logits.
 *
 * @param labels Class ids, one per row of `logits` (shape `logits.shape[:-1]`).
 * @param logits The logits.
 * @returns The losses, shape `logits.shape[:-1]`.
 */
export function fusedSparseCrossentropy(labels: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  const classes = logits.shape[logits.rank - 1];
  const outShape = logits.shape.slice(0, -1);
  const ids = labels.dataSync();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const values = (args[0] as tf.Tensor).dataSync() as Float32Array;
    const rows = values.length / classes;
    const probs = new Float32Array(values.length);
    const losses = new Float32Array(rows);
    const hot = new Int32Array(rows);
    for (let r = 0, base = 0; r < rows; r++, base += classes) {
      let max = -Infinity;
      for (let c = 0; c < classes; c++) if (values[base + c] > max) max = values[base + c];
      let sum = 0;
      for (let c = 0; c < classes; c++) {
        const e = Math.exp(values[base + c] - max);
        probs[base + c] = e;
        sum += e;
      }
      for (let c = 0; c < classes; c++) probs[base + c] /= sum;
      const label = ids[r] | 0; // as the generic path's cast to int32
      if (label >= 0 && label < classes) {
        hot[r] = label;
        losses[r] = Math.log(sum) - (values[base + label] - max);
      } else {
        hot[r] = -1; // an all-zero one-hot row: no loss, no gradient
      }
    }
    const value = tf.tensor(losses, outShape, "float32");
    const gradFunc = (dy: tf.Tensor) => {
      const d = dy.dataSync();
      const grad = new Float32Array(probs.length);
      for (let r = 0, base = 0; r < rows; r++, base += classes) {
        if (hot[r] < 0) continue;
        const scale = d[r];
        for (let c = 0; c < classes; c++) grad[base + c] = scale * probs[base + c];
        grad[base + hot[r]] -= scale;
      }
      return tf.tensor(grad, logits.shape, "float32");
    };
    return { value, gradFunc };
  });
  return op(logits);
}
