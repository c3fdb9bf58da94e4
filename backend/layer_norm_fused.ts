/**
 * kerno's layer normalization over the last axis (the seam's
 * `layerNormalization`, `engine/fused.ts`): one pass per row for the
 * moments and the output, keeping the normalized values and each row's
 * `1/σ`; the gradient is one pass too, `dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/σ`
 * with `ĝ = dy·gamma`, plus the column sums for gamma and beta. The plain
 * definition makes about ten tensors each way.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { allocate } from "./_buffer_pool.ts";

/**
 * kerno's `layerNormalization`, or `null` to let the plain definition run.
 *
 * @param x float32.
 * @param gamma `[size]`, or `null`.
 * @param beta `[size]`, or `null`.
 * @param epsilon Added to the variance.
 * @returns The normalized tensor, or `null`.
 */
export function layerNormFused(
  x: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
): tf.Tensor | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || x.dtype !== "float32" || x.rank < 1) return null;
  const n = x.shape[x.rank - 1];
  for (const p of [gamma, beta]) {
    if (p !== null && (p.dtype !== "float32" || p.rank !== 1 || p.shape[0] !== n)) return null;
  }
  if (n === 0) return null;
  const shape = x.shape;
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xv = (args[0] as tf.Tensor).dataSync() as Float32Array;
    const gv = gamma ? (args[1] as tf.Tensor).dataSync() as Float32Array : null;
    const bv = beta ? (args[gamma ? 2 : 1] as tf.Tensor).dataSync() as Float32Array : null;
    const rows = xv.length / n;
    const xhat = new Float32Array(xv.length);
    const rstd = new Float32Array(rows);
    const y = allocate(xv.length);
    for (let r = 0; r < rows; r++) {
      const base = r * n;
      let mean = 0;
      for (let j = 0; j < n; j++) mean += xv[base + j];
      mean /= n;
      let variance = 0;
      for (let j = 0; j < n; j++) {
        const d = xv[base + j] - mean;
        variance += d * d;
      }
      variance /= n;
      const inv = 1 / Math.sqrt(variance + epsilon);
      rstd[r] = inv;
      for (let j = 0; j < n; j++) {
        const h = (xv[base + j] - mean) * inv;
        xhat[base + j] = h;
        y[base + j] = (gv ? h * gv[j] : h) + (bv ? bv[j] : 0);
      }
    }
    const value = tf.tensor(y, shape, "float32");
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const dv = (dy as tf.Tensor).dataSync() as Float32Array;
      const dx = allocate(dv.length);
      const dg = new Float32Array(n);
      const db = new Float32Array(n);
      for (let r = 0; r < rows; r++) {
        const base = r * n;
        let meanG = 0;
        let meanGX = 0;
        for (let j = 0; j < n; j++) {
          const d = dv[base + j];
          const h = xhat[base + j];
          dg[j] += d * h;
          db[j] += d;
          const g = gv ? d * gv[j] : d;
          meanG += g;
          meanGX += g * h;
        }
        meanG /= n;
        meanGX /= n;
        const inv = rstd[r];
        for (let j = 0; j < n; j++) {
          const g = gv ? dv[base + j] * gv[j] : dv[base + j];
          dx[base + j] = inv * (g - meanG - xhat[base + j] * meanGX);
        }
      }
      const grads = [tf.tensor(dx, shape, "float32")];
      if (gamma) grads.push(tf.tensor1d(dg));
      if (beta) grads.push(tf.tensor1d(db));
      return grads.length === 1 ? grads[0] : grads;
    };
    return { value, gradFunc };
  });
  return run(...inputs);
}
