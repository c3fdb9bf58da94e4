/**
 * SimpleRNN: a fully connected recurrence (see `SimpleRNNCell`); its state is the output.
 *
 * @module
 */
import { SimpleRNNCell, type SimpleRNNCellOptions } from "./simple_rnn_cell.ts";
import { RNN, RNN_OPTION_KEYS, type RNNOptions } from "./rnn.ts";
import { flatConfig, splitOptions } from "./_recurrent_layer.ts";

/** Options of {@link SimpleRNN}: its cell's and `RNN`'s. */
export interface SimpleRNNOptions extends SimpleRNNCellOptions, RNNOptions {}

/**
 * SimpleRNN over `[batch, time, features]`: a fully connected recurrence (see `SimpleRNNCell`); its state is the output. Output `[batch, units]`
 * (every step's with `returnSequences`); with `returnState`, `apply`
 * returns `[output, ...states]`. Masks from `Embedding({ maskZero })` or
 * `Masking` skip steps (the state carries over, the output repeats).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const layer = new layers.SimpleRNN(8, { returnSequences: true });
 * const y = layer.apply(tf.ones([2, 5, 3])); // [2, 5, 8]
 * y.dispose();
 * ```
 */
export class SimpleRNN extends RNN {
  /** `fromConfig` passes `units` positionally. */
  static override positionalArgs: string[] = ["units"];

  /** The keys of {@link SimpleRNNOptions}. */
  static override optionKeys: readonly string[] = [
    ...new Set([...SimpleRNNCell.optionKeys, ...RNN_OPTION_KEYS]),
  ];

  /**
   * Creates the layer.
   *
   * @param units The size of the output and of the states: a positive integer.
   * @param options The cell's options (activations, initializers, dropout, …)
   *   and `RNN`'s (`returnSequences`, `returnState`, `goBackwards`, `stateful`).
   */
  constructor(units: number, options: SimpleRNNOptions = {}) {
    const { cell, layer } = splitOptions<SimpleRNNCellOptions>(
      new.target,
      options,
      "simple_rnn_cell",
    );
    super(new SimpleRNNCell(units, cell), layer);
  }

  /** The number of units. */
  get units(): number {
    return (this.cell as SimpleRNNCell).units;
  }

  /** The options of the layer and its cell, flat (Keras's config). */
  override getConfig(): Record<string, unknown> {
    return flatConfig(super.getConfig(), this.cell.getConfig());
  }
}
