/**
 * Gradient clipping as Keras 3 does it, for the optimizer base class.
 * Call inside `tf.tidy`: the clipped gradients are new tensors.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";

/** Which clipping to apply; at most one field is set. */
export interface ClipOptions {
  /** Per-tensor L2 norm limit. */
  clipnorm: number | null;
  /** Element-wise limit on the absolute value. */
  clipvalue: number | null;
  /** Limit on the L2 norm of all gradients together. */
  globalClipnorm: number | null;
}

function squaredNorm(x: tf.Tensor): tf.Scalar {
  return tf.sum(tf.square(x));
}

/**
 * Clips gradients: `clipnorm` rescales each gradient `g` to
 * `g * clipnorm / max(||g||, clipnorm)`; `globalClipnorm` rescales all of them
 * by `min(1, globalClipnorm / ||all||)`; `clipvalue` clamps each element into
 * `[-clipvalue, clipvalue]`.
 *
 * @param grads The gradients, unchanged and not disposed.
 * @param options The clipping to apply.
 * @returns The clipped gradients (the inputs themselves when nothing is set).
 */
export function clipGradients(grads: tf.Tensor[], options: ClipOptions): tf.Tensor[] {
  const { clipnorm, clipvalue, globalClipnorm } = options;
  if (clipnorm !== null) {
    return grads.map((g) =>
      tf.div(tf.mul(g, clipnorm), tf.maximum(tf.sqrt(squaredNorm(g)), clipnorm))
    );
  }
  if (globalClipnorm !== null) {
    const total = tf.sqrt(tf.addN(grads.map(squaredNorm)));
    // clip * min(1 / norm, 1 / clip): 1 when under the limit, NaN for NaN norms.
    const scale = tf.mul(globalClipnorm, tf.minimum(tf.div(1, total), 1 / globalClipnorm));
    return grads.map((g) => tf.mul(g, scale));
  }
  if (clipvalue !== null) {
    return grads.map((g) => tf.clipByValue(g, -clipvalue, clipvalue));
  }
  return grads;
}
