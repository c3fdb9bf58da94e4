/**
 * kerno's fused optimizer update rules: each optimizer's `updateStep` (its
 * Keras 3 rule in `tf` ops) done in place in one pass over the variable's
 * storage, registered through the seam (`engine/fused.ts`) under the rule's
 * name. A rule declines (returns `false`, and `updateStep` runs) whenever
 * {@link fusedBuffers} does: another dtype, shared storage, a size mismatch.
 *
 * The optimizers are imported as types only: their hyper-parameters are
 * their public fields, and the backend never changes them.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import type { FusedUpdateRule, UpdateRuleArgs } from "../engine/fused.ts";
import { rowSparseRows } from "../engine/row_sparse.ts";
import type { SGD } from "../optimizers/sgd.ts";
import type { Adam } from "../optimizers/adam.ts";
import type { Adamax } from "../optimizers/adamax.ts";
import type { Nadam } from "../optimizers/nadam.ts";
import type { Lion } from "../optimizers/lion.ts";
import type { Adagrad } from "../optimizers/adagrad.ts";
import type { Adadelta } from "../optimizers/adadelta.ts";
import type { RMSprop } from "../optimizers/rmsprop.ts";
import { fusedBuffers } from "./fused_buffers.ts";
import {
  adadeltaUpdate,
  adagradUpdate,
  adagradUpdateRows,
  adamaxUpdate,
  adamUpdate,
  lionUpdate,
  nadamUpdate,
  nonzeroRows,
  rmspropUpdate,
  sgdUpdate,
  sgdUpdateRows,
} from "./fused_updates.ts";

/**
 * The rows a rank-2 variable's gradient may have non-zero, for the rules
 * where a zero row changes nothing: the rows the gradient was marked with
 * (an embedding's, see `engine/row_sparse.ts`), else a scan; `null` for
 * other ranks or when most rows are touched (a dense pass is then as cheap).
 */
function sparseRows(
  grad: tf.Tensor,
  variable: tf.Variable,
  values: Float32Array,
): { rows: Int32Array; width: number } | null {
  if (variable.rank !== 2) return null;
  const [height, width] = variable.shape;
  const rows = rowSparseRows(grad) ?? nonzeroRows(values, width);
  return rows.length * 2 > height ? null : { rows, width };
}

/** SGD; without momentum only the rows of a row-sparse gradient are visited. */
const sgd: FusedUpdateRule = ({ optimizer, grad, variable, slots, lr }: UpdateRuleArgs) => {
  const o = optimizer as SGD;
  const plain = o.momentum === 0;
  const b = fusedBuffers(grad, variable, plain ? [] : [slots.momentum]);
  if (b === null) return false;
  if (plain) {
    const sparse = sparseRows(grad, variable, b.grad);
    if (sparse !== null) sgdUpdateRows(b.param, b.grad, sparse.rows, sparse.width, lr);
    else sgdUpdate(b.param, b.grad, null, lr, 0, false);
    return true;
  }
  sgdUpdate(b.param, b.grad, b.slots[0], lr, o.momentum, o.nesterov);
  return true;
};

/** Adam (AMSGrad too), dense as Keras's, in WebAssembly SIMD when the buffers share an arena. */
const adam: FusedUpdateRule = ({ optimizer, grad, variable, slots, lr, step }) => {
  const o = optimizer as Adam;
  const wanted = [slots.momentum, slots.velocity];
  if (o.amsgrad) wanted.push(slots.velocityHat);
  const b = fusedBuffers(grad, variable, wanted);
  if (b === null) return false;
  const [m, v, vhat] = b.slots;
  adamUpdate(b.param, b.grad, m, v, vhat ?? null, lr, o.beta1, o.beta2, o.epsilon, step - 1);
  return true;
};

const adamax: FusedUpdateRule = ({ optimizer, grad, variable, slots, lr, step }) => {
  const o = optimizer as Adamax;
  const b = fusedBuffers(grad, variable, [slots.momentum, slots.norm]);
  if (b === null) return false;
  const [m, u] = b.slots;
  adamaxUpdate(b.param, b.grad, m, u, lr, o.beta1, o.beta2, o.epsilon, step - 1);
  return true;
};

const nadam: FusedUpdateRule = ({ optimizer, grad, variable, slots, lr, step }) => {
  const o = optimizer as Nadam;
  const b = fusedBuffers(grad, variable, [slots.momentum, slots.velocity]);
  if (b === null) return false;
  const [m, v] = b.slots;
  nadamUpdate(b.param, b.grad, m, v, lr, o.beta1, o.beta2, o.epsilon, step - 1, o.momentumProduct);
  return true;
};

const lion: FusedUpdateRule = ({ optimizer, grad, variable, slots, lr }) => {
  const o = optimizer as Lion;
  const b = fusedBuffers(grad, variable, [slots.momentum]);
  if (b === null) return false;
  lionUpdate(b.param, b.grad, b.slots[0], lr, o.beta1, o.beta2);
  return true;
};

/** Adagrad; only the rows of a row-sparse gradient are visited, as a zero row changes nothing. */
const adagrad: FusedUpdateRule = ({ optimizer, grad, variable, slots, lr }) => {
  const o = optimizer as Adagrad;
  const b = fusedBuffers(grad, variable, [slots.accumulator]);
  if (b === null) return false;
  const [acc] = b.slots;
  const sparse = sparseRows(grad, variable, b.grad);
  if (sparse !== null) {
    adagradUpdateRows(b.param, b.grad, acc, sparse.rows, sparse.width, lr, o.epsilon);
  } else {
    adagradUpdate(b.param, b.grad, acc, lr, o.epsilon);
  }
  return true;
};

const adadelta: FusedUpdateRule = ({ optimizer, grad, variable, slots, lr }) => {
  const o = optimizer as Adadelta;
  const b = fusedBuffers(grad, variable, [slots.accumulatedGrad, slots.accumulatedDeltaVar]);
  if (b === null) return false;
  adadeltaUpdate(b.param, b.grad, b.slots[0], b.slots[1], lr, o.rho, o.epsilon);
  return true;
};

const rmsprop: FusedUpdateRule = ({ optimizer, grad, variable, slots, lr }) => {
  const o = optimizer as RMSprop;
  const withMomentum = o.momentum > 0;
  const wanted = [slots.velocity];
  if (withMomentum) wanted.push(slots.momentum);
  if (o.centered) wanted.push(slots.averageGradient);
  const b = fusedBuffers(grad, variable, wanted);
  if (b === null) return false;
  const [velocity, ...rest] = b.slots;
  const momentum = withMomentum ? rest.shift() as Float32Array : null;
  const average = o.centered ? rest.shift() as Float32Array : null;
  rmspropUpdate(b.param, b.grad, velocity, momentum, average, lr, o.rho, o.momentum, o.epsilon);
  return true;
};

/** kerno's fused rules, by rule name (the optimizers' `updateRule`). */
export const KERNO_UPDATE_RULES: Readonly<Record<string, FusedUpdateRule>> = Object.freeze({
  sgd,
  adam,
  adamax,
  nadam,
  lion,
  adagrad,
  adadelta,
  rmsprop,
});
