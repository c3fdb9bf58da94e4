/**
 * In-place activations for the fused kernels (matmul/conv + bias + activation).
 *
 * @module
 */

/** The activations TensorFlow.js's fused kernels name. */
export type FusedActivation =
  | "linear"
  | "relu"
  | "relu6"
  | "elu"
  | "leakyrelu"
  | "sigmoid"
  | "prelu";

/**
 * Whether kerno applies this activation in place (prelu needs its weights'
 * broadcasting and is left to the `cpu` kernel).
 *
 * @param activation The fused kernel's activation attribute.
 * @returns `true` when {@link applyActivationInPlace} handles it.
 */
export function supportsActivation(activation: string | undefined | null): boolean {
  return activation == null || activation === "linear" || activation === "relu" ||
    activation === "relu6" || activation === "elu" || activation === "leakyrelu" ||
    activation === "sigmoid";
}

/**
 * Applies an activation to every value, in place.
 *
 * @param values The values.
 * @param activation The activation's name; `linear` or nothing leaves them.
 * @param leakyreluAlpha The slope for `leakyrelu`.
 */
export function applyActivationInPlace(
  values: Float32Array,
  activation: string | undefined | null,
  leakyreluAlpha = 0.2,
): void {
  const n = values.length;
  switch (activation) {
    case "relu":
      for (let i = 0; i < n; i++) {
        const v = values[i];
        values[i] = v === -Infinity ? 0 : (v + Math.abs(v)) * 0.5;
      }
      return;
    case "relu6":
      for (let i = 0; i < n; i++) {
        const v = values[i];
        values[i] = v < 0 ? 0 : v > 6 ? 6 : v;
      }
      return;
    case "elu":
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v < 0) values[i] = Math.exp(v) - 1;
      }
      return;
    case "leakyrelu":
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v < 0) values[i] = v * leakyreluAlpha;
      }
      return;
    case "sigmoid":
      for (let i = 0; i < n; i++) values[i] = 1 / (1 + Math.exp(-values[i]));
      return;
    default:
      return;
  }
}

/**
 * Fills each of `rows` rows of `out` with the bias (`out` is `[rows, n]`).
 *
 * @param out The values to fill.
 * @param bias The bias: `n` values, or one broadcast value.
 * @param rows The number of rows.
 * @param n The row length.
 */
export function fillRowsWithBias(
  out: Float32Array,
  bias: Float32Array,
  rows: number,
  n: number,
): void {
  if (bias.length === 1) {
    out.fill(bias[0]);
    return;
  }
  // One row, then copies of what is filled, doubling (memmove; a `set` per row costs more).
  const total = rows * n;
  if (total === 0) return;
  out.set(bias, 0);
  for (let done = n; done < total; done *= 2) {
    out.copyWithin(done, 0, Math.min(done, total - done));
  }
}
