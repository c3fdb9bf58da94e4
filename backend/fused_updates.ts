/**
 * Fused, in-place optimizer updates: one pass over a parameter's buffer that
 * reads the gradient and rewrites the parameter and its slots, instead of a
 * dozen tensor ops and their temporaries. The equations are Keras 3's update
 * rules; `iteration` is always Keras's `optimizer.iterations` before the
 * update (0 on the first step), so the bias-correction step is
 * `t = iteration + 1`.
 *
 * Weight decay (AdamW and friends) is a separate pass,
 * {@link decayWeightsUpdate}, applied first, as Keras's base optimizer does.
 * The Adagrad and Adadelta/RMSprop rules are in `fused_updates_adaptive.ts`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { noteEscaped } from "./_buffer_pool.ts";
import { arenaOf } from "./_wasm_arena.ts";

export * from "./fused_updates_adaptive.ts";

/**
 * The live float32 storage of a tensor held by the active kerno backend, for
 * updating a variable in place. Returns `null` when the kerno backend is not
 * active, the tensor is not float32, its data lives on another backend, or
 * its storage is shared with another tensor (writing would change both).
 * Read gradients with `dataSync()`, which does not copy on this backend.
 *
 * @param t The tensor (usually a `tf.Variable`).
 * @returns Its storage, or `null`.
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { backendValues } from "./fused_updates.ts";
 * const v = tf.variable(tf.zeros([3]));
 * console.log(backendValues(v)); // null unless the "kerno" backend is active
 * v.dispose();
 * ```
 */
export function backendValues(t: tf.Tensor): Float32Array | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || t.dtype !== "float32" || t.isDisposed) return null;
  const backend = tf.backend() as MathBackendCPU;
  if (!backend.data.has(t.dataId)) return null;
  const entry = backend.data.get(t.dataId);
  if (entry.refCount !== 1 || !(entry.values instanceof Float32Array)) return null;
  noteEscaped(entry.values);
  return entry.values;
}

/**
 * The storage of a variable for updating it in place, made exclusive first
 * when needed: if the variable shares its storage with another tensor (its
 * initial value, a reshape), it is given a private copy once, so later calls
 * return the same buffer without copying.
 *
 * @param v The variable.
 * @returns Its exclusive storage, or `null` when the kerno backend is not
 *   active or the variable is not float32.
 */
export function variableValues(v: tf.Variable): Float32Array | null {
  const live = backendValues(v);
  if (live !== null || tf.getBackend() !== KERNO_BACKEND_NAME) return live;
  if (v.dtype !== "float32" || v.isDisposed) return null;
  const copy = tf.tensor(Float32Array.from(v.dataSync() as Float32Array), v.shape, "float32");
  v.assign(copy);
  copy.dispose();
  return backendValues(v);
}

function checkSizes(name: string, param: Float32Array, ...others: (Float32Array | null)[]): void {
  for (const other of others) {
    if (other !== null && other.length !== param.length) {
      throw new RangeError(
        `Cannot apply ${name} as a buffer has ${other.length} values: expected ${param.length}, the parameter's size`,
      );
    }
  }
}

/**
 * SGD, Keras 3: without momentum `p −= lr·g`; with momentum
 * `v = momentum·v − lr·g`, then `p += v` or, with Nesterov,
 * `p += momentum·v − lr·g`.
 *
 * @param param The parameter, updated in place.
 * @param grad Its gradient.
 * @param velocity The momentum slot (updated), or `null` when momentum is 0.
 * @param lr The learning rate.
 * @param momentum The momentum factor.
 * @param nesterov Whether to use Nesterov momentum.
 */
export function sgdUpdate(
  param: Float32Array,
  grad: Float32Array,
  velocity: Float32Array | null,
  lr: number,
  momentum: number,
  nesterov: boolean,
): void {
  checkSizes("SGD", param, grad, velocity);
  const n = param.length;
  if (velocity === null || momentum === 0) {
    for (let i = 0; i < n; i++) param[i] -= lr * grad[i];
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = Math.fround(momentum * velocity[i] - lr * grad[i]);
    velocity[i] = v;
    param[i] += nesterov ? momentum * v - lr * grad[i] : v;
  }
}

/**
 * Adam, Keras 3 ("epsilon hat" form): `m += (g − m)(1 − β₁)`,
 * `v += (g² − v)(1 − β₂)`, with AMSGrad `v̂ = max(v̂, v)` used in place of `v`,
 * then `p −= α·m / (√v + ε)` where `α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ)`.
 *
 * @param param The parameter, updated in place.
 * @param grad Its gradient.
 * @param m First-moment slot (updated).
 * @param v Second-moment slot (updated).
 * @param vhatMax AMSGrad's running maximum of `v` (updated), or `null` without AMSGrad.
 * @param lr The learning rate.
 * @param beta1 β₁.
 * @param beta2 β₂.
 * @param epsilon ε.
 * @param iteration Keras's `iterations` before this update (0 on the first step).
 */
export function adamUpdate(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vhatMax: Float32Array | null,
  lr: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  iteration: number,
): void {
  checkSizes("Adam", param, grad, m, v, vhatMax);
  const t = iteration + 1;
  const alpha = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
  // Buffers handed out together by an arena (see optimizers/_fused.ts): float32 SIMD.
  if (
    vhatMax === null &&
    arenaOf(param)?.adam(param, grad, m, v, 1 - beta1, 1 - beta2, alpha, epsilon)
  ) {
    return;
  }
  const n = param.length;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const mi = Math.fround(m[i] + (g - m[i]) * (1 - beta1));
    let vi = Math.fround(v[i] + (g * g - v[i]) * (1 - beta2));
    m[i] = mi;
    v[i] = vi;
    if (vhatMax !== null) {
      if (vi < vhatMax[i]) vi = vhatMax[i];
      vhatMax[i] = vi;
    }
    param[i] -= mi * alpha / (Math.sqrt(vi) + epsilon);
  }
}

/**
 * Adamax, Keras 3: `m += (g − m)(1 − β₁)`, `u = max(β₂·u, |g|)`,
 * `p −= lr·m / ((1 − β₁ᵗ)(u + ε))`.
 *
 * @param param The parameter, updated in place.
 * @param grad Its gradient.
 * @param m First-moment slot (updated).
 * @param u Infinity-norm slot (updated).
 * @param lr The learning rate.
 * @param beta1 β₁.
 * @param beta2 β₂.
 * @param epsilon ε.
 * @param iteration Keras's `iterations` before this update.
 */
export function adamaxUpdate(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  u: Float32Array,
  lr: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  iteration: number,
): void {
  checkSizes("Adamax", param, grad, m, u);
  const correction = 1 - Math.pow(beta1, iteration + 1);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const mi = Math.fround(m[i] + (g - m[i]) * (1 - beta1));
    const ui = Math.fround(Math.max(beta2 * u[i], Math.abs(g)));
    m[i] = mi;
    u[i] = ui;
    param[i] -= lr * mi / (correction * (ui + epsilon));
  }
}

/**
 * Nadam's momentum-schedule product after this step, Keras 3:
 * `uProduct · β₁(1 − ½·0.96ᵗ)`. Call once per step (not per parameter) and
 * pass the result to {@link nadamUpdate} for every parameter.
 *
 * @param previous The product before this step (1 initially).
 * @param beta1 β₁.
 * @param iteration Keras's `iterations` before this update.
 * @returns The product for this step.
 */
export function nadamMomentumProduct(previous: number, beta1: number, iteration: number): number {
  return previous * beta1 * (1 - 0.5 * Math.pow(0.96, iteration + 1));
}

/**
 * Nadam, Keras 3: Adam's moments with a Nesterov-style, scheduled momentum
 * `uₜ = β₁(1 − ½·0.96ᵗ)`;
 * `m̂ = uₜ₊₁·m / (1 − Πuₜ₊₁) + (1 − uₜ)·g / (1 − Πuₜ)`, `v̂ = v / (1 − β₂ᵗ)`,
 * `p −= lr·m̂ / (√v̂ + ε)`.
 *
 * @param param The parameter, updated in place.
 * @param grad Its gradient.
 * @param m First-moment slot (updated).
 * @param v Second-moment slot (updated).
 * @param lr The learning rate.
 * @param beta1 β₁.
 * @param beta2 β₂.
 * @param epsilon ε.
 * @param iteration Keras's `iterations` before this update.
 * @param uProduct This step's product from {@link nadamMomentumProduct}.
 */
export function nadamUpdate(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  lr: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  iteration: number,
  uProduct: number,
): void {
  checkSizes("Nadam", param, grad, m, v);
  const t = iteration + 1;
  const uT = beta1 * (1 - 0.5 * Math.pow(0.96, t));
  const uNext = beta1 * (1 - 0.5 * Math.pow(0.96, t + 1));
  const productNext = uProduct * uNext;
  const beta2Power = Math.pow(beta2, t);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const mi = Math.fround(m[i] + (g - m[i]) * (1 - beta1));
    const vi = Math.fround(v[i] + (g * g - v[i]) * (1 - beta2));
    m[i] = mi;
    v[i] = vi;
    const mHat = uNext * mi / (1 - productNext) + (1 - uT) * g / (1 - uProduct);
    const vHat = vi / (1 - beta2Power);
    param[i] -= mHat * lr / (Math.sqrt(vHat) + epsilon);
  }
}

/**
 * Lion, Keras 3: `p −= lr·sign(β₁·m + (1 − β₁)·g)`, then
 * `m = β₂·m + (1 − β₂)·g`.
 *
 * @param param The parameter, updated in place.
 * @param grad Its gradient.
 * @param m Momentum slot (updated).
 * @param lr The learning rate.
 * @param beta1 β₁.
 * @param beta2 β₂.
 */
export function lionUpdate(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  lr: number,
  beta1: number,
  beta2: number,
): void {
  checkSizes("Lion", param, grad, m);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    param[i] -= lr * Math.sign(beta1 * m[i] + (1 - beta1) * g);
    m[i] = beta2 * m[i] + (1 - beta2) * g;
  }
}

/**
 * Decoupled weight decay as Keras 3's base optimizer applies it before the
 * update rule (AdamW, or any optimizer given `weightDecay`):
 * `p −= p·weightDecay·lr`.
 *
 * @param param The parameter, updated in place.
 * @param lr The learning rate.
 * @param weightDecay The decay factor.
 */
export function decayWeightsUpdate(param: Float32Array, lr: number, weightDecay: number): void {
  const factor = weightDecay * lr;
  for (let i = 0; i < param.length; i++) param[i] -= param[i] * factor;
}
