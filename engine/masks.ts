/**
 * Masks: which time steps of a sequence are real and which are padding.
 * `Embedding({ maskZero: true })` makes one; layers that support masks find
 * it on their input automatically.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { readsDeferred } from "./_reads.ts";

/**
 * A mask kept as plain data, keyed by the tensor it describes (Keras's
 * `_keras_mask`). Holding values rather than a tensor means a mask can never
 * be disposed under a later layer by someone's `tf.tidy`, and never leaks.
 */
export interface HostMask {
  /** 1 keeps a step, 0 masks it, row-major. */
  values: Uint8Array;
  /** The mask's shape. */
  shape: number[];
  /** Absent: the values are on the host. */
  tensor?: undefined;
}

/**
 * A mask kept on the device, on a backend that reads values asynchronously
 * only (`webgpu` on Deno), where reading a computed mask into host values
 * would need a synchronous read. The tensor attached to an output is that
 * output's own copy (kept out of every `tf.tidy`) and is freed when the
 * output is disposed.
 */
export interface DeviceMask {
  /** The boolean mask. */
  tensor: tf.Tensor;
  /** The mask's shape. */
  shape: number[];
  /** Absent: the values are on the device. */
  values?: undefined;
}

/**
 * A stored mask: host values on the backends that read synchronously (the
 * CPU ones), a device tensor on those that read asynchronously only.
 */
export type StoredMask = HostMask | DeviceMask;

const MASKS = new WeakMap<tf.Tensor, StoredMask>();
/** Outputs whose `dispose` also frees their device mask. */
const TIED = new WeakSet<tf.Tensor>();

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
 * Attaches a mask to a tensor. A device mask is copied (a clone shares the
 * data) and the copy is freed with the tensor, so each output owns its mask.
 *
 * @param t The tensor.
 * @param mask Its mask.
 */
export function attachMask(t: tf.Tensor, mask: StoredMask): void {
  const previous = MASKS.get(t);
  if (previous === mask) return;
  if (mask.tensor === undefined) {
    MASKS.set(t, mask);
  } else {
    const own = tf.keep(tf.clone(mask.tensor));
    MASKS.set(t, { tensor: own, shape: [...mask.shape] });
    tieToOwner(t);
  }
  previous?.tensor?.dispose();
}

/**
 * A mask computed by a layer, stored as {@link attachMask} takes it: its
 * values read synchronously (the CPU backends, as always), or the tensor
 * itself on a backend that reads asynchronously only (`attachMask` copies it).
 *
 * @param m The computed mask (any dtype; non-zero keeps a step).
 * @returns The mask to attach.
 */
export function storeMask(m: tf.Tensor): StoredMask {
  if (!readsDeferred()) return { values: Uint8Array.from(m.dataSync()), shape: m.shape };
  return { tensor: m.dtype === "bool" ? m : tf.notEqual(m, 0), shape: m.shape };
}

/**
 * A stored mask as a boolean tensor, for a layer's call: a new tensor from
 * host values (tracked by the active `tf.tidy`), or the device mask itself
 * (owned by the tensor it is attached to: do not dispose it).
 *
 * @param mask The stored mask.
 * @returns The boolean tensor.
 */
export function maskTensor(mask: StoredMask): tf.Tensor {
  return mask.tensor ?? tf.tensor(mask.values, mask.shape, "bool");
}

/**
 * The mask that a layer attached to a tensor, if any.
 *
 * @param t A layer's output.
 * @returns A new boolean tensor (the caller owns it), or `null`.
 */
export function maskOf(t: tf.Tensor): tf.Tensor | null {
  const m = MASKS.get(t);
  if (!m) return null;
  return m.tensor === undefined ? tf.tensor(m.values, m.shape, "bool") : tf.clone(m.tensor);
}

/** Makes `owner.dispose()` (which `tf.tidy` and `tf.dispose` call) free its device mask too. */
function tieToOwner(owner: tf.Tensor): void {
  if (TIED.has(owner)) return;
  TIED.add(owner);
  const dispose = owner.dispose;
  Object.defineProperty(owner, "dispose", {
    configurable: true,
    writable: true,
    value: function (this: tf.Tensor): void {
      dispose.call(this);
      const m = MASKS.get(owner);
      if (m?.tensor !== undefined) {
        MASKS.delete(owner);
        m.tensor.dispose();
      }
    },
  });
}
