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
 * Tensors created inside `fn` and used after it (the predictions of a
 * `trainStep`) stay valid until the enclosing `tf.tidy` ends: inside
 * `fit`, the end of the step, when every one of them is freed. Called outside
 * any `tf.tidy`, they are freed on return, as TensorFlow.js's own gradients do.
 *
 * @param fn Computes the scalar (a loss) from the current weights.
 * @param weights The variables to differentiate with respect to.
 * @returns The value and one gradient per weight (`null` for a weight the
 *   value does not depend on). The caller owns all of them: dispose them, or
 *   run the step inside `tf.tidy` (as `fit` runs `trainStep`).
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
  const engine = tf.engine();
  const inTidy = engine.state.activeScope != null;
  let created: tf.Tensor[] = [];
  try {
    const { value, grads } = engine.gradients(
      () => {
        const v = fn();
        if (!(v instanceof tf.Tensor) || v.size !== 1) {
          throw new TypeError(
            `Cannot compute gradients as "fn" must return a scalar tensor: received ${
              v instanceof tf.Tensor ? `shape [${v.shape}]` : typeof v
            }`,
          );
        }
        const scalar = v.rank === 0 ? v : tf.reshape(v, []);
        if (inTidy) created = keepCreated(scalar);
        return scalar;
      },
      weights,
      undefined,
      true,
    );
    return { value: value as tf.Scalar, grads: grads as (tf.Tensor | null)[] };
  } finally {
    handOver(created);
  }
}

/**
 * Marks the tensors the current (forward) scope tracks, but `result`, as
 * kept, so that the scope's end leaves them alive.
 */
function keepCreated(result: tf.Tensor): tf.Tensor[] {
  const scope = tf.engine().state.activeScope;
  const kept: tf.Tensor[] = [];
  for (const t of scope?.track ?? []) {
    if (t !== result && !t.kept && !t.isDisposed) {
      t.kept = true;
      kept.push(t);
    }
  }
  return kept;
}

/**
 * Hands tensors {@link keepCreated} kept to the scope now active (the
 * caller's `tf.tidy`), which frees them when it ends.
 *
 * @param tensors Tensors kept by `keepCreated`.
 */
export function handOver(tensors: tf.Tensor[]): void {
  // Engine.track is TypeScript-private; it adds a tensor to the active scope.
  const engine = tf.engine() as unknown as { track(t: tf.Tensor): tf.Tensor };
  for (const t of tensors) {
    t.kept = false;
    if (!t.isDisposed) engine.track(t);
  }
}
