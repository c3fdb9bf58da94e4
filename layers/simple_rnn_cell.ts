/**
 * SimpleRNNCell: one step of a fully connected recurrence,
 * `h' = activation(x·kernel + bias + h·recurrentKernel)`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  BASE_RNN_CELL_OPTION_KEYS,
  BaseRNNCell,
  type BaseRNNCellOptions,
} from "./base_rnn_cell.ts";
import type { CellStep } from "./rnn_cell.ts";

/** Options of {@link SimpleRNNCell} (and of `SimpleRNN`). */
export type SimpleRNNCellOptions = BaseRNNCellOptions;

/**
 * The cell of `SimpleRNN`: `kernel` `[inputDim, units]`,
 * `recurrent_kernel` `[units, units]`, `bias` `[units]`; one state, which
 * is also the output.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const rnn = new layers.RNN(new layers.SimpleRNNCell(8));
 * const y = rnn.apply(tf.ones([2, 5, 3])); // [2, 8]
 * y.dispose();
 * ```
 */
export class SimpleRNNCell extends BaseRNNCell {
  /** One block. */
  protected readonly gates = 1;

  /** `fromConfig` passes `units` positionally. */
  static override positionalArgs: string[] = ["units"];

  /** The keys of {@link SimpleRNNCellOptions}. */
  static override optionKeys: readonly string[] = BASE_RNN_CELL_OPTION_KEYS;

  /**
   * Creates the cell.
   *
   * @param units The size of the output and of the state: a positive integer.
   * @param options Activation, bias, initializers, regularizers, dropout.
   */
  constructor(units: number, options: SimpleRNNCellOptions = {}) {
    super(units, options);
  }

  /** The step: `[h', [h']]` from the projected input and `[h]`, all transposed. */
  protected makeStep(recurrentMask: tf.Tensor | null): CellStep {
    const kernel = this.recurrentKernel as tf.Tensor2D;
    // Transposed, [units, batch]: h' = activation(projected + kernelᵀ·h).
    return (projected, [h]) => {
      const hIn = recurrentMask ? tf.mul(h, recurrentMask) : h;
      const next = this.activation(tf.add(projected, tf.matMul(kernel, hIn, true, false)));
      return [next, [next]];
    };
  }
}
