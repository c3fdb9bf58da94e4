/**
 * kerno's scaled dot-product attention (the seam's `dotProductAttention`,
 * `engine/fused.ts`): the heads are read where the projections put them,
 * `[batch, steps, heads, dim]`, through the matrix product's leading
 * dimensions, so no transpose is ever made; per sample and head one
 * product for the scores, the masked softmax in place (4-lane SIMD
 * WebAssembly, `tools/wasm/kernels.as`), one product for the output. The
 * gradient reuses the saved probabilities: `dV = Pᵀ·dO`, `dP = dO·Vᵀ`, the
 * softmax's gradient in place, `dQ = dS·K`, `dK = dSᵀ·Q`. Declines (the
 * plain definition runs) on another backend, without BLAS, for other
 * dtypes, or a mask that does not fit.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { blas } from "./_blas.ts";
import { peek, pooledCopy, workspace } from "./_wasm_workspace.ts";
import { WASM_BASE64 as KERNELS } from "./_kernels_wasm.ts";

/** Whether the shapes and dtypes are the fused path's. */
function fits(
  query: tf.Tensor4D,
  key: tf.Tensor4D,
  value: tf.Tensor4D,
  keep: tf.Tensor4D | null,
): boolean {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || blas() === null) return false;
  if ([query, key, value, keep].some((t) => t !== null && t.dtype !== "float32")) return false;
  const [batch, time, heads, dim] = query.shape;
  const [kb, steps, kh, kd] = key.shape;
  const [vb, vs, vh] = value.shape;
  if (kb !== batch || vb !== batch || kh !== heads || vh !== heads || kd !== dim || vs !== steps) {
    return false;
  }
  if (keep === null) return true;
  const want = [batch, heads, time, steps];
  return keep.shape[3] === steps && keep.shape.every((d, a) => d === 1 || d === want[a]);
}

/**
 * kerno's `dotProductAttention`, or `null` to let the plain definition run.
 *
 * @param query `[batch, T, heads, keyDim]`.
 * @param key `[batch, S, heads, keyDim]`.
 * @param value `[batch, S, heads, valueDim]`.
 * @param keep float32 0/1 broadcasting against `[batch, heads, T, S]`, or `null`.
 * @param scale The scores' factor.
 * @returns `[batch, T, heads, valueDim]`, or `null`.
 */
export function dotProductAttentionFused(
  query: tf.Tensor4D,
  key: tf.Tensor4D,
  value: tf.Tensor4D,
  keep: tf.Tensor4D | null,
  scale: number,
): tf.Tensor4D | null {
  if (!fits(query, key, value, keep)) return null;
  const [B, T, H, D] = query.shape;
  const S = key.shape[1];
  const Dv = value.shape[3];
  const lib = blas()!;
  const keepValues = keep === null ? null : keep.dataSync() as Float32Array;
  const [kb, kh, kt] = keep === null ? [1, 1, 1] : keep.shape;
  const recording = tf.engine().isTapeOn(); // (customGrad runs its function with the tape off)
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [q, k, v] = args as tf.Tensor[];
    const w = workspace(KERNELS, {
      q: B * T * H * D,
      k: B * S * H * D,
      v: B * S * H * Dv,
      keep: keepValues?.length ?? 0,
      p: B * H * T * S, // the probabilities, kept for the gradient
      out: B * T * H * Dv,
      dOut: B * T * H * Dv,
      dp: B * H * T * S,
      dq: B * T * H * D,
      dk: B * S * H * D,
      dv: B * S * H * Dv,
    });
    const { f32, at, fns } = w;
    f32.set(peek(q), at.q);
    f32.set(peek(k), at.k);
    f32.set(peek(v), at.v);
    if (keepValues !== null) f32.set(keepValues, at.keep);
    // Where sample b's head h starts in each array (floats).
    const rowsOf = (b: number, h: number) => ({
      q: at.q + (b * T * H + h) * D,
      k: at.k + (b * S * H + h) * D,
      v: at.v + (b * S * H + h) * Dv,
      p: at.p + (b * H + h) * T * S,
      dp: at.dp + (b * H + h) * T * S,
      out: at.out + (b * T * H + h) * Dv,
      dOut: at.dOut + (b * T * H + h) * Dv,
      dq: at.dq + (b * T * H + h) * D,
      dk: at.dk + (b * S * H + h) * D,
      dv: at.dv + (b * S * H + h) * Dv,
    });
    const from = (offset: number) => f32.subarray(offset);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const o = rowsOf(b, h);
        lib.sgemm(false, true, T, S, D, scale, from(o.q), H * D, from(o.k), H * D, 0, from(o.p), S);
        const keepAt = keepValues === null
          ? 0
          : (at.keep + ((kb === 1 ? 0 : b) * kh + (kh === 1 ? 0 : h)) * kt * S) * 4;
        fns.softmaxRows(o.p * 4, T, S, keepAt, kt === 1 ? 0 : S);
        lib.sgemm(
          false,
          false,
          T,
          Dv,
          S,
          1,
          from(o.p),
          S,
          from(o.v),
          H * Dv,
          0,
          from(o.out),
          H * Dv,
        );
      }
    }
    const result = tf.tensor4d(pooledCopy(w.view("out")), [B, T, H, Dv]);
    if (!recording) w.release(); // no gradient will ask for the probabilities
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      if (w.released) {
        throw new Error("The attention's probabilities were released before its gradient ran");
      }
      f32.set(peek(dy as tf.Tensor), at.dOut);
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < H; h++) {
          const o = rowsOf(b, h);
          lib.sgemm(
            false,
            true,
            T,
            S,
            Dv,
            1,
            from(o.dOut),
            H * Dv,
            from(o.v),
            H * Dv,
            0,
            from(o.dp),
            S,
          );
          lib.sgemm(
            true,
            false,
            S,
            Dv,
            T,
            1,
            from(o.p),
            S,
            from(o.dOut),
            H * Dv,
            0,
            from(o.dv),
            H * Dv,
          );
          fns.softmaxGradRows(o.p * 4, o.dp * 4, T, S, scale);
          lib.sgemm(
            false,
            false,
            T,
            D,
            S,
            1,
            from(o.dp),
            S,
            from(o.k),
            H * D,
            0,
            from(o.dq),
            H * D,
          );
          lib.sgemm(true, false, S, D, T, 1, from(o.dp), S, from(o.q), H * D, 0, from(o.dk), H * D);
        }
      }
      const grads = [
        tf.tensor4d(pooledCopy(w.view("dq")), [B, T, H, D]),
        tf.tensor4d(pooledCopy(w.view("dk")), [B, S, H, D]),
        tf.tensor4d(pooledCopy(w.view("dv")), [B, S, H, Dv]),
      ];
      w.release();
      return grads;
    };
    return { value: result, gradFunc };
  });
  return run(query, key, value) as tf.Tensor4D;
}
