/**
 * LSTM: a long short-term memory (Hochreiter & Schmidhuber, 1997), Keras's gates and weight layout (see `LSTMCell`); its states are `[h, c]`.
 *
 * @module
 */
import { LSTMCell, type LSTMCellOptions } from "./lstm_cell.ts";
import { RNN, RNN_OPTION_KEYS, type RNNOptions } from "./rnn.ts";
import { flatConfig, splitOptions } from "./_recurrent_layer.ts";

/** Options of {@link LSTM}: its cell's and `RNN`'s. */
export interface LSTMOptions extends LSTMCellOptions, RNNOptions {}

/**
 * LSTM over `[batch, time, features]`: a long short-term memory (Hochreiter & Schmidhuber, 1997), Keras's gates and weight layout (see `LSTMCell`); its states are `[h, c]`. Output `[batch, units]`
 * (every step's with `returnSequences`); with `returnState`, `apply`
 * returns `[output, ...states]`. Masks from `Embedding({ maskZero })` or
 * `Masking` skip steps (the state carries over, the output repeats).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const layer = new layers.LSTM(8, { returnSequences: true });
 * const y = layer.apply(tf.ones([2, 5, 3])); // [2, 5, 8]
 * y.dispose();
 * ```
 */
export class LSTM extends RNN {
  /** `fromConfig` passes `units` positionally. */
  static override positionalArgs: string[] = ["units"];

  /** The keys of {@link LSTMOptions}. */
  static override optionKeys: readonly string[] = [
    ...new Set([...LSTMCell.optionKeys, ...RNN_OPTION_KEYS]),
  ];

  /**
   * Creates the layer.
   *
   * @param units The size of the output and of the states: a positive integer.
   * @param options The cell's options (activations, initializers, dropout, …)
   *   and `RNN`'s (`returnSequences`, `returnState`, `goBackwards`, `stateful`).
   */
  constructor(units: number, options: LSTMOptions = {}) {
    const { cell, layer } = splitOptions<LSTMCellOptions>(new.target, options, "lstm_cell");
    super(new LSTMCell(units, cell), layer);
  }

  /** The number of units. */
  get units(): number {
    return (this.cell as LSTMCell).units;
  }

  /** The options of the layer and its cell, flat (Keras's config). */
  override getConfig(): Record<string, unknown> {
    return flatConfig(super.getConfig(), this.cell.getConfig());
  }
}
