/**
 * Fused, in-place updates for the adaptive-rate rules of Keras 3: Adagrad,
 * Adadelta, RMSprop (plain, centered, with momentum), and the row-sparse
 * variants for embedding gradients where a zero gradient leaves a row
 * untouched (SGD without momentum, Adagrad).
 *
 * @module
 */

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
 * Adagrad, Keras 3: `acc += g²`, `p −= lr·g / √(acc + ε)`.
 *
 * @param param The parameter, updated in place.
 * @param grad Its gradient.
 * @param accumulator Sum of squared gradients (updated; Keras starts it at 0.1).
 * @param lr The learning rate.
 * @param epsilon ε.
 */
export function adagradUpdate(
  param: Float32Array,
  grad: Float32Array,
  accumulator: Float32Array,
  lr: number,
  epsilon: number,
): void {
  checkSizes("Adagrad", param, grad, accumulator);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const acc = Math.fround(accumulator[i] + g * g);
    accumulator[i] = acc;
    param[i] -= lr * g / Math.sqrt(acc + epsilon);
  }
}

/**
 * Adadelta, Keras 3: `E[g²] = ρ·E[g²] + (1 − ρ)g²`,
 * `Δ = −√(E[Δ²] + ε)·g / √(E[g²] + ε)`, `E[Δ²] = ρ·E[Δ²] + (1 − ρ)Δ²`,
 * `p += lr·Δ`.
 *
 * @param param The parameter, updated in place.
 * @param grad Its gradient.
 * @param accumulatedGrad `E[g²]` (updated).
 * @param accumulatedDelta `E[Δ²]` (updated).
 * @param lr The learning rate.
 * @param rho ρ.
 * @param epsilon ε.
 */
export function adadeltaUpdate(
  param: Float32Array,
  grad: Float32Array,
  accumulatedGrad: Float32Array,
  accumulatedDelta: Float32Array,
  lr: number,
  rho: number,
  epsilon: number,
): void {
  checkSizes("Adadelta", param, grad, accumulatedGrad, accumulatedDelta);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const eg = Math.fround(rho * accumulatedGrad[i] + (1 - rho) * g * g);
    accumulatedGrad[i] = eg;
    const delta = -Math.sqrt(accumulatedDelta[i] + epsilon) * g / Math.sqrt(eg + epsilon);
    accumulatedDelta[i] = rho * accumulatedDelta[i] + (1 - rho) * delta * delta;
    param[i] += lr * delta;
  }
}

/**
 * RMSprop, Keras 3: `v = ρ·v + (1 − ρ)g²`; centered also tracks
 * `ḡ = ρ·ḡ + (1 − ρ)g` and uses `v − ḡ² + ε` as denominator (else `v + ε`);
 * `inc = lr·g / √denominator`; with momentum `mom = momentum·mom + inc`,
 * `p −= mom`, else `p −= inc`.
 *
 * @param param The parameter, updated in place.
 * @param grad Its gradient.
 * @param velocity `v` (updated).
 * @param momentumBuf The momentum slot (updated), or `null` when momentum is 0.
 * @param averageGrad `ḡ` (updated), or `null` unless centered.
 * @param lr The learning rate.
 * @param rho ρ.
 * @param momentum The momentum factor.
 * @param epsilon ε.
 */
export function rmspropUpdate(
  param: Float32Array,
  grad: Float32Array,
  velocity: Float32Array,
  momentumBuf: Float32Array | null,
  averageGrad: Float32Array | null,
  lr: number,
  rho: number,
  momentum: number,
  epsilon: number,
): void {
  checkSizes("RMSprop", param, grad, velocity, momentumBuf, averageGrad);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const v = Math.fround(rho * velocity[i] + (1 - rho) * g * g);
    velocity[i] = v;
    let denominator = v + epsilon;
    if (averageGrad !== null) {
      const a = Math.fround(rho * averageGrad[i] + (1 - rho) * g);
      averageGrad[i] = a;
      denominator = v - a * a + epsilon;
    }
    const increment = lr * g / Math.sqrt(denominator);
    if (momentumBuf !== null && momentum > 0) {
      const mom = Math.fround(momentum * momentumBuf[i] + increment);
      momentumBuf[i] = mom;
      param[i] -= mom;
    } else {
      param[i] -= increment;
    }
  }
}

/**
 * The rows of a `[rows, width]` gradient that hold a non-zero value: the
 * only rows a row-sparse update needs to visit (an embedding's looked-up ids).
 *
 * @param grad The dense gradient.
 * @param width The row length.
 * @returns The row indices, ascending.
 */
export function nonzeroRows(grad: Float32Array, width: number): Int32Array {
  const rows: number[] = [];
  for (let r = 0, base = 0; base < grad.length; r++, base += width) {
    for (let j = 0; j < width; j++) {
      if (grad[base + j] !== 0) {
        rows.push(r);
        break;
      }
    }
  }
  return Int32Array.from(rows);
}

/**
 * SGD without momentum on the given rows only (`p −= lr·g` is a no-op on
 * zero rows, so the result equals the dense update).
 *
 * @param param The `[rows, width]` parameter, updated in place.
 * @param grad Its dense gradient.
 * @param rows The rows to visit (e.g. {@link nonzeroRows}).
 * @param width The row length.
 * @param lr The learning rate.
 */
export function sgdUpdateRows(
  param: Float32Array,
  grad: Float32Array,
  rows: Int32Array,
  width: number,
  lr: number,
): void {
  checkSizes("SGD", param, grad);
  for (const r of rows) {
    const base = r * width;
    for (let j = base; j < base + width; j++) param[j] -= lr * grad[j];
  }
}

/**
 * Adagrad on the given rows only (a zero gradient changes neither the
 * accumulator nor the parameter, so the result equals the dense update).
 *
 * @param param The `[rows, width]` parameter, updated in place.
 * @param grad Its dense gradient.
 * @param accumulator The accumulator slot (updated).
 * @param rows The rows to visit.
 * @param width The row length.
 * @param lr The learning rate.
 * @param epsilon ε.
 */
export function adagradUpdateRows(
  param: Float32Array,
  grad: Float32Array,
  accumulator: Float32Array,
  rows: Int32Array,
  width: number,
  lr: number,
  epsilon: number,
): void {
  checkSizes("Adagrad", param, grad, accumulator);
  for (const r of rows) {
    const base = r * width;
    for (let j = base; j < base + width; j++) {
      const acc = Math.fround(accumulator[j] + grad[j] * grad[j]);
      accumulator[j] = acc;
      param[j] -= lr * grad[j] / Math.sqrt(acc + epsilon);
    }
  }
}
