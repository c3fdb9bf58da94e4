/**
 * The buffers a fused optimizer update works on: the gradient's values and
 * the live, private storage of the variable and its slots, on kerno's
 * backend only. Shared by kerno's fused update rules (`fused_rules.ts`).
 *
 * Safety rules (a fused update writes in place, where the generic path
 * assigns new tensors):
 * - a variable or slot is first given a private copy of its values, made
 *   here, and written in place only while it alone holds that copy (a clone
 *   or reshape taken later shares it: a new copy is then made);
 * - arrays read from a trained variable with `dataSync()` are its live
 *   storage and change with it, as the storage is updated in place: copy
 *   them (`Float32Array.from`) to keep a snapshot;
 * - the gradient is only read, and must not be the storage of the variable
 *   or of a slot;
 * - anything else (another backend, another dtype, a size mismatch) returns
 *   `null` and the generic tensor path runs.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { KERNO_BACKEND_NAME } from "./kerno_backend.ts";
import { backendValues, decayWeightsUpdate } from "./fused_updates.ts";
import { arenaOf, createArena } from "./_wasm_arena.ts";

/** The arrays one fused update reads and writes. */
export interface FusedBuffers {
  /** The gradient's values (read only). */
  grad: Float32Array;
  /** The variable's private storage (written in place). */
  param: Float32Array;
  /** The slots' private storage, in the order asked for (written in place). */
  slots: Float32Array[];
}

/** The storage each variable was given by {@link privateValues}. */
const owned = new WeakMap<tf.Variable, Float32Array>();

/**
 * A variable's storage, private to it: the buffer this module gave it, as
 * long as the variable still holds it alone; otherwise (first use, after an
 * `assign`, when a clone or reshape shares it) the variable is given a fresh
 * copy first. So a fused update never writes into an array that anything
 * else was created from: a `Float32Array` passed to `tf.tensor`, another
 * tensor's storage, a view of a larger buffer.
 *
 * @param v The variable.
 * @returns Its private storage, or `null`.
 */
function privateValues(v: tf.Variable): Float32Array | null {
  const live = backendValues(v);
  const mine = owned.get(v);
  if (live !== null && live === mine) return live;
  if (v.isDisposed) return null;
  const copy = tf.tensor(Float32Array.from(v.dataSync() as Float32Array), v.shape, "float32");
  v.assign(copy);
  copy.dispose();
  const fresh = backendValues(v);
  if (fresh !== null) owned.set(v, fresh);
  return fresh;
}

/**
 * The gradient's values without copying and without marking them as escaped
 * (they are read during the update only, so the backend may still recycle
 * the buffer once the gradient is disposed).
 *
 * @param g The gradient.
 * @returns Its values, or `null` when they are not float32 on the kerno backend.
 */
function gradientValues(g: tf.Tensor): Float32Array | null {
  if (g.dtype !== "float32" || g.isDisposed) return null;
  const backend = tf.backend() as MathBackendCPU;
  if (!backend.data.has(g.dataId)) return null;
  const values = backend.data.get(g.dataId).values;
  return values instanceof Float32Array ? values : null;
}

/**
 * The storage of a variable and its slots as disjoint views of one arena
 * (a WebAssembly memory, so that updates can run as SIMD WebAssembly): the
 * views this module handed out, while they alone hold them; otherwise the
 * tensors are first given fresh views holding their current values.
 *
 * @param variables The variable, then its slots (all float32, same size).
 * @returns Their views, or `null` (no WebAssembly SIMD, or a copy was not
 *   taken over as storage): the caller then uses {@link privateValues}.
 */
function arenaValues(variables: tf.Variable[]): Float32Array[] | null {
  const live = variables.map((v) => {
    const values = backendValues(v);
    return values !== null && values === owned.get(v) ? values : null;
  });
  const first = live[0] === null ? undefined : arenaOf(live[0]);
  if (first !== undefined && live.every((b) => b !== null && arenaOf(b) === first)) {
    return live as Float32Array[];
  }
  if (variables.some((v) => v.isDisposed)) return null;
  const arena = createArena(variables[0].size, variables.length);
  if (arena === null) return null;
  for (let k = 0; k < variables.length; k++) {
    const v = variables[k];
    const view = arena.views[k];
    view.set(v.dataSync() as Float32Array);
    const t = tf.tensor(view, v.shape, "float32");
    v.assign(t);
    t.dispose();
    if (backendValues(v) !== view) return null;
    owned.set(v, view);
  }
  return arena.views;
}

/**
 * The buffers of one fused update, or `null` when the generic path must run
 * (the kerno backend is not active, a tensor is not float32, sizes differ).
 *
 * @param grad The gradient.
 * @param variable The variable.
 * @param slots The slot variables the rule updates, in the order wanted.
 * @returns The buffers, or `null`.
 */
export function fusedBuffers(
  grad: tf.Tensor,
  variable: tf.Variable,
  slots: readonly tf.Variable[],
): FusedBuffers | null {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || variable.dtype !== "float32") return null;
  const g = gradientValues(grad);
  if (g === null || g.length !== variable.size) return null;
  for (const slot of slots) {
    if (slot.dtype !== "float32" || slot.size !== variable.size) return null;
  }
  const arena = arenaValues([variable, ...slots]);
  if (arena !== null) {
    // The arena's own gradient region (an embedding's gradient) is no slot.
    const ownGradient = arenaOf(arena[0])?.gradient === g;
    if (!ownGradient && arena.some((b) => b.buffer === g.buffer)) return null;
    return { grad: g, param: arena[0], slots: arena.slice(1) };
  }
  const param = privateValues(variable);
  if (param === null) return null;
  const out: Float32Array[] = [];
  for (const slot of slots) {
    const values = privateValues(slot);
    if (values === null) return null;
    out.push(values);
  }
  const buffers = [param, ...out];
  if (buffers.some((b) => b.buffer === g.buffer)) return null;
  if (new Set(buffers.map((b) => b.buffer)).size !== buffers.length) return null;
  return { grad: g, param, slots: out };
}

/**
 * Decoupled weight decay in place, `w −= w·factor`, on kerno's backend.
 *
 * @param variable The variable.
 * @param factor `weightDecay · learningRate`.
 * @returns Whether it was applied (else the caller uses tensors).
 */
export function fusedDecay(variable: tf.Variable, factor: number): boolean {
  if (tf.getBackend() !== KERNO_BACKEND_NAME || variable.dtype !== "float32") return false;
  const param = privateValues(variable);
  if (param === null) return false;
  decayWeightsUpdate(param, factor, 1);
  return true;
}
