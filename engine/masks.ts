/**
 * Masks: which time steps of a sequence are real and which are padding.
 * `Embedding({ maskZero: true })` makes one; layers that support masks find
 * it on their input automatically.
 *
 * @module
 */
import { tf } from "./tf.ts";

/**
 * A mask kept as plain data, keyed by the tensor it describes (Keras's
 * `_keras_mask`). Holding values rather than a tensor means a mask can never
 * be disposed under a later layer by someone's `tf.tidy`, and never leaks.
 */
export interface StoredMask {
  values: Uint8Array;
  shape: number[];
}

const MASKS = new WeakMap<tf.Tensor, StoredMask>();

/**
 * The stored mask of a tensor, as data.
 *
 * @param t A tensor.
 * @returns Its mask, or `null`.
 */
export function storedMask(t: tf.Tensor): StoredMask | null {
  return MASKS.get(t) ?? null;
}

/**
 * Attaches a mask to a tensor.
 *
 * @param t The tensor.
 * @param mask Its mask as data.
 */
export function attachMask(t: tf.Tensor, mask: StoredMask): void {
  MASKS.set(t, mask);
}

/**
 * The mask that a layer attached to a tensor, if any.
 *
 * @param t A layer's output.
 * @returns A new boolean tensor (the caller owns it), or `null`.
 */
export function maskOf(t: tf.Tensor): tf.Tensor | null {
  const m = MASKS.get(t);
  return m ? tf.tensor(m.values, m.shape, "bool") : null;
}
