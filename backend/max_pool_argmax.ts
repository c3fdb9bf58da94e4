/**
 * 2-D max pooling that remembers where each maximum came from while
 * gradients are recorded, on kerno's backend. TensorFlow.js's MaxPool
 * gradient (MaxPoolGrad) searches every window a second time; here the
 * forward pass records the winning positions as an int32 tensor that the
 * gradient tape keeps (a `customGrad` save, so kerno's reused buffers cannot
 * overwrite it), and the gradient is a scatter of `dy` onto them — the same
 * positions and values as MaxPoolGrad.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { MAX_POOL_ARGMAX, MAX_POOL_SCATTER } from "./kernels/pool_argmax.ts";

/**
 * `maxPool(x)` (NHWC) with a recorded-argmax gradient when kerno's backend
 * is active and gradients are being recorded; `null` otherwise (the caller
 * then runs `tf.maxPool`).
 *
 * @param x The inputs, `[batch, rows, cols, channels]`.
 * @param poolSize The window, `[rows, cols]`.
 * @param strides The strides, `[rows, cols]`.
 * @param padding `"valid"` or `"same"`.
 * @returns The pooled tensor, or `null`.
 */
export function maxPoolArgmax(
  x: tf.Tensor4D,
  poolSize: [number, number],
  strides: [number, number],
  padding: "valid" | "same",
): tf.Tensor4D | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || !tf.engine().isTapeOn()) return null;
  if (x.dtype !== "float32" || x.rank !== 4) return null;
  const attrs = { filterSize: poolSize, strides, pad: padding };
  const inputShape = x.shape.slice();
  const pool = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const [y, indices] = tf.engine().runKernel(
      MAX_POOL_ARGMAX,
      { x: input } as unknown as tf.NamedTensorMap,
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
    save([indices, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.engine().runKernel(
          MAX_POOL_SCATTER,
          {
            dy: dy as tf.Tensor,
            indices: saved[0],
            pooled: saved[1],
          } as unknown as tf.NamedTensorMap,
          { inputShape } as unknown as tf.NamedAttrMap,
        ) as tf.Tensor,
    };
  });
  return pool(x) as tf.Tensor4D;
}
