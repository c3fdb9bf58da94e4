/**
 * 2-D max pooling in plain `tf` ops where a window holding a NaN gives NaN,
 * as PyTorch's does, so that `TerminateOnNaN` sees it. TensorFlow.js's own
 * MaxPool kernels ignore NaN (the `cpu` kernel starts from −∞ and keeps a tap
 * only when it is greater, which NaN never is), and so does their gradient.
 *
 * Every step is an ordinary differentiable `tf` op, so the gradient comes
 * from the tape:
 *
 * - `tf.maxPool(x)` gives the value and the gradient of windows without NaN
 *   (the first maximal tap, as `tf.maxPool`'s gradient routes it);
 * - a score, each NaN tap's row-major position plus one and 0 elsewhere, is
 *   pooled too: positive exactly where the window holds a NaN, and its
 *   maximum is the window's last NaN, the only tap holding it — where
 *   PyTorch routes the gradient. The score carries `x`'s gradient through
 *   {@link gradientOnly} (0 in value, identity in gradient), since any
 *   arithmetic on a NaN tap would give NaN;
 * - `tf.where` picks NaN (the pooled score plus NaN) for windows holding a
 *   NaN, the max elsewhere, and sends `dy` down the branch it picked.
 *
 * This is the plain version of the fused operation `maxPool2d`; kerno's
 * backend replaces it with kernels of the same behaviour.
 *
 * @module
 */
import { tf } from "./tf.ts";

/** `x ↦ 0` in value with the identity's gradient (`x − stopGradient(x)`). */
const gradientOnly: (x: tf.Tensor) => tf.Tensor = tf.customGrad(
  (...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.zerosLike(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => dy as tf.Tensor,
  }),
);

/**
 * Each NaN tap's row-major position plus one, 0 for the other taps, with
 * `x`'s gradient: its maximum over a window is that window's last NaN.
 */
function lastNaNScore(x: tf.Tensor4D): tf.Tensor4D {
  const [, rows, cols] = x.shape;
  const positions = tf.reshape(tf.range(1, rows * cols + 1, 1, "float32"), [1, rows, cols, 1]);
  const score = tf.mul(tf.cast(tf.isNaN(x), "float32"), positions);
  return tf.add(score, gradientOnly(x)) as tf.Tensor4D;
}

/**
 * Max pooling (NHWC) that gives NaN where a window holds a NaN, in plain
 * `tf` ops on any backend; its gradient routes `dy` to the first maximum of
 * each window, or to the window's last NaN (as PyTorch does).
 *
 * @param x The inputs, `[batch, rows, cols, channels]`, float32.
 * @param poolSize The window, `[rows, cols]`.
 * @param strides The strides, `[rows, cols]`.
 * @param padding `"valid"` or `"same"`.
 * @returns The pooled tensor, `[batch, outRows, outCols, channels]`.
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * import { nanAwareMaxPool } from "./_nan_max_pool.ts";
 * const x = tf.tensor4d([1, NaN, 3, 2], [1, 2, 2, 1]);
 * const y = nanAwareMaxPool(x, [2, 2], [2, 2], "valid");
 * console.log(y.dataSync()[0]); // NaN (tf.maxPool gives 3)
 * ```
 */
export function nanAwareMaxPool(
  x: tf.Tensor4D,
  poolSize: [number, number],
  strides: [number, number],
  padding: "valid" | "same",
): tf.Tensor4D {
  return tf.tidy(() => {
    const pooled = tf.maxPool(x, poolSize, strides, padding);
    const lastNaN = tf.maxPool(lastNaNScore(x), poolSize, strides, padding);
    // A cast, not a comparison: the condition depends on `x` (through the
    // score), so the tape walks through it, and comparisons have no gradient
    // function (the condition's gradient is zero anyway).
    const holdsNaN = tf.cast(lastNaN, "bool");
    return tf.where(holdsNaN, tf.add(lastNaN, NaN), pooled) as tf.Tensor4D;
  });
}
