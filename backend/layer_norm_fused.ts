/**
 * kerno's layer normalization over the last axis (the seam's
 * `layerNormalization`, `engine/fused.ts`), as 4-lane SIMD WebAssembly
 * (`tools/wasm/kernels.as`): per row the moments and the output, keeping
 * the normalized values and each row's `1/σ`; the gradient per row too, `dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/σ`
 * with `ĝ = dy·gamma`, plus the column sums for gamma and beta. The plain
 * definition makes about ten tensors each way.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { peek, pooledCopy, workspace } from "./_wasm_workspace.ts";
import { WASM_BASE64 as KERNELS } from "./_kernels_wasm.ts";

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
  const size = x.size;
  const rows = size / n;
  const recording = tf.engine().isTapeOn(); // (customGrad runs its function with the tape off)
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const w = workspace(KERNELS, {
      x: size, // the input, then the gradient reaching it
      y: size, // the output, then the gradient reaching it
      xhat: size,
      rstd: rows,
      gamma: gamma ? n : 0,
      beta: beta ? n : 0,
      dGamma: n,
      dBeta: n,
    });
    const { f32, at, fns } = w;
    f32.set(peek(args[0] as tf.Tensor), at.x);
    if (gamma) f32.set((args[1] as tf.Tensor).dataSync() as Float32Array, at.gamma);
    if (beta) f32.set((args[gamma ? 2 : 1] as tf.Tensor).dataSync() as Float32Array, at.beta);
    const addr = (name: keyof typeof at) => at[name] * 4;
    fns.layerNormForward(
      addr("x"),
      addr("y"),
      addr("xhat"),
      addr("rstd"),
      gamma ? addr("gamma") : 0,
      beta ? addr("beta") : 0,
      rows,
      n,
      epsilon,
    );
    const value = tf.tensor(pooledCopy(w.view("y")), shape, "float32");
    if (!recording) w.release(); // no gradient will ask for the normalized values
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      if (w.released) {
        throw new Error(
          "The layer normalization's saved values were released before its gradient ran",
        );
      }
      f32.set(peek(dy as tf.Tensor), at.y);
      w.view("dGamma").fill(0);
      w.view("dBeta").fill(0);
      fns.layerNormBackward(
        addr("y"),
        addr("xhat"),
        addr("rstd"),
        gamma ? addr("gamma") : 0,
        addr("x"),
        gamma ? addr("dGamma") : 0,
        beta ? addr("dBeta") : 0,
        rows,
        n,
      );
      const grads = [tf.tensor(pooledCopy(w.view("x")), shape, "float32")];
      if (gamma) grads.push(tf.tensor1d(w.view("dGamma").slice()));
      if (beta) grads.push(tf.tensor1d(w.view("dBeta").slice()));
      w.release();
      return grads.length === 1 ? grads[0] : grads;
    };
    return { value, gradFunc };
  });
  return run(...inputs);
}
