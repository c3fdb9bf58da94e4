/**
 * Mean squared error per sample in one typed-array pass, with its gradient
 * in one more, for kerno's backend (the seam's `meanSquaredErrorPerSample`,
 * `engine/fused.ts`): the generic path runs a subtraction, a square and two
 * means, and as many kernels again backwards. Per sample, the mean of
 * `(yPred − yTrue)²` over its values (the mean over the last axis, then over
 * the rest: the same mean, as every row has as many values), summed in
 * float64; gradient `dy·2(yPred − yTrue)/n` for the predictions and its
 * negation for the targets.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { allocate } from "./_buffer_pool.ts";
import { peek } from "./_wasm_workspace.ts";

/**
 * kerno's `meanSquaredErrorPerSample`, or `null` (another backend, another
 * dtype, shapes that differ or rank below 2: the plain definition runs).
 *
 * @param yTrue The targets.
 * @param yPred The predictions.
 * @returns The losses, `[batch]`, or `null`.
 */
export function meanSquaredErrorPerSampleFused(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
): tf.Tensor | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME) return null;
  if (yTrue.dtype !== "float32" || yPred.dtype !== "float32" || yPred.rank < 2) return null;
  if (!tf.util.arraysEqual(yTrue.shape, yPred.shape)) return null;
  const batch = yPred.shape[0];
  const n = batch === 0 ? 0 : yPred.size / batch;
  if (n === 0) return null;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, p] = args as tf.Tensor[];
    const save = args[2] as tf.GradSaveFunc;
    save([t, p]);
    const [tv, pv] = [peek(t), peek(p)];
    const losses = new Float32Array(batch);
    for (let b = 0, i = 0; b < batch; b++) {
      let sum = 0;
      for (const end = i + n; i < end; i++) {
        const d = pv[i] - tv[i];
        sum += d * d;
      }
      losses[b] = sum / n;
    }
    const value = tf.tensor1d(losses, "float32");
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const d = (dy as tf.Tensor).dataSync();
      const [st, sp] = [peek(saved[0]), peek(saved[1])];
      const dPred = allocate(sp.length);
      const dTrue = allocate(sp.length);
      for (let b = 0, i = 0; b < batch; b++) {
        const scale = (2 * d[b]) / n;
        for (const end = i + n; i < end; i++) {
          const g = scale * (sp[i] - st[i]);
          dPred[i] = g;
          dTrue[i] = -g;
        }
      }
      return [tf.tensor(dTrue, yTrue.shape, "float32"), tf.tensor(dPred, yPred.shape, "float32")];
    };
    return { value, gradFunc };
  });
  return op(yTrue, yPred);
}
