/**
 * `gradients`: the gradient tape of custom training loops.
 *
 * @module
 */
import { tf } from "./tf.ts";

/**
 * Computes a scalar and its gradients with respect to `weights`, like
 * Keras's `tf.GradientTape` or PyTorch's `loss.backward()`.
 *
 * @param fn Computes the scalar (a loss) from the current weights.
 * @param weights The variables to differentiate with respect to.
 * @returns The value and one gradient per weight (`null` for a weight the
 *   value does not depend on). The caller owns all of them: dispose them, or
 *   run the step inside `tf.tidy`.
 * @example
 * ```ts
 * import { gradients, tf } from "../mod.ts";
 * const w = tf.variable(tf.scalar(3));
 * const { value, grads } = gradients(() => tf.square(w) as tf.Scalar, [w]);
 * console.log(value.dataSync()[0], grads[0]!.dataSync()[0]); // 9 6
 * tf.dispose([value, ...grads.filter((g) => g !== null)]);
 * ```
 */
export function gradients(
  fn: () => tf.Tensor,
  weights: tf.Variable[],
): { value: tf.Scalar; grads: (tf.Tensor | null)[] } {
  if (
    !Array.isArray(weights) || weights.length === 0 ||
    !weights.every((w) => w instanceof tf.Variable)
  ) {
    throw new TypeError(
      `Cannot compute gradients as "weights" must be a non-empty array of tf.Variable (e.g. model.trainableWeights): received ${
        Array.isArray(weights) ? `an array of length ${weights.length}` : typeof weights
      }${
        Array.isArray(weights) && weights.length === 0
          ? "; a model creates its weights on its first call: give the first layer an inputShape or call the model once first"
          : ""
      }`,
    );
  }
  const { value, grads } = tf.engine().gradients(
    () => {
      const v = fn();
      if (!(v instanceof tf.Tensor) || v.size !== 1) {
        throw new TypeError(
          `Cannot compute gradients as "fn" must return a scalar tensor: received ${
            v instanceof tf.Tensor ? `shape [${v.shape}]` : typeof v
          }`,
        );
      }
      return v.rank === 0 ? v : tf.reshape(v, []);
    },
    weights,
    undefined,
    true,
  );
  return { value: value as tf.Scalar, grads: grads as (tf.Tensor | null)[] };
}
