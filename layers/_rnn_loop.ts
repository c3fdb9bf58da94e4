/**
 * Internal: the loop over time of `RNN`, with Keras's masking. A masked
 * step leaves every state as it was and repeats the previous output
 * (zeros before the first unmasked step), or outputs zeros when
 * `zeroOutputForMask` (what `Bidirectional` asks for sequences).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { SequencePlan } from "./rnn_cell.ts";
import { readsDeferred } from "../engine/_reads.ts";

/** What the loop returns. */
export interface LoopResult {
  /** The outputs of every step, in the order processed (empty unless asked for). */
  outputs: tf.Tensor[];
  /** The last output (a masked last step repeats the one before it). */
  last: tf.Tensor;
  /** The final states. */
  states: tf.Tensor[];
}

/**
 * A `[batch, time]` mask, read once (at the first step that needs it), as
 * per-step conditions shaped like the tensors they select between
 * (`[batch, size]`, or `[size, batch]` for a transposed plan), built from the
 * host values: a select of equal shapes is one pass, where a broadcast one
 * would copy element by element. On a backend that reads asynchronously only
 * (`webgpu`) the conditions are sliced and broadcast on the device instead.
 */
export class StepMasks {
  readonly #mask: tf.Tensor;
  #values: Uint8Array | null = null;
  readonly #batch: number;
  readonly #time: number;
  readonly #reverse: boolean;
  readonly #made = new Map<string, tf.Tensor | null>();

  /**
   * Reads the mask.
   *
   * @param mask The mask, `[batch, time]`, boolean.
   * @param reverse Whether the steps are processed from the end.
   */
  constructor(mask: tf.Tensor, reverse: boolean) {
    [this.#batch, this.#time] = mask.shape as [number, number];
    this.#mask = mask;
    this.#reverse = reverse;
  }

  /**
   * The condition of the `k`-th step processed, or `null` when no sample is
   * masked there (the step then runs as without a mask).
   *
   * @param k The step, in the order processed.
   * @param shape The shape of the tensors selected between.
   * @param transposed Whether the batch axis is the last (`[size, batch]`).
   * @returns A boolean tensor of `shape`, or `null`.
   */
  at(k: number, shape: number[], transposed: boolean): tf.Tensor | null {
    const key = `${k}:${shape}`;
    if (this.#made.has(key)) return this.#made.get(key)!;
    const t = this.#reverse ? this.#time - 1 - k : k;
    if (readsDeferred()) {
      const condition = this.#onDevice(t, shape, transposed);
      this.#made.set(key, condition);
      return condition;
    }
    this.#values ??= Uint8Array.from(this.#mask.dataSync(), (v) => (v ? 1 : 0));
    const values = this.#values;
    const column = Array.from({ length: this.#batch }, (_, b) => values[b * this.#time + t]);
    let condition: tf.Tensor | null = null;
    if (column.includes(0)) {
      const size = transposed ? shape[0] : shape[1];
      const data = new Uint8Array(size * this.#batch);
      for (let b = 0; b < this.#batch; b++) {
        for (let j = 0; j < size; j++) {
          data[transposed ? j * this.#batch + b : b * size + j] = column[b];
        }
      }
      condition = tf.tensor(data, shape, "bool");
    }
    this.#made.set(key, condition);
    return condition;
  }

  /** Step `t`'s condition from the device mask: its column, broadcast to `shape`. */
  #onDevice(t: number, shape: number[], transposed: boolean): tf.Tensor {
    const b = this.#batch;
    let column = tf.slice(this.#mask, [0, t], [b, 1]);
    if (column.dtype !== "bool") column = tf.notEqual(column, 0);
    return tf.broadcastTo(transposed ? tf.reshape(column, [1, b]) : column, shape);
  }
}

/**
 * Runs a cell's plan over its inputs, in the order given, from the initial
 * states (in the plan's layout).
 *
 * @param what The layer, for messages.
 * @param plan The per-step inputs and the step.
 * @param initial The initial states.
 * @param masks The mask, or `null`.
 * @param options Whether to keep every output, and Keras's `zeroOutputForMask`.
 * @returns The outputs, the last output and the final states.
 */
export function runLoop(
  what: string,
  plan: SequencePlan,
  initial: tf.Tensor[],
  masks: StepMasks | null,
  options: { keepOutputs: boolean; zeroOutputForMask: boolean },
): LoopResult {
  const transposed = plan.transposed ?? false;
  let states = initial;
  let previous: tf.Tensor | null = null;
  const outputs: tf.Tensor[] = [];
  plan.inputs.forEach((input, k) => {
    let [output, next] = plan.step(input, states);
    if (next.length !== states.length) {
      throw new RangeError(
        `Cannot apply ${what} as its cell returned ${next.length} states for ${states.length}: a cell's call must return [output, newStates] with one new state per state`,
      );
    }
    const keep = (fresh: tf.Tensor, old: tf.Tensor) => {
      const m = masks?.at(k, fresh.shape, transposed) ?? null;
      return m === null ? fresh : tf.where(m, fresh, old);
    };
    if (masks) {
      next = next.map((s, i) => keep(s, states[i]));
      const held = options.zeroOutputForMask || previous === null ? tf.zerosLike(output) : previous;
      output = keep(output, held);
    }
    states = next;
    previous = output;
    if (options.keepOutputs) outputs.push(output);
  });
  return { outputs, last: previous!, states };
}
