/**
 * Internal: whether values are read synchronously (`dataSync`) or left on
 * the device and read with `await tensor.data()` at chosen moments.
 *
 * A backend whose synchronous reads fail or stall (TensorFlow.js's `webgpu`
 * on Deno reads through an OffscreenCanvas, which Deno lacks) registers its
 * name here when it is chosen; the trainer and the metrics then keep the
 * loss and the metrics' state on the device and read them once per
 * progress-bar refresh and at the end of each epoch. The CPU backends read
 * synchronously, as they always have: there a read costs nothing.
 *
 * @module
 */
import { tf } from "./tf.ts";

const asyncBackends = new Set<string>();
let forced: boolean | null = null;

/**
 * Declares that a backend reads values asynchronously only.
 *
 * @param name The backend's registered name, e.g. `"webgpu"`.
 */
export function registerAsyncReadBackend(name: string): void {
  asyncBackends.add(name);
}

/**
 * Whether the active backend's values are read asynchronously (and so kept
 * on the device between reads).
 *
 * @returns `true` on a backend registered with {@link registerAsyncReadBackend}
 *   (or when forced by {@link forceDeferredReads}).
 */
export function readsDeferred(): boolean {
  return forced ?? asyncBackends.has(tf.getBackend());
}

/**
 * Forces the deferred (asynchronous) reads on or off whatever the backend,
 * or restores the automatic choice with `null`: the tests run the
 * asynchronous path on the CPU backends with it.
 *
 * @param value `true`, `false`, or `null` for the backend's own way.
 */
export function forceDeferredReads(value: boolean | null): void {
  forced = value;
}

/** What a synchronous read returns. */
export type HostValues = Float32Array | Int32Array | Uint8Array;

/**
 * Reads a tensor synchronously, turning the backend's failure into an error
 * that says what needed the read and what to do instead.
 *
 * @param t The tensor.
 * @param what What reads it, for the error (`"update Precision"`).
 * @returns Its values.
 */
export function readNow(t: tf.Tensor, what: string): HostValues {
  try {
    return t.dataSync() as HostValues;
  } catch (e) {
    throw new TypeError(
      `Cannot ${what} on the "${tf.getBackend()}" backend as it reads values synchronously, which this backend cannot do (${
        (e as Error).message
      }): use a backend that reads synchronously ("kerno" or "cpu"), or await tensor.data() first`,
    );
  }
}
