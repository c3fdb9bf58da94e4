/**
 * The bias and activation of kerno's N-d and transposed convolutions
 * in JavaScript (`conv_nd_fused.ts`; `conv_transpose_2d.ts` runs the same
 * as SIMD WebAssembly): the activation applied in one pass after the
 * product, and its gradient with the bias's in one pass before the
 * gradient's products. relu's gradient is `dy·step(y)` (NaN
 * where `y` is NaN), sigmoid's `dy·y·(1 − y)`, both from the saved output.
 *
 * @module
 */
import type { ConvActivation } from "../engine/_conv_ops.ts";

/**
 * `dst = activation(src + bias)`, the bias per row of `n` (`dst` may be `src`).
 *
 * @param src The product, `[rows, n]`.
 * @param dst Where the result goes (same length).
 * @param bias `[n]`, or `null` for none (already added, or no bias).
 * @param n Values per row.
 * @param activation The activation.
 */
export function biasActivate(
  src: Float32Array,
  dst: Float32Array,
  bias: Float32Array | null,
  n: number,
  activation: ConvActivation,
): void {
  const len = src.length;
  if (bias === null && activation === "linear") {
    if (dst !== src) dst.set(src);
    return;
  }
  for (let i = 0; i < len; i += n) {
    for (let f = 0; f < n; f++) {
      const v = bias === null ? src[i + f] : src[i + f] + bias[f];
      dst[i + f] = activation === "relu"
        ? (v > 0 || v !== v ? v : 0)
        : activation === "sigmoid"
        ? 1 / (1 + Math.exp(-v))
        : v;
    }
  }
}

/**
 * The gradient reaching the pre-activation, `dz` (`dy` itself for a linear
 * activation), and `dbias = Σ dz` over rows of `n`.
 *
 * @param dy The output's gradient.
 * @param y The output (after the activation).
 * @param n Values per row (filters).
 * @param activation The activation.
 * @param withBias Whether to sum the bias's gradient.
 * @returns `dz` and `dbias` (empty without a bias).
 */
export function activationGrad(
  dy: Float32Array,
  y: Float32Array,
  n: number,
  activation: ConvActivation,
  withBias: boolean,
): [Float32Array, Float32Array] {
  const db = new Float32Array(withBias ? n : 0);
  if (activation === "linear" && !withBias) return [dy, db];
  const dz = activation === "linear" ? dy : new Float32Array(dy.length);
  const len = dy.length;
  for (let i = 0; i < len; i += n) {
    for (let f = 0; f < n; f++) {
      const d = dy[i + f];
      const v = y[i + f];
      const g = activation === "relu"
        ? (v > 0 ? d : v !== v ? v : 0 * d)
        : activation === "sigmoid"
        ? d * v * (1 - v)
        : d;
      if (dz !== dy) dz[i + f] = g;
      if (withBias) db[f] += g;
    }
  }
  return [dz, db];
}
