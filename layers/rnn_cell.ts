/**
 * RNNCell: the cell contract that `RNN` runs over time, and the base of
 * kerno's cells (`SimpleRNNCell`, `LSTMCell`, `GRUCell`, `StackedRNNCells`)
 * and of a user's own.
 *
 * A cell is a layer holding one time step's computation, as in Keras:
 * - `stateSize`: the size of each state (a number for one state, a list for
 *   several: an LSTM cell's `[units, units]` for `h` and `c`);
 * - `outputSize` (optional): the size of its output, by default the first
 *   state's;
 * - `build(inputShape)`: creates the weights for a step's input
 *   `[batch, features]`;
 * - `call(input, states, { training })`: one step, from the input
 *   `[batch, features]` and the previous states (always a list) to
 *   `[output, newStates]`.
 *
 * `RNN` asks a cell for a {@link SequencePlan}: how it runs over a whole
 * sequence. The default plan calls `call` once per step; kerno's cells
 * project the whole sequence's inputs with one matrix product first and
 * keep only the recurrent product in each step.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { Layer } from "../engine/layer.ts";

/** Options of a cell's `call`. */
export interface CellCallOptions {
  /** Training mode (dropout on the inputs and the recurrent state). @default false */
  training?: boolean;
}

/** One step of a cell: the step's input and the previous states to `[output, newStates]`. */
export type CellStep = (input: tf.Tensor, states: tf.Tensor[]) => [tf.Tensor, tf.Tensor[]];

/**
 * How a cell runs over a sequence: the per-step inputs it wants (in time
 * order; for kerno's cells, the inputs already multiplied by the kernel)
 * and the step that takes one of them and the states.
 */
export interface SequencePlan {
  /** One tensor per time step, in time order: `[batch, …]` (`[width, batch]` when transposed). */
  inputs: tf.Tensor[];
  /** The step. */
  step: CellStep;
  /**
   * Whether the step's inputs, states and output are transposed,
   * `[size, batch]` (kerno's cells: a gated cell's gates are then
   * contiguous rows of one product); `RNN` transposes the states in and
   * out. @default false
   */
  transposed?: boolean;
}

/**
 * The base of recurrent cells. Subclass it for a cell of your own: give
 * `stateSize`, create weights in `build`, and write `call`.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * class MinimalRNNCell extends layers.RNNCell {
 *   readonly stateSize = 4;
 *   kernel!: tf.Variable;
 *   recurrent!: tf.Variable;
 *   override build(inputShape: (number | null)[]): void {
 *     this.kernel = this.addWeight("kernel", [inputShape[inputShape.length - 1]!, 4]);
 *     this.recurrent = this.addWeight("recurrent_kernel", [4, 4]);
 *   }
 *   override call(input: tf.Tensor, states: tf.Tensor[]): [tf.Tensor, tf.Tensor[]] {
 *     const h = tf.tanh(tf.add(tf.matMul(input, this.kernel), tf.matMul(states[0], this.recurrent)));
 *     return [h, [h]];
 *   }
 * }
 * const rnn = new layers.RNN(new MinimalRNNCell());
 * const y = rnn.apply(tf.ones([2, 5, 3])); // [2, 4]
 * y.dispose();
 * ```
 */
export abstract class RNNCell extends Layer {
  /** The size of each state: a number for one state, a list for several. */
  abstract readonly stateSize: number | number[];

  /** The size of the output: by default the first state's. */
  get outputSize(): number {
    return stateSizes(this)[0];
  }

  /**
   * One time step.
   *
   * @param input The step's input, `[batch, features]`.
   * @param states The previous states, one `[batch, size]` tensor per state.
   * @param options `training`.
   * @returns `[output, newStates]`.
   */
  // The cell contract (states in, states out) is not Layer.call's: typed loosely, so that a
  // cell stays a Layer to TypeScript (in lists of layers, fromConfig, registerSerializable).
  // deno-lint-ignore no-explicit-any
  abstract override call(input: tf.Tensor, states: any, options?: CellCallOptions): any;

  /**
   * The states at the start of a sequence: zeros.
   *
   * @param batchSize The batch size.
   * @returns One zero tensor per state.
   */
  getInitialState(batchSize: number): tf.Tensor[] {
    return stateSizes(this).map((n) => tf.zeros([batchSize, n]));
  }

  /**
   * How the cell runs over a sequence; `RNN` calls it once per sequence.
   * The default calls `call` at every step.
   *
   * @param sequence The inputs, `[batch, time, features]`.
   * @param training Training mode.
   * @returns The per-step inputs and the step.
   */
  planSequence(sequence: tf.Tensor, training: boolean): SequencePlan {
    return defaultPlan(this, sequence, training);
  }
}

/**
 * The state sizes of a cell, as a list (a `StackedRNNCells` gives every
 * cell's, in order).
 *
 * @param cell The cell.
 * @returns One size per state.
 */
export function stateSizes(cell: { stateSize: unknown }): number[] {
  const s = cell.stateSize;
  const list = Array.isArray(s) ? s.flat(Infinity) : [s];
  return list as number[];
}

/**
 * The plan of a cell that has none of its own: `call` at each step.
 *
 * @param cell The cell.
 * @param sequence The inputs, `[batch, time, features]`.
 * @param training Training mode.
 * @returns The plan.
 */
export function defaultPlan(cell: Layer, sequence: tf.Tensor, training: boolean): SequencePlan {
  const step = cell.call.bind(cell) as unknown as (
    input: tf.Tensor,
    states: tf.Tensor[],
    options: CellCallOptions,
  ) => [tf.Tensor, tf.Tensor | tf.Tensor[]];
  return {
    // Time-major once, then contiguous slices: one per step.
    inputs: tf.unstack(tf.transpose(sequence, [1, 0, 2]), 0),
    step: (input, states) => {
      const [output, next] = step(input, states, { training });
      return [output, Array.isArray(next) ? next : [next]];
    },
  };
}

/**
 * A cell's plan: its own `planSequence` when it has one, else `call` at
 * each step.
 *
 * @param cell The cell.
 * @param sequence The inputs, `[batch, time, features]`.
 * @param training Training mode.
 * @returns The plan.
 */
export function planOf(cell: Layer, sequence: tf.Tensor, training: boolean): SequencePlan {
  const own = (cell as { planSequence?: unknown }).planSequence;
  return typeof own === "function"
    ? (own as RNNCell["planSequence"]).call(cell, sequence, training)
    : defaultPlan(cell, sequence, training);
}
