/**
 * Mean's gradient, `dy / n` spread over the reduced axes, as one Tile on
 * kerno's backend. TensorFlow.js's own multiplies by a tensor of ones of
 * the input's shape and then divides (three full-size passes and a
 * full-size allocation); a sequence model's mean over its steps (Keras's
 * `GlobalAveragePooling1D`) pays it every step. Gradients are registered
 * for every backend at once, so on another backend the registered
 * function computes TensorFlow.js's formula unchanged.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";

let registered = false;

/** Registers the gradient (once). */
export function registerMeanGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf.Mean,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
      const n = axes.reduce((p, a) => p * x.shape[a], 1);
      // dy's shape with the reduced axes kept as 1, whether or not the mean kept them.
      const kept = x.shape.map((d, a) => (axes.includes(a) ? 1 : d));
      const scaled = tf.div(tf.reshape(dy as tf.Tensor, kept), n);
      if (tf.getBackend() === KERNO_BACKEND_NAME && x.dtype === "float32") {
        return { x: () => tf.broadcastTo(scaled, x.shape) };
      }
      return { x: () => tf.mul(scaled, tf.ones(x.shape, "float32")) };
    },
  });
}
