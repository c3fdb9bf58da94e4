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
import { WASM_BASE64 as KERNELS } from "./_kernels_shared_wasm.ts";
import { blas } from "./_blas.ts";
import { ProductList, sumPieces } from "./_blas_lane.ts";

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
      // Each piece's own column sums for gamma and beta, added up after.
      dGammaParts: gamma ? ProductList.PIECES * n : 0,
      dBetaParts: beta ? ProductList.PIECES * n : 0,
    });
    const { f32, at, fns } = w;
    f32.set(peek(args[0] as tf.Tensor), at.x);
    if (gamma) f32.set((args[1] as tf.Tensor).dataSync() as Float32Array, at.gamma);
    if (beta) f32.set((args[gamma ? 2 : 1] as tf.Tensor).dataSync() as Float32Array, at.beta);
    const addr = (name: keyof typeof at) => at[name] * 4;
    // Pieces of rows, shared with the second thread.
    const tasks = blas()?.productList();
    const forward = (first: number, count: number) => [
      addr("x") + first * n * 4,
      addr("y") + first * n * 4,
      addr("xhat") + first * n * 4,
      addr("rstd") + first * 4,
      gamma ? addr("gamma") : 0,
      beta ? addr("beta") : 0,
      count,
      n,
      epsilon,
    ];
    if (tasks === undefined) fns.layerNormForward(...forward(0, rows));
    else {
      tasks.split(w, "layerNormForward", rows, n, forward);
      tasks.run();
    }
    const value = tf.tensor(pooledCopy(w.view("y")), shape, "float32");
    if (!recording) w.release(); // no gradient will ask for the normalized values
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      if (w.released) {
        throw new Error(
          "The layer normalization's saved values were released before its gradient ran",
        );
      }
      f32.set(peek(dy as tf.Tensor), at.y);
      w.view("dGammaParts").fill(0);
      w.view("dBetaParts").fill(0);
      const backward = (first: number, count: number, piece: number) => [
        addr("y") + first * n * 4,
        addr("xhat") + first * n * 4,
        addr("rstd") + first * 4,
        gamma ? addr("gamma") : 0,
        addr("x") + first * n * 4,
        gamma ? addr("dGammaParts") + piece * n * 4 : 0,
        beta ? addr("dBetaParts") + piece * n * 4 : 0,
        count,
        n,
      ];
      let pieces = 1;
      if (tasks === undefined) fns.layerNormBackward(...backward(0, rows, 0));
      else {
        pieces = tasks.split(w, "layerNormBackward", rows, n, backward);
        tasks.run();
      }
      // The pieces' column sums, added up in order.
      const grads = [tf.tensor(pooledCopy(w.view("x")), shape, "float32")];
      if (gamma) grads.push(tf.tensor1d(sumPieces(w.view("dGammaParts"), n, pieces).slice()));
      if (beta) grads.push(tf.tensor1d(sumPieces(w.view("dBetaParts"), n, pieces).slice()));
      w.release();
      return grads.length === 1 ? grads[0] : grads;
    };
    return { value, gradFunc };
  });
  return run(...inputs);
}
