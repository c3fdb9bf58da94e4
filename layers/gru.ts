/**
 * GRU: a gated recurrent unit (Cho et al., 2014), Keras's gates and weight layout (see `GRUCell`; `resetAfter` is true by default, PyTorch's form); its state is `h`.
 *
 * @module
 */
import { GRUCell, type GRUCellOptions } from "./gru_cell.ts";
import { RNN, RNN_OPTION_KEYS, type RNNOptions } from "./rnn.ts";
import { flatConfig, splitOptions } from "./_recurrent_layer.ts";

/** Options of {@link GRU}: its cell's and `RNN`'s. */
export interface GRUOptions extends GRUCellOptions, RNNOptions {}

/**
 * GRU over `[batch, time, features]`: a gated recurrent unit (Cho et al., 2014), Keras's gates and weight layout (see `GRUCell`; `resetAfter` is true by default, PyTorch's form); its state is `h`. Output `[batch, units]`
 * (every step's with `returnSequences`); with `returnState`, `apply`
 * returns `[output, ...states]`. Masks from `Embedding({ maskZero })` or
 * `Masking` skip steps (the state carries over, the output repeats).
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const layer = new layers.GRU(8, { returnSequences: true });
 * const y = layer.apply(tf.ones([2, 5, 3])); // [2, 5, 8]
 * y.dispose();
 * ```
 */
export class GRU extends RNN {
  /** `fromConfig` passes `units` positionally. */
  static override positionalArgs: string[] = ["units"];

  /** The keys of {@link GRUOptions}. */
  static override optionKeys: readonly string[] = [
    ...new Set([...GRUCell.optionKeys, ...RNN_OPTION_KEYS]),
  ];

  /**
   * Creates the layer.
   *
   * @param units The size of the output and of the states: a positive integer.
   * @param options The cell's options (activations, initializers, dropout, …)
   *   and `RNN`'s (`returnSequences`, `returnState`, `goBackwards`, `stateful`).
   */
  constructor(units: number, options: GRUOptions = {}) {
    const { cell, layer } = splitOptions<GRUCellOptions>(new.target, options, "gru_cell");
    super(new GRUCell(units, cell), layer);
  }

  /** The number of units. */
  get units(): number {
    return (this.cell as GRUCell).units;
  }

  /** The options of the layer and its cell, flat (Keras's config). */
  override getConfig(): Record<string, unknown> {
    return flatConfig(super.getConfig(), this.cell.getConfig());
  }
}
