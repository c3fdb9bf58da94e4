/**
 * Internal: a stateful RNN's states between calls, and the checks of what
 * `RNN.apply` receives besides the sequence (initial states, a mask).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { describe } from "../engine/format.ts";

/**
 * The states a stateful RNN carries from one batch to the next, and the
 * batch size they fix. The states of the call before the latest are kept
 * until the next call: a gradient taken after a call still reads them.
 */
export class CarriedStates {
  #states: tf.Tensor[] | null = null;
  #retired: tf.Tensor[] = [];
  #batchSize: number | null;
  #probing = false;

  /**
   * Starts empty.
   *
   * @param batchSize The batch size, when declared.
   */
  constructor(batchSize: number | null) {
    this.#batchSize = batchSize;
  }

  /** The batch size, once fixed. */
  get batchSize(): number | null {
    return this.#batchSize;
  }

  /** The states to start the next call from, or `null` (zeros). */
  get current(): tf.Tensor[] | null {
    return this.#states;
  }

  /** Whether a shape inference on zeros is running (its batch is the probe's, its states dropped). */
  get probing(): boolean {
    return this.#probing;
  }

  /**
   * Fixes the batch size (the first batch's, unless declared) or checks a
   * batch against it.
   *
   * @param what The layer, for the message.
   * @param batch The batch size received.
   */
  checkBatch(what: string, batch: number): void {
    if (this.#batchSize === null) {
      this.#batchSize = batch;
      return;
    }
    if (batch !== this.#batchSize) {
      throw new RangeError(
        `Cannot apply ${what} as it is stateful with a batch size of ${this.#batchSize} (its states hold that many samples): received a batch of ${batch}; feed batches of ${this.#batchSize}`,
      );
    }
  }

  /**
   * Keeps a call's final states (copies) for the next call.
   *
   * @param states The final states.
   */
  keep(states: tf.Tensor[]): void {
    tf.dispose(this.#retired);
    this.#retired = this.#states ?? [];
    this.#states = states.map((s) => tf.keep(tf.clone(s)));
  }

  /**
   * Replaces the states: by copies of `states`, or by zeros of `sizes` (none
   * before the batch size is known).
   *
   * @param states The new states, or `null` for zeros.
   * @param sizes The state sizes.
   */
  reset(states: tf.Tensor[] | null, sizes: number[]): void {
    this.dispose();
    if (states) {
      this.#batchSize ??= states[0].shape[0];
      this.#states = states.map((s) => tf.keep(tf.clone(s)));
      return;
    }
    const b = this.#batchSize;
    this.#states = b === null ? null : sizes.map((n) => tf.keep(tf.zeros([b, n])));
  }

  /**
   * Runs `fn` from empty states and puts the states back afterwards: shape
   * inference on symbolic tensors runs the layer on zeros.
   *
   * @param fn What to run.
   * @returns What `fn` returns.
   */
  preserving<T>(fn: () => T): T {
    const [states, retired, probing] = [this.#states, this.#retired, this.#probing];
    this.#states = null;
    this.#retired = [];
    this.#probing = true;
    try {
      return fn();
    } finally {
      this.dispose();
      [this.#states, this.#retired, this.#probing] = [states, retired, probing];
    }
  }

  /** Frees the states. */
  dispose(): void {
    tf.dispose([...(this.#states ?? []), ...this.#retired]);
    this.#states = null;
    this.#retired = [];
  }
}

/**
 * Checks initial states: one `[batch, size]` tensor per state (a list, or
 * one tensor for one state; a stack's may be one list per cell).
 *
 * @param what The layer, for the message.
 * @param given The initial states received.
 * @param sizes The state sizes.
 * @param batch The batch size.
 * @returns The states, float32.
 */
export function checkInitialStates(
  what: string,
  given: tf.Tensor | (tf.Tensor | tf.Tensor[])[],
  sizes: number[],
  batch: number,
): tf.Tensor[] {
  const head = `Cannot apply ${what} as "initialState"`;
  const list = given instanceof tf.Tensor ? [given] : Array.isArray(given) ? given.flat() : null;
  if (list === null) {
    throw new TypeError(
      `${head} must be a tensor or a list of tensors: received ${describe(given)}`,
    );
  }
  if (list.length !== sizes.length) {
    throw new RangeError(
      `${head} must hold ${sizes.length} tensor${
        sizes.length === 1 ? "" : "s"
      }, one per state (sizes ${sizes.join(", ")}): received ${list.length}`,
    );
  }
  return list.map((s, i) => {
    if (!(s instanceof tf.Tensor)) {
      throw new TypeError(`${head}[${i}] must be a tf.Tensor: received ${describe(s)}`);
    }
    if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== sizes[i]) {
      throw new RangeError(
        `${head}[${i}] must have shape [${batch}, ${
          sizes[i]
        }] ([batch, state size]): received [${s.shape}]`,
      );
    }
    return s.dtype === "float32" ? s : tf.cast(s, "float32");
  });
}

/**
 * Checks a mask against the sequence: `[batch, time]` (or `[batch, time, 1]`).
 *
 * @param what The layer, for the message.
 * @param mask The mask.
 * @param batch The batch size.
 * @param time The number of steps.
 * @returns The mask, `[batch, time]`, boolean.
 */
export function checkMask(what: string, mask: tf.Tensor, batch: number, time: number): tf.Tensor {
  const shape = mask.shape;
  const fits = shape[0] === batch && shape[1] === time &&
    (shape.length === 2 || (shape.length === 3 && shape[2] === 1));
  if (!fits) {
    throw new RangeError(
      `Cannot apply ${what} as the mask must have shape [batch, time] = [${batch}, ${time}]: received [${shape}]`,
    );
  }
  const m = shape.length === 3 ? tf.reshape(mask, [batch, time]) : mask;
  return m.dtype === "bool" ? m : tf.cast(m, "bool");
}
